using Prometheus;

namespace Dso.Controller.Hosting;

/// <summary>
/// Writes of state that must outlive the process (the planner's state, the push journal, open alert incidents) that
/// failed: each is reported once in the log, and counted here on every failure, for an alert on durability lost.
/// </summary>
internal static class StateMetrics
{
    public const string PlannerState = "planner_state";
    public const string PushJournal = "push_journal";
    public const string AlertIncidents = "alert_incidents";

    public static readonly Counter WriteFailures = Metrics.CreateCounter("dso_state_write_failures_total",
        "Writes of state kept across restarts that failed (the state is then kept in memory only until a write succeeds), by store: planner_state, push_journal, alert_incidents.", "store");
}
