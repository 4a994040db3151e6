using System.ComponentModel.DataAnnotations;

namespace Dso.Ingestion.Push;

/// <summary>What one push may contain. Limits protect the store and the loop from a misbehaving client.</summary>
public sealed record PushLimits
{
    public const int DefaultMaxSamplesPerBatch = 100_000;
    public const int DefaultMaxBodyBytes = 16 * 1024 * 1024;
    public const int DefaultMaxReportedProblems = 20;

    [Range(1, 10_000_000)]
    public int MaxSamplesPerBatch { get; init; } = DefaultMaxSamplesPerBatch;

    [Range(1024, 512 * 1024 * 1024)]
    public int MaxBodyBytes { get; init; } = DefaultMaxBodyBytes;

    /// <summary>Clock skew tolerated for client timestamps; further ahead is a client bug, not data.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxFutureSkew { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Older samples would land beyond what the store keeps at full resolution anyway.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "400.00:00:00")]
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Per KPI, the values accepted (<see cref="PlausibleRange.Defaults"/> unless configured); others use <see cref="PlausibleRange.Default"/>.</summary>
    public IReadOnlyDictionary<string, PlausibleRange> Ranges { get; init; } = PlausibleRange.Defaults;

    public PlausibleRange RangeOf(string kpi) => Ranges.TryGetValue(kpi, out var range) ? range : PlausibleRange.Default;

    /// <summary>A batch of a million bad samples gets the first few problems back, not a megabyte of errors.</summary>
    [Range(1, 1000)]
    public int MaxReportedProblems { get; init; } = DefaultMaxReportedProblems;
}
