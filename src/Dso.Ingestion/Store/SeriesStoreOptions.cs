using System.ComponentModel.DataAnnotations;

namespace Dso.Ingestion.Store;

/// <summary>
/// Memory bounds of the series store. With the defaults a series holds about 17 hours of one-minute samples
/// raw, two days at 5 minutes and 40 days at one hour, in at most 64 KB however long it runs (16-byte samples,
/// 32-byte buckets); with <see cref="MaxSeries"/> at its default the store can never exceed about 640 MB.
/// </summary>
public sealed record SeriesStoreOptions
{
    public const int DefaultRawCapacity = 1024;
    public const int DefaultMaxSeries = 10_000;
    public const int DefaultMaxSeriesPerService = 100;

    public static readonly IReadOnlyList<DownsampleTier> DefaultTiers =
    [
        new(TimeSpan.FromMinutes(5), 576),
        new(TimeSpan.FromHours(1), 960),
    ];

    /// <summary>Raw samples kept per series before the oldest are folded into the first tier.</summary>
    [Range(16, 1_000_000)]
    public int RawCapacity { get; init; } = DefaultRawCapacity;

    /// <summary>Finest first; each receives what falls out of the previous level.</summary>
    public IReadOnlyList<DownsampleTier> Tiers { get; init; } = DefaultTiers;

    /// <summary>Across all services; a push naming yet another KPI past this is refused.</summary>
    [Range(1, 10_000_000)]
    public int MaxSeries { get; init; } = DefaultMaxSeries;

    /// <summary>
    /// KPIs one service may hold: an exporter pushing ever new KPI names fills its own share, never the store every
    /// other service pushes into (nor its decision log, which records each KPI).
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxSeriesPerService { get; init; } = DefaultMaxSeriesPerService;
}
