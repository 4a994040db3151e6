namespace Dso.Reconcile;

/// <summary>
/// The stages of a tick, as named in failed decisions and in <c>dso_tick_failures_total{stage}</c>: an operator
/// who sees failures climb learns from the label alone whether the cloud, the data or the planner is at fault.
/// </summary>
public static class TickStage
{
    /// <summary>Reading the actual fleet from the cloud provider, or the KPIs from the metric source.</summary>
    public const string Read = "read";

    /// <summary>First tick only: warming from the source's history and re-applying a decision a crash left unfinished.</summary>
    public const string Resume = "resume";

    public const string Detect = "detect";

    public const string Forecast = "forecast";

    public const string Plan = "plan";

    public const string Guard = "guard";

    /// <summary>Writing the decision (and its anomaly events) to the decision log.</summary>
    public const string Log = "log";

    public const string Apply = "apply";

    /// <summary>Handing the finished tick to observers (metrics, alerts).</summary>
    public const string Observe = "observe";
}
