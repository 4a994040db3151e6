namespace Dso.Controller.Health;

/// <summary>How well a service is being managed, worst last so that the overall status is the maximum.</summary>
public enum HealthState
{
    /// <summary>The last tick decided on fresh data from a healthy source.</summary>
    Ok,

    /// <summary>Still managed, but blind in part: the fleet is held (source down, stale data), some KPIs are missing, or no tick ran yet.</summary>
    Degraded,

    /// <summary>Not managed: ticks are failing, the loop stopped ticking, or the fleet has been held for many ticks.</summary>
    Failing,
}
