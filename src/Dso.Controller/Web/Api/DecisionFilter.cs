using Dso.DecisionLog.Queries;

namespace Dso.Controller.Web.Api;

using DecisionQuery = Dso.DecisionLog.Queries.DecisionQuery;

/// <summary>
/// The decision filters as query parameters, shared by the JSON list, the CSV export and the pages. The handler
/// takes them as text (so OpenAPI lists them) and parses them here, where every bad one is named.
/// </summary>
internal sealed record DecisionFilter(
    string? Service, string? From, string? To, string? Variant, string? Strategy, string? Changes,
    string? Held, string? Experiment, string? Block, string? Anomalies, string? Outcome, string? Cursor, string? Limit)
{
    public static readonly string[] Names = ["service", "from", "to", "variant", "strategy", "changes", "experiment", "block", "held", "anomalies", "outcome", "cursor", "limit"];

    /// <summary>snake_case on the wire, the <see cref="Dso.Abstractions.Cloud.ApplyStatus"/> name in the log.</summary>
    private static readonly Dictionary<string, string> Outcomes = new(StringComparer.Ordinal)
    {
        ["applied"] = "Applied", ["no_change"] = "NoChange", ["partial"] = "Partial", ["failed"] = "Failed", ["pending"] = "pending",
        ["dry_run"] = "DryRun", ["awaiting_approval"] = "AwaitingApproval", ["rejected"] = "Rejected",
    };

    /// <summary>The query, or null with the problems in <paramref name="parameters"/>.</summary>
    public static DecisionQuery? Parse(HttpRequest request, int maxLimit, out ApiParameters parameters, params string[] extra)
    {
        var p = parameters = new ApiParameters(request.Query, [.. Names, .. extra]);
        var from = p.Time("from");
        var to = p.Time("to");
        p.Check(from is null || to is null || from < to, "to", "must be after 'from'");
        var outcome = p.OneOf("outcome", [.. Outcomes.Keys]);
        var query = new DecisionQuery
        {
            Service = p.Text("service"),
            From = from,
            To = to,
            Variant = p.Text("variant"),
            Strategy = p.Text("strategy"),
            Experiment = p.Text("experiment"),
            Block = p.Long("block", 0),
            ChangesOnly = p.Bool("changes") ?? false,
            Held = p.Bool("held"),
            Anomalies = p.Bool("anomalies"),
            Outcome = outcome is null ? null : Outcomes[outcome],
            Before = p.Long("cursor", 1),
            Limit = p.Int("limit", 1, maxLimit) ?? Math.Min(DecisionQuery.DefaultLimit, maxLimit),
        };
        return p.IsValid ? query : null;
    }
}
