namespace Dso.DecisionLog.Queries;

/// <summary>
/// A filter over the decision log, newest first. Every filter is optional; <see cref="Before"/> is the paging
/// cursor (the sequence number of the last row of the previous page).
/// </summary>
public sealed record DecisionQuery
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public string? Service { get; init; }

    public DateTimeOffset? From { get; init; }

    /// <summary>Exclusive.</summary>
    public DateTimeOffset? To { get; init; }

    public string? Variant { get; init; }

    public string? Strategy { get; init; }

    /// <summary>Only decisions taken in this experiment (the <c>experiment</c> column).</summary>
    public string? Experiment { get; init; }

    /// <summary>Only decisions of this block of the experiment's design (the <c>block</c> column).</summary>
    public long? Block { get; init; }

    /// <summary>Only decisions that changed the fleet.</summary>
    public bool ChangesOnly { get; init; }

    /// <summary>true: only held ticks; false: none of them; null: both.</summary>
    public bool? Held { get; init; }

    /// <summary>true: only ticks with an anomaly; false: only without; null: both.</summary>
    public bool? Anomalies { get; init; }

    /// <summary>An apply status (<c>applied</c>, <c>no_change</c>, <c>failed</c>, ...) or <c>pending</c> (no outcome yet).</summary>
    public string? Outcome { get; init; }

    public long? Before { get; init; }

    public int Limit { get; init; } = DefaultLimit;
}
