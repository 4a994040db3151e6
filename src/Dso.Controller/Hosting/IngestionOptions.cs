using System.ComponentModel.DataAnnotations;
using Dso.Ingestion.Push;
using Dso.Ingestion.Store;

namespace Dso.Controller.Hosting;

/// <summary>Section <c>Ingestion</c>: push tokens, push limits, and the series store's bounds and snapshots.</summary>
public sealed class IngestionOptions
{
    public const string Section = "Ingestion";
    public const string SnapshotFileName = "series.snapshot";

    /// <summary>Bearer token per push service (<c>Ingestion:PushTokens:{service}</c>). A service without one accepts no pushes.</summary>
    public Dictionary<string, string> PushTokens { get; set; } = new(StringComparer.Ordinal);

    [Range(1, 10_000_000)]
    public int MaxSamplesPerBatch { get; set; } = PushLimits.DefaultMaxSamplesPerBatch;

    [Range(1024, 512 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = PushLimits.DefaultMaxBodyBytes;

    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    [Range(typeof(TimeSpan), "00:01:00", "400.00:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    [Range(16, 1_000_000)]
    public int RawCapacity { get; set; } = SeriesStoreOptions.DefaultRawCapacity;

    [Range(1, 10_000_000)]
    public int MaxSeries { get; set; } = SeriesStoreOptions.DefaultMaxSeries;

    /// <summary>How often the store is written to the data directory; a crash loses at most this much pushed history.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromSeconds(30);

    public PushLimits Limits() => new()
    {
        MaxSamplesPerBatch = MaxSamplesPerBatch,
        MaxBodyBytes = MaxBodyBytes,
        MaxFutureSkew = MaxFutureSkew,
        MaxAge = MaxAge,
    };

    public SeriesStoreOptions Store() => new() { RawCapacity = RawCapacity, MaxSeries = MaxSeries };
}
