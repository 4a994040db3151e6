namespace Dso.Controller.Health;

/// <summary>One service's health as <c>/healthz</c> reports it: the state, why, and the figures it was judged on.</summary>
public sealed record ServiceHealth(
    string Service,
    HealthState State,
    string Reason,
    DateTimeOffset? LastTickAt,
    int ConsecutiveFailures,
    int ConsecutiveHolds)
{
    public string StateName => State.ToString().ToLowerInvariant();
}
