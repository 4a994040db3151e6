using System.Diagnostics;
using System.Globalization;
using Dso.DecisionLog;
using Dso.DecisionLog.Queries;
using Dso.Simulations.Dashboard;
using Dso.Testing;

// Decision-log benchmark (issue 15): seeds 100 services x 7 days of one-minute ticks (plus 3 more weeks for the
// first services) with DecisionLogSeeder through SqliteDecisionLog.AppendAsync, copies the same rows into a throwaway
// PostgreSQL cluster with COPY, then times the store calls the API and the service page make, ~20 runs each.
// Times are the store call alone, which is what the series endpoint reports in its Server-Timing header.
var opt = BenchOptions.Parse(args);
var end = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
var services = Enumerable.Range(0, opt.Services).Select(i => $"svc-{i:000}").ToList();
var dir = Directory.CreateTempSubdirectory("dso-decision-bench-").FullName;
var sqlitePath = Path.Combine(dir, "decisions.db");
var results = new List<BenchRow>();
try
{
    var seedWatch = Stopwatch.StartNew();
    long rows = 0;
    using (var seeding = new SqliteDecisionLog(new SqliteDecisionLogOptions(sqlitePath, BatchSize: 50_000)))
    {
        for (var s = 0; s < services.Count; s++)
        {
            var days = s < opt.LongServices ? opt.LongDays : opt.Days;
            rows += await DecisionLogSeeder.SeedServiceAsync(seeding, services[s], s, end.AddDays(-days), end, TimeSpan.FromMinutes(1));
            if ((s + 1) % 10 == 0)
            {
                Console.Error.WriteLine($"seeded {s + 1}/{services.Count} services, {rows:N0} decisions, {seedWatch.Elapsed.TotalSeconds:0}s");
            }
        }

        seeding.Flush();
    }

    var sqliteSeed = seedWatch.Elapsed;
    Console.Error.WriteLine($"SQLite seeded: {rows:N0} decisions in {sqliteSeed.TotalSeconds:0.0}s ({new FileInfo(sqlitePath).Length / 1e6:0} MB)");

    if (opt.Stores.Contains("sqlite"))
    {
        using var sqlite = new SqliteDecisionLog(new SqliteDecisionLogOptions(sqlitePath));
        results.AddRange(await QueryBench.RunAsync("SQLite", sqlite, rows, sqliteSeed, services, opt));
    }

    if (opt.Stores.Contains("postgres"))
    {
        if (!PostgresCluster.IsInstalled)
        {
            Console.Error.WriteLine($"PostgreSQL is not installed ({PostgresCluster.BinDirectory}); its rows are missing from the table");
        }
        else
        {
            using var cluster = PostgresCluster.Start();
            var cs = cluster.ConnectionString();
            using var pg = new PostgresDecisionLog(new PostgresDecisionLogOptions(cs));
            var copyWatch = Stopwatch.StartNew();
            var copied = PostgresBulkCopy.Copy(sqlitePath, cs, "decisions");
            var outcomes = PostgresBulkCopy.Copy(sqlitePath, cs, "outcomes");
            using (var c = new Npgsql.NpgsqlConnection(cs))
            {
                // What autovacuum would do shortly after a bulk load; without statistics the planner guesses blind.
                c.Open();
                using var analyze = new Npgsql.NpgsqlCommand("ANALYZE decisions; ANALYZE outcomes;", c);
                analyze.ExecuteNonQuery();
            }

            Console.Error.WriteLine($"PostgreSQL filled: {copied:N0} decisions, {outcomes:N0} outcomes in {copyWatch.Elapsed.TotalSeconds:0.0}s (COPY + ANALYZE)");
            results.AddRange(await QueryBench.RunAsync("PostgreSQL", pg, copied, sqliteSeed + copyWatch.Elapsed, services, opt));
        }
    }
}
finally
{
    Directory.Delete(dir, recursive: true);
}

Console.WriteLine();
Console.WriteLine($"Decision-log benchmark: {opt.Services} services x {opt.Days} days of 1-minute ticks, first {opt.LongServices} services x {opt.LongDays} days; {opt.Runs} timed runs per query after {BenchOptions.Warmup} warm-up runs; store time in ms (what Server-Timing reports)");
Console.WriteLine();
Console.WriteLine($"| {"store",-10} | {"rows",9} | {"seed s",7} | {"query",-62} | {"median",7} | {"p95",7} | {"max",7} | {"target",6} | ok  |");
Console.WriteLine($"|{new string('-', 12)}|{new string('-', 11)}|{new string('-', 9)}|{new string('-', 64)}|{new string('-', 9)}|{new string('-', 9)}|{new string('-', 9)}|{new string('-', 8)}|-----|");
foreach (var r in results)
{
    var ok = r.TargetMs is { } t ? (r.P95 <= t ? "yes" : "NO") : "";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {r.Store,-10} | {r.Rows,9} | {r.SeedSeconds,7:0.0} | {r.Query,-62} | {r.Median,7:0.0} | {r.P95,7:0.0} | {r.Max,7:0.0} | {(r.TargetMs is { } tt ? tt.ToString(CultureInfo.InvariantCulture) : "-"),6} | {ok,-3} |"));
}

Console.WriteLine();
Console.WriteLine("ok = p95 within the issue's target (series for a week < 300 ms, filtered decision query < 100 ms).");
Console.WriteLine("seed s: SQLite = every decision and outcome through SqliteDecisionLog (batched transactions); PostgreSQL = that plus COPY of the same rows and ANALYZE.");
Console.WriteLine("[items]: rows, or buckets + markers, returned by the last run. Times exclude JSON serialization and HTTP, as Server-Timing does.");
return results.Any(r => r.TargetMs is { } t && r.P95 > t) ? 2 : 0;
