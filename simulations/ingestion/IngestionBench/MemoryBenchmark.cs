using System.Diagnostics;
using Dso.Ingestion.Store;

namespace Dso.Simulations.Ingestion;

/// <summary>Managed heap held by the store for <c>series</c> series of seven days of one-minute samples.</summary>
internal static class MemoryBenchmark
{
    public static (double HeapMb, double ArraysMb, TimeSpan Elapsed, int PointsPerSeries) Run(int series, TimeSpan span, TimeSpan interval)
    {
        var start = DateTimeOffset.UtcNow - span;
        var samples = (int)(span / interval);
        var services = Enumerable.Range(0, series).Select(s => $"svc{s / 10}").ToArray();
        var kpis = Enumerable.Range(0, series).Select(s => KpiName(s % 10)).ToArray();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var store = new SeriesStore(new SeriesStoreOptions());
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < samples; i++)
        {
            var at = start + (interval * i);
            for (var s = 0; s < series; s++)
            {
                store.Append(services[s], kpis[s], at, (i % 1440) + s);
            }
        }

        clock.Stop();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var points = store.Range("svc0", KpiName(0), start, start + span).Count;
        var arrays = store.AllocatedBytes();
        GC.KeepAlive(store);
        return ((after - before) / 1048576.0, arrays / 1048576.0, clock.Elapsed, points);
    }

    private static string KpiName(int k) => k switch
    {
        0 => "request_rate",
        1 => "latency_p95_ms",
        2 => "error_rate",
        3 => "cpu",
        4 => "queue_length",
        5 => "conversion_rate",
        6 => "revenue_per_transaction",
        7 => "orders_total",
        8 => "cart_size",
        _ => "signups_total",
    };
}
