using System.Diagnostics;
using Dso.DecisionLog;
using Dso.DecisionLog.Queries;

namespace Dso.Simulations.Dashboard;

/// <summary>
/// Times the store calls behind the service page and the decisions API, rotating over services spread across the
/// log (low to high demand, including one with the extra weeks) so no single service's pages stay hot.
/// </summary>
internal static class QueryBench
{
    /// <summary>The series endpoint's and the service page's default bucket for a 7-day range (SeriesResolution.Auto: ≤ 600 points).</summary>
    public static readonly TimeSpan WeekResolution = TimeSpan.FromMinutes(30);

    /// <summary>The same rule for 28 days.</summary>
    public static readonly TimeSpan MonthResolution = TimeSpan.FromHours(2);

    /// <summary>Rows the service page's decision table asks for.</summary>
    public const int PageTableRows = 200;

    public const int SeriesTargetMs = 300;
    public const int QueryTargetMs = 100;

    public static async Task<IReadOnlyList<BenchRow>> RunAsync(string store, IDecisionStore log, long rows, TimeSpan seed, IReadOnlyList<string> services, BenchOptions opt)
    {
        var ct = CancellationToken.None;
        var picks = new[] { 0, services.Count / 7, services.Count / 2, services.Count * 3 / 4, services.Count - 1 }.Distinct().Select(i => services[i]).ToList();

        // Untimed set-up, as the endpoints do before their timed store call: the end of the range is the service's
        // latest decision + 1 minute; page 2's cursor comes from page 1.
        var ends = new Dictionary<string, DateTimeOffset>();
        var cursors = new Dictionary<string, long?>();
        foreach (var s in picks)
        {
            ends[s] = (await log.LastAsync(s, ct))!.Decision.Timestamp.AddMinutes(1);
            cursors[s] = (await log.QueryAsync(DayQuery(s, ends[s]), ct)).NextCursor;
        }

        var list = new List<BenchRow>();
        async Task Measure(string name, int? target, Func<string, Task<int>> call)
        {
            var times = new List<double>();
            var items = 0;
            for (var i = 0; i < BenchOptions.Warmup + opt.Runs; i++)
            {
                var s = picks[i % picks.Count];
                var watch = Stopwatch.StartNew();
                items = await call(s);
                if (i >= BenchOptions.Warmup)
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            times.Sort();
            var p95 = times[Math.Min(times.Count - 1, (int)Math.Ceiling(0.95 * times.Count) - 1)];
            list.Add(new BenchRow(store, rows, seed.TotalSeconds, $"{name} [{items} items]", times[times.Count / 2], p95, times[^1], target));
            Console.Error.WriteLine($"{store}: {name}: median {times[times.Count / 2]:0.0} ms, p95 {p95:0.0} ms");
        }

        await Measure("series, 7 days @30m (GET .../series default)", SeriesTargetMs, async s =>
        {
            var series = await log.SeriesAsync(s, ends[s].AddDays(-7), ends[s], WeekResolution, ct);
            return series.Buckets.Count + series.Markers.Count;
        });
        await Measure("service page: last + series 7d + 200-row table", SeriesTargetMs, async s =>
        {
            var to = (await log.LastAsync(s, ct))!.Decision.Timestamp.AddMinutes(1);
            var series = await log.SeriesAsync(s, to.AddDays(-7), to, WeekResolution, ct);
            var page = await log.QueryAsync(new DecisionQuery { Service = s, From = to.AddDays(-7), To = to, Limit = PageTableRows }, ct);
            return series.Buckets.Count + page.Items.Count;
        });
        await Measure("decisions: service+changes+1 day, page 1 (100)", QueryTargetMs, async s =>
            (await log.QueryAsync(DayQuery(s, ends[s]), ct)).Items.Count);
        await Measure("decisions: same, page 2 via cursor", QueryTargetMs, async s =>
            (await log.QueryAsync(DayQuery(s, ends[s]) with { Before = cursors[s] }, ct)).Items.Count);
        await Measure("decisions: all services, anomalies, 7 days, page 1", QueryTargetMs, async s =>
            (await log.QueryAsync(new DecisionQuery { Anomalies = true, From = ends[s].AddDays(-7), To = ends[s] }, ct)).Items.Count);
        if (opt.LongServices > 0)
        {
            var longOne = services[0];
            var to = ends.TryGetValue(longOne, out var e) ? e : (await log.LastAsync(longOne, ct))!.Decision.Timestamp.AddMinutes(1);
            await Measure($"series, {opt.LongDays} days @2h ({longOne}, extra weeks)", null, async _ =>
                (await log.SeriesAsync(longOne, to.AddDays(-opt.LongDays), to, MonthResolution, ct)).Buckets.Count);
        }

        return list;
    }

    /// <summary>One service, changes only, the middle day of its last week: the analyst's "what changed that day".</summary>
    private static DecisionQuery DayQuery(string service, DateTimeOffset end)
    {
        var day = end.AddDays(-4).UtcDateTime.Date;
        return new DecisionQuery { Service = service, ChangesOnly = true, From = new DateTimeOffset(day, TimeSpan.Zero), To = new DateTimeOffset(day.AddDays(1), TimeSpan.Zero) };
    }
}
