using Dso.Ingestion.Store;

namespace Dso.Ingestion.Tests.Store;

public sealed class SeriesStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private static SeriesStore Small(int maxSeries = 100) => new(new SeriesStoreOptions
    {
        RawCapacity = 16,
        Tiers = [new DownsampleTier(TimeSpan.FromMinutes(1), 4), new DownsampleTier(TimeSpan.FromMinutes(10), 3)],
        MaxSeries = maxSeries,
    });

    [Fact]
    public void Append_InOrder_LatestIsNewest()
    {
        var store = Small();
        store.Append("shop", "request_rate", T0, 1);
        store.Append("shop", "request_rate", T0.AddSeconds(10), 2);

        Assert.True(store.TryGetLatest("shop", "request_rate", out var latest));
        Assert.Equal((T0.AddSeconds(10), 2.0), (latest.Timestamp, latest.Value));
        Assert.Equal(["request_rate"], store.Kpis("shop"));
        Assert.False(store.TryGetLatest("shop", "cpu", out _));
        Assert.Empty(store.Kpis("other"));
    }

    [Fact]
    public void Append_OlderThanNewest_IsOutOfOrderAndNotStored()
    {
        var store = Small();
        store.Append("shop", "cpu", T0.AddSeconds(10), 0.5);

        Assert.Equal(AppendStatus.OutOfOrder, store.Append("shop", "cpu", T0, 0.9));
        Assert.Single(store.Range("shop", "cpu", T0.AddHours(-1), T0.AddHours(1)));
    }

    [Fact]
    public void Append_SameTimestampOtherValue_ConflictsAndTheFirstValueStands()
    {
        var store = Small();
        store.Append("shop", "cpu", T0, 0.5);

        Assert.Equal(AppendStatus.Conflict, store.Append("shop", "cpu", T0, 0.7));
        Assert.True(store.TryGetLatest("shop", "cpu", out var latest));
        Assert.Equal(0.5, latest.Value);
    }

    [Fact]
    public void Append_ResendOfAnOlderBatch_IsDuplicateAndChangesNothing()
    {
        var store = Small();
        for (var i = 0; i < 5; i++)
        {
            store.Append("shop", "cpu", T0.AddSeconds(i), i);
        }

        Assert.Equal(AppendStatus.Duplicate, store.Append("shop", "cpu", T0.AddSeconds(1), 1));
        Assert.Equal(AppendStatus.Duplicate, store.Append("shop", "cpu", T0.AddSeconds(4), 4));
        Assert.Equal(AppendStatus.Conflict, store.Append("shop", "cpu", T0.AddSeconds(2), 99));
        Assert.Equal(AppendStatus.OutOfOrder, store.Append("shop", "cpu", T0.AddSeconds(2.5), 2));
        Assert.Equal(5, store.Range("shop", "cpu", T0.AddHours(-1), T0.AddHours(1)).Count);
    }

    [Fact]
    public void Append_BeyondRawCapacity_FoldsOldDataIntoBucketMeans()
    {
        var store = Small();
        for (var i = 0; i < 16 + 6; i++)
        {
            // 10 s apart: the 6 oldest samples (values 0..5) fall out of the raw ring into 1-minute buckets.
            store.Append("shop", "request_rate", T0.AddSeconds(i * 10), i);
        }

        var points = store.Range("shop", "request_rate", T0.AddHours(-1), T0.AddHours(1));

        Assert.Equal(1 + 16, points.Count);
        Assert.Equal((T0, 2.5), (points[0].Timestamp, points[0].Value));
        Assert.Equal(T0.AddSeconds(60), points[1].Timestamp);
        Assert.Equal(21, points[^1].Value);
        Assert.True(points.Zip(points.Skip(1)).All(p => p.First.Timestamp < p.Second.Timestamp), "points come back oldest first without overlap");
    }

    [Fact]
    public void Append_ForWeeks_MemoryStaysAtCapacityAndHistoryIsCoarse()
    {
        var store = Small();
        for (var i = 0; i < 20_000; i++)
        {
            store.Append("shop", "request_rate", T0.AddMinutes(i), i % 7);
        }

        var bound = (16 * 16) + ((4 + 3) * 32);
        Assert.True(store.AllocatedBytes() <= bound, $"allocated {store.AllocatedBytes()} bytes, bound {bound}");
        var points = store.Range("shop", "request_rate", T0, T0.AddDays(30));
        Assert.Equal(3 + 4 + 16, points.Count);
        Assert.Equal(TimeSpan.FromMinutes(10), points[1].Timestamp - points[0].Timestamp);
    }

    [Fact]
    public void Append_PastMaxSeries_RefusesNewSeriesOnly()
    {
        var store = Small(maxSeries: 2);
        store.Append("shop", "a", T0, 1);
        store.Append("shop", "b", T0, 1);

        Assert.Equal(AppendStatus.SeriesLimitReached, store.Append("shop", "c", T0, 1));
        Assert.Equal(AppendStatus.Appended, store.Append("shop", "a", T0.AddSeconds(1), 2));
        Assert.Equal(2, store.SeriesCount);
    }

    [Fact]
    public async Task Append_ConcurrentWritersAndReaders_KeepsEverySample()
    {
        var store = new SeriesStore(new SeriesStoreOptions { RawCapacity = 100_000 });
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var kpi in store.Kpis("shop"))
                {
                    var points = store.Range("shop", kpi, T0, T0.AddDays(1));
                    Assert.True(points.Zip(points.Skip(1)).All(p => p.First.Timestamp < p.Second.Timestamp));
                }
            }
        })).ToArray();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                Assert.Equal(AppendStatus.Appended, store.Append("shop", $"kpi_{w}", T0.AddMilliseconds(i), i));
                store.Append("shop", "shared", T0.AddMilliseconds(i), i);
            }
        })).ToArray();

        await Task.WhenAll(writers);
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        Assert.All(Enumerable.Range(0, 4), w => Assert.Equal(20_000, store.Range("shop", $"kpi_{w}", T0, T0.AddDays(1)).Count));
        Assert.Equal(20_000, store.Range("shop", "shared", T0, T0.AddDays(1)).Count);
    }
}
