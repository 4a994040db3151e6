namespace Dso.Abstractions.Approvals;

/// <summary>Which approval requests to list, newest request first.</summary>
public sealed record ApprovalQuery
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public string? Service { get; init; }

    /// <summary>Only these statuses; null or empty lists every status.</summary>
    public IReadOnlyList<ApprovalStatus>? Statuses { get; init; }

    /// <summary>Only requests made at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only requests made before this time.</summary>
    public DateTimeOffset? To { get; init; }

    public int Limit { get; init; } = DefaultLimit;
}
