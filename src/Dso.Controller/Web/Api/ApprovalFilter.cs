using Dso.Abstractions.Approvals;

namespace Dso.Controller.Web.Api;

/// <summary>
/// The approval list's query parameters, taken as text (so OpenAPI lists them) and parsed here, where every bad
/// one is named. <c>status</c> defaults to <c>pending</c>; <c>open</c> is pending and approved, <c>all</c> every status.
/// </summary>
internal sealed record ApprovalFilter(string? Service, string? Status, string? From, string? To, string? Limit)
{
    public static readonly string[] Names = ["service", "status", "from", "to", "limit"];

    private static readonly Dictionary<string, ApprovalStatus[]> Statuses = BuildStatuses();

    public static ApprovalQuery? Parse(HttpRequest request, out ApiParameters parameters)
    {
        var p = parameters = new ApiParameters(request.Query, Names);
        var from = p.Time("from");
        var to = p.Time("to");
        p.Check(from is null || to is null || from < to, "to", "must be after 'from'");
        var status = p.OneOf("status", [.. Statuses.Keys]) ?? "pending";
        var query = new ApprovalQuery
        {
            Service = p.Text("service"),
            Statuses = Statuses.GetValueOrDefault(status, []),
            From = from,
            To = to,
            Limit = p.Int("limit", 1, ApprovalQuery.MaxLimit) ?? ApprovalQuery.DefaultLimit,
        };
        return p.IsValid ? query : null;
    }

    private static Dictionary<string, ApprovalStatus[]> BuildStatuses()
    {
        var map = Enum.GetValues<ApprovalStatus>().ToDictionary(s => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(s.ToString()), s => new[] { s }, StringComparer.Ordinal);
        map["open"] = [ApprovalStatus.Pending, ApprovalStatus.Approved];
        map["all"] = [];
        return map;
    }
}
