using System.ComponentModel.DataAnnotations;

namespace Dso.Cloud.Resilience;

/// <summary>
/// How one cloud call is bounded and retried (configuration section <c>Cloud:Resilience</c>). The tick's own
/// deadline (the caller's cancellation token) still bounds all attempts together: a retry never outlives the tick.
/// </summary>
public sealed class CloudResilienceOptions : IValidatableObject
{
    public const string Section = "Cloud:Resilience";

    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(20);
    public const int DefaultMaxRetries = 3;
    public static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromSeconds(10);
    public const double DefaultBreakerFailureRatio = 0.5;
    public const int DefaultBreakerMinimumThroughput = 6;
    public static readonly TimeSpan DefaultBreakerSamplingDuration = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan DefaultBreakDuration = TimeSpan.FromSeconds(30);

    /// <summary>One attempt's deadline; past it the attempt counts as a <c>Timeout</c> (transient) failure.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan CallTimeout { get; set; } = DefaultCallTimeout;

    /// <summary>Retries after the first attempt, for transient kinds only (throttled, unavailable, timeout, conflict).</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = DefaultMaxRetries;

    /// <summary>
    /// First backoff; it doubles per retry with jitter, unless the provider said Retry-After. Above 0: a zero backoff
    /// would retry a throttled cloud at once, every retry.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00", ErrorMessage = Section + ":BaseDelay must be above 0 and at most {2}")]
    public TimeSpan BaseDelay { get; set; } = DefaultBaseDelay;

    /// <summary>Longest single backoff, Retry-After included; at least <see cref="BaseDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00", ErrorMessage = Section + ":MaxDelay must be above 0 and at most {2}")]
    public TimeSpan MaxDelay { get; set; } = DefaultMaxDelay;

    /// <summary>Share of transient failures within <see cref="BreakerSamplingDuration"/> that opens the circuit.</summary>
    [Range(0.01, 1.0)]
    public double BreakerFailureRatio { get; set; } = DefaultBreakerFailureRatio;

    /// <summary>Calls needed in the sampling window before the ratio counts (a single failure never opens it).</summary>
    [Range(2, 1000)]
    public int BreakerMinimumThroughput { get; set; } = DefaultBreakerMinimumThroughput;

    [Range(typeof(TimeSpan), "00:00:00.5", "01:00:00")]
    public TimeSpan BreakerSamplingDuration { get; set; } = DefaultBreakerSamplingDuration;

    /// <summary>How long an open circuit fails calls at once before letting one probe through.</summary>
    [Range(typeof(TimeSpan), "00:00:00.5", "01:00:00")]
    public TimeSpan BreakDuration { get; set; } = DefaultBreakDuration;

    /// <summary>
    /// A <see cref="BaseDelay"/> above <see cref="MaxDelay"/> was taken, and every backoff cut to the maximum: the
    /// exponential backoff the operator set up silently never happened.
    /// </summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BaseDelay > MaxDelay)
        {
            yield return new ValidationResult(
                $"{Section}:BaseDelay ({BaseDelay}) must be at most {Section}:MaxDelay ({MaxDelay}): the backoff starts at the first and doubles up to the second",
                [nameof(BaseDelay), nameof(MaxDelay)]);
        }
    }
}
