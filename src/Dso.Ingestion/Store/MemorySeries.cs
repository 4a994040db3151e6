using System.Runtime.CompilerServices;
using Dso.Abstractions.Series;

namespace Dso.Ingestion.Store;

/// <summary>
/// One (service, KPI) series: a ring of raw samples whose overflow cascades into ever coarser bucket rings,
/// so memory is fixed per series while recent data stays exact and old data stays as means and peaks.
/// One lock per series: pushes to different KPIs never contend.
/// </summary>
internal sealed class MemorySeries
{
    private readonly Lock _lock = new();
    private readonly Ring<Sample> _raw;
    private readonly Ring<Bucket>[] _tiers;
    private readonly long[] _resolutionMs;

    public MemorySeries(SeriesStoreOptions options)
    {
        _raw = new Ring<Sample>(options.RawCapacity);
        _tiers = options.Tiers.Select(t => new Ring<Bucket>(t.Capacity)).ToArray();
        _resolutionMs = options.Tiers.Select(t => (long)t.Resolution.TotalMilliseconds).ToArray();
    }

    public AppendStatus Append(long timeMs, double value)
    {
        lock (_lock)
        {
            if (_raw.Count > 0)
            {
                if (timeMs <= _raw.Newest.TimeMs)
                {
                    // Retries resend whole batches, so a resend may be anywhere in the raw window, not only the newest.
                    return FindRaw(timeMs) is { } stored
                        ? stored.Value.Equals(value) ? AppendStatus.Duplicate : AppendStatus.Conflict
                        : AppendStatus.OutOfOrder;
                }
            }

            if (_raw.Add(new Sample(timeMs, value), out var evicted))
            {
                Fold(0, evicted.TimeMs, evicted.Value, evicted.Value, 1);
            }

            return AppendStatus.Appended;
        }
    }

    /// <summary>The value stored at exactly <paramref name="timeMs"/>, if it is still in the raw ring.</summary>
    public bool TryGetStored(long timeMs, out double value)
    {
        lock (_lock)
        {
            var found = _raw.Count > 0 ? FindRaw(timeMs) : null;
            value = found?.Value ?? double.NaN;
            return found is not null;
        }
    }

    public bool TryGetLatest(out TimeSeriesPoint point)
    {
        lock (_lock)
        {
            if (_raw.Count == 0)
            {
                point = default;
                return false;
            }

            var newest = _raw.Newest;
            point = new TimeSeriesPoint(DateTimeOffset.FromUnixTimeMilliseconds(newest.TimeMs), newest.Value);
            return true;
        }
    }

    /// <summary>Points in [from, to], oldest first: bucket means where only buckets are left, raw samples after.</summary>
    public List<TimeSeriesPoint> Range(long fromMs, long toMs)
    {
        var points = new List<TimeSeriesPoint>();
        lock (_lock)
        {
            var finerStart = _raw.Count > 0 ? _raw.Oldest.TimeMs : long.MaxValue;
            var starts = new long[_tiers.Length];
            for (var tier = 0; tier < _tiers.Length; tier++)
            {
                starts[tier] = finerStart;
                finerStart = _tiers[tier].Count > 0 ? Math.Min(finerStart, _tiers[tier].Oldest.StartMs) : finerStart;
            }

            for (var tier = _tiers.Length - 1; tier >= 0; tier--)
            {
                var ring = _tiers[tier];
                for (var i = 0; i < ring.Count; i++)
                {
                    var bucket = ring[i];
                    if (bucket.StartMs >= fromMs && bucket.StartMs <= toMs && bucket.StartMs < starts[tier])
                    {
                        points.Add(new TimeSeriesPoint(DateTimeOffset.FromUnixTimeMilliseconds(bucket.StartMs), bucket.Mean));
                    }
                }
            }

            for (var i = 0; i < _raw.Count; i++)
            {
                var sample = _raw[i];
                if (sample.TimeMs >= fromMs && sample.TimeMs <= toMs)
                {
                    points.Add(new TimeSeriesPoint(DateTimeOffset.FromUnixTimeMilliseconds(sample.TimeMs), sample.Value));
                }
            }
        }

        return points;
    }

    /// <summary>Bytes held by the rings' arrays (what grows with data; object headers are constant per series).</summary>
    public long AllocatedBytes()
    {
        lock (_lock)
        {
            return ((long)_raw.AllocatedLength * Unsafe.SizeOf<Sample>()) + _tiers.Sum(t => (long)t.AllocatedLength * Unsafe.SizeOf<Bucket>());
        }
    }

    public (Sample[] Raw, Bucket[][] Tiers) Export()
    {
        lock (_lock)
        {
            return (_raw.ToArray(), _tiers.Select(t => t.ToArray()).ToArray());
        }
    }

    /// <summary>Restores a snapshot's contents, re-aligned to this store's tiers; levels it does not have are dropped.</summary>
    public void Import(Sample[] raw, Bucket[][] tiers)
    {
        lock (_lock)
        {
            for (var tier = 0; tier < Math.Min(tiers.Length, _tiers.Length); tier++)
            {
                foreach (var bucket in tiers[tier])
                {
                    Fold(tier, bucket.StartMs, bucket.Mean, bucket.Max, bucket.Count);
                }
            }
        }

        foreach (var sample in raw)
        {
            Append(sample.TimeMs, sample.Value);
        }
    }

    private void Fold(int tier, long timeMs, double mean, double max, int count)
    {
        if (tier >= _tiers.Length)
        {
            return;
        }

        var resolution = _resolutionMs[tier];
        AddBucket(tier, timeMs - (((timeMs % resolution) + resolution) % resolution), mean, max, count);
    }

    private void AddBucket(int tier, long startMs, double mean, double max, int count)
    {
        var ring = _tiers[tier];
        if (ring.Count > 0 && startMs <= ring.Newest.StartMs)
        {
            // Overflow arrives in time order, so anything not newer belongs to the newest bucket.
            ref var newest = ref ring.Newest;
            newest = newest.Merge(mean, max, count);
            return;
        }

        if (ring.Add(new Bucket(startMs, mean, max, count), out var evicted))
        {
            Fold(tier + 1, evicted.StartMs, evicted.Mean, evicted.Max, evicted.Count);
        }
    }

    /// <summary>Binary search of the raw ring (time-ordered, oldest first) for a sample at exactly <paramref name="timeMs"/>.</summary>
    private Sample? FindRaw(long timeMs)
    {
        int lo = 0, hi = _raw.Count - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) / 2);
            var sample = _raw[mid];
            if (sample.TimeMs == timeMs)
            {
                return sample;
            }

            if (sample.TimeMs < timeMs)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return null;
    }
}
