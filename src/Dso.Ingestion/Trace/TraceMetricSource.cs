using Dso.Abstractions.Metrics;
using Dso.Abstractions.Series;

namespace Dso.Ingestion.Trace;

/// <summary>
/// Replays a <c>timestamp,value</c> trace as the request rate. At time <c>now</c> it returns the latest row whose
/// interval has ended, so a decision can never see demand from the future.
/// </summary>
public sealed class TraceMetricSource : IMetricSource
{
    public const string SourceName = "trace";

    private readonly IReadOnlyList<TimeSeriesPoint> _points;
    private readonly TimeSpan _lastStep;

    public TraceMetricSource(IReadOnlyList<TimeSeriesPoint> points, string kpi = KpiNames.RequestRate)
    {
        if (points.Count < 2)
        {
            throw new ArgumentException("a trace needs at least two rows", nameof(points));
        }

        _points = points;
        Kpi = kpi;
        _lastStep = points[^1].Timestamp - points[^2].Timestamp;
    }

    /// <summary>
    /// Reads a trace file to replay. Fewer than two rows is an error naming the file, as the file's other errors do:
    /// the last row's interval is only known from the step before it.
    /// </summary>
    public static TraceMetricSource FromFile(string path)
    {
        var points = TimeSeriesCsv.Read(path);
        return points.Count >= 2
            ? new TraceMetricSource(points)
            : throw new TimeSeriesCsvException($"{path}: a trace needs at least 2 rows (has {points.Count})");
    }

    public string Name => SourceName;

    public string Kpi { get; }

    public IReadOnlyList<TimeSeriesPoint> Points => _points;

    /// <summary>End of row <paramref name="index"/>'s interval: when its value is fully known.</summary>
    public DateTimeOffset EndOf(int index) => index + 1 < _points.Count ? _points[index + 1].Timestamp : _points[index].Timestamp + _lastStep;

    public Task<KpiReading> ReadAsync(string service, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var index = LastCompleteIndex(now);
        if (index < 0)
        {
            return Task.FromResult(KpiReading.Unavailable(now, "the trace has no complete interval yet"));
        }

        var point = _points[index];
        return Task.FromResult(new KpiReading(point.Timestamp, new Dictionary<string, double> { [Kpi] = point.Value }, SourceHealth.Healthy));
    }

    private int LastCompleteIndex(DateTimeOffset now)
    {
        int lo = 0, hi = _points.Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (EndOf(mid) <= now)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }
}
