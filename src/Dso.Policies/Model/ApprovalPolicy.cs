namespace Dso.Policies.Model;

/// <summary>
/// When a change needs an operator (mode <c>approve</c>): it adds or removes more than <see cref="Instances"/>
/// instances, or moves the hourly cost by more than <see cref="UsdPerHour"/>. A threshold left out does not
/// count; with both left out every change waits. Unanswered requests expire after <see cref="Timeout"/>.
/// The thresholds also hold for the changes applied without an operator within <see cref="Window"/>, taken together:
/// a planner stepping +1 a minute under a threshold of 4 asks for approval at the fifth step, not never.
/// </summary>
public sealed record ApprovalPolicy(int? Instances, decimal? UsdPerHour, TimeSpan Timeout)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(30);

    public static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(1);

    public static readonly ApprovalPolicy Default = new(null, null, DefaultTimeout);

    /// <summary>
    /// Span over which changes applied without an operator add up against the thresholds (<c>approval.window</c>,
    /// default 1h; 0 judges each change alone). An approved change, a hold, or a fleet changed outside this service
    /// starts the count afresh.
    /// </summary>
    public TimeSpan Window { get; init; } = DefaultWindow;

    /// <summary>Whether a change of this many instances and this much hourly cost must wait for an operator.</summary>
    public bool Requires(int instanceDelta, decimal hourlyDelta)
    {
        if (Instances is null && UsdPerHour is null)
        {
            return instanceDelta != 0 || hourlyDelta != 0;
        }

        return (Instances is { } n && Math.Abs(instanceDelta) > n) || (UsdPerHour is { } usd && Math.Abs(hourlyDelta) > usd);
    }
}
