using Dso.Controller.Hosting;
using Dso.DecisionLog.Queries;
using Dso.Policies.Model;

namespace Dso.Controller.Web.Api;

/// <summary>The services an analyst can look at: those in the policy now, and those only the log still remembers.</summary>
internal static class ServiceDirectory
{
    public static ServicePolicy? Policy(LoopRegistry loops, string service) =>
        loops.Current.Services.FirstOrDefault(s => s.Name == service);

    public static IReadOnlyList<string> Names(LoopRegistry loops, IEnumerable<ServiceTotals> logged) =>
        loops.Current.Services.Select(s => s.Name).Union(logged.Select(t => t.Service)).Where(n => n != "*").Order(StringComparer.Ordinal).ToList();

    /// <summary>The showback label: the policy's team, or "unassigned".</summary>
    public static string Team(LoopRegistry loops, string service) => Policy(loops, service)?.Team ?? "unassigned";

    /// <summary>Midnight UTC on the first of the month that <paramref name="now"/> falls in.</summary>
    public static DateTimeOffset MonthStart(DateTimeOffset now) => new(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
}
