using System.Diagnostics;
using Dso.Ingestion.Push;
using Dso.Ingestion.Store;

namespace Dso.Simulations.Ingestion;

/// <summary>The push path without HTTP: bytes → parse → validate → series store, on one thread and on every core.</summary>
internal static class ParseStoreBenchmark
{
    public static (long Samples, TimeSpan Elapsed, long Bytes) Run(bool json, int threads, int batchesPerThread, int kpis, int steps)
    {
        var now = DateTimeOffset.UtcNow;
        var start = now.AddDays(-6);
        var store = new SeriesStore(new SeriesStoreOptions());
        var ingestor = new PushIngestor(store, new PushLimits(), new FixedClock(now));
        var schemas = Enumerable.Range(0, threads).Select(t => new PushSchema($"svc{t}", new Dictionary<string, string>())).ToArray();
        var bodies = Enumerable.Range(0, threads)
            .Select(t => json ? Batches.Json($"k{t}", batchesPerThread, kpis, steps, start) : Batches.Text($"k{t}", batchesPerThread, kpis, steps, start))
            .ToArray();

        // Warm up on a throwaway store until tiered JIT has compiled the hot path optimized.
        for (var round = 0; round < 3; round++)
        {
            var warm = new PushIngestor(new SeriesStore(new SeriesStoreOptions()), new PushLimits(), new FixedClock(now));
            foreach (var body in bodies[0].Take(20))
            {
                _ = json ? warm.IngestJson(schemas[0], body) : warm.IngestText(schemas[0], body);
            }

            Thread.Sleep(200);
        }

        long accepted = 0;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            foreach (var body in bodies[t])
            {
                var result = json ? ingestor.IngestJson(schemas[t], body) : ingestor.IngestText(schemas[t], body);
                if (result.Rejected > 0)
                {
                    throw new InvalidOperationException($"benchmark data was refused: {result.Problems[0]}");
                }

                Interlocked.Add(ref accepted, result.Accepted);
            }
        });
        clock.Stop();
        return (accepted, clock.Elapsed, bodies.Sum(b => b.Sum(x => (long)x.Length)));
    }
}
