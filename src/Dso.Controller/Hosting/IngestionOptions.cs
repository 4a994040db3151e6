using System.ComponentModel.DataAnnotations;
using Dso.Ingestion.Push;
using Dso.Ingestion.Store;

namespace Dso.Controller.Hosting;

/// <summary>Section <c>Ingestion</c>: push tokens, push limits, and the series store's bounds and snapshots.</summary>
public sealed class IngestionOptions : IValidatableObject
{
    public const string Section = "Ingestion";
    public const string SnapshotFileName = "series.snapshot";

    /// <summary>The push journal beside the snapshot (<see cref="Dso.Ingestion.Store.SeriesJournal"/>).</summary>
    public const string JournalFileName = "series.journal";

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

    /// <summary>KPIs one service may hold in the store (see <see cref="SeriesStoreOptions.MaxSeriesPerService"/>).</summary>
    [Range(1, 10_000_000)]
    public int MaxSeriesPerService { get; set; } = SeriesStoreOptions.DefaultMaxSeriesPerService;

    /// <summary>How often the store is written to the data directory; a crash loses at most this much pushed history.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Per KPI, the plausible range of pushed values (<c>Ingestion:PlausibleRanges:request_rate:Max=1e9</c>); a value
    /// outside is refused with a 422 naming the sample. Keys given here replace the built-in range of that KPI.
    /// </summary>
    public Dictionary<string, RangeOptions> PlausibleRanges { get; set; } = new(StringComparer.Ordinal);

    public PushLimits Limits() => new()
    {
        Ranges = MergedRanges(),
        MaxSamplesPerBatch = MaxSamplesPerBatch,
        MaxBodyBytes = MaxBodyBytes,
        MaxFutureSkew = MaxFutureSkew,
        MaxAge = MaxAge,
    };

    public SeriesStoreOptions Store() => new() { RawCapacity = RawCapacity, MaxSeries = MaxSeries, MaxSeriesPerService = MaxSeriesPerService };

    /// <summary>
    /// A range no value fits (a bound of NaN, or Min above Max once merged with the built-in bound) would refuse every
    /// pushed sample of the KPI with a 422: refuse the setting at start instead, naming the KPI.
    /// </summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (kpi, range) in MergedRanges().Where(kv => PlausibleRanges.ContainsKey(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (double.IsNaN(range.Min) || double.IsNaN(range.Max) || range.Min > range.Max)
            {
                yield return new ValidationResult(
                    $"{Section}:PlausibleRanges:{kpi} must have Min at most Max, both numbers (was {range}; an omitted bound keeps the built-in one)",
                    [nameof(PlausibleRanges)]);
            }
        }
    }

    private Dictionary<string, PlausibleRange> MergedRanges()
    {
        var ranges = new Dictionary<string, PlausibleRange>(PlausibleRange.Defaults, StringComparer.Ordinal);
        foreach (var (kpi, range) in PlausibleRanges)
        {
            var builtIn = ranges.GetValueOrDefault(kpi, PlausibleRange.Default);
            ranges[kpi] = new PlausibleRange(range.Min ?? builtIn.Min, range.Max ?? builtIn.Max);
        }

        return ranges;
    }

    /// <summary>One KPI's bounds; an omitted bound keeps the built-in one.</summary>
    public sealed class RangeOptions
    {
        public double? Min { get; set; }

        public double? Max { get; set; }
    }
}
