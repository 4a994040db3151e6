using System.Globalization;
using Dso.Simulations.Ingestion;

// Ingestion benchmark: push parse+store throughput (no HTTP), end-to-end HTTP throughput against the built
// service, and store memory for 1,000 series × 7 days of one-minute samples. Prints one table.
// Usage: IngestionBench [path-to-dso-executable]   (without it the HTTP row is skipped)
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
const int Kpis = 100;
const int Steps = 100;
const int Batches = 100;
var rows = new List<(string What, string Result, string Detail)>();

foreach (var (json, threads) in new[] { (true, 1), (true, Environment.ProcessorCount), (false, 1), (false, Environment.ProcessorCount) })
{
    var (samples, elapsed, bytes) = ParseStoreBenchmark.Run(json, threads, Batches, Kpis, Steps);
    rows.Add(($"parse+store {(json ? "JSON" : "text")}, {threads} thread(s)",
        $"{samples / elapsed.TotalSeconds:N0} samples/s",
        $"{samples:N0} samples in {elapsed.TotalSeconds:0.00}s, {bytes / elapsed.TotalSeconds / 1048576:0} MB/s, batches of {Kpis * Steps:N0}"));
}

if (args.Length > 0)
{
    var clients = Environment.ProcessorCount * 2;
    foreach (var (steps, batches) in new[] { (Steps, 50), (Steps * 5, 10) })
    {
        var (samples, elapsed) = await HttpBenchmark.RunAsync(args[0], clients, batches, Kpis, steps);
        rows.Add(($"HTTP end-to-end JSON, {clients} clients", $"{samples / elapsed.TotalSeconds:N0} samples/s",
            $"{samples:N0} samples in {elapsed.TotalSeconds:0.00}s, batches of {Kpis * steps:N0}; client and server share {Environment.ProcessorCount} cores"));
    }
}
else
{
    rows.Add(("HTTP end-to-end JSON", "skipped", "pass the path of the built dso executable"));
}

var (heapMb, arraysMb, memElapsed, points) = MemoryBenchmark.Run(1000, TimeSpan.FromDays(7), TimeSpan.FromMinutes(1));
rows.Add(("memory, 1,000 series x 7 days @ 1 min", $"{heapMb:0.0} MB", $"managed heap growth; sample arrays {arraysMb:0.0} MB; {points} points kept per series (raw + 5m + 1h tiers); filled in {memElapsed.TotalSeconds:0.0}s"));

var width = rows.Max(r => r.What.Length);
var resultWidth = rows.Max(r => r.Result.Length);
Console.WriteLine($"{"measurement".PadRight(width)} | {"result".PadRight(resultWidth)} | detail");
Console.WriteLine($"{new string('-', width)}-|-{new string('-', resultWidth)}-|-{new string('-', 40)}");
foreach (var (what, result, detail) in rows)
{
    Console.WriteLine($"{what.PadRight(width)} | {result.PadRight(resultWidth)} | {detail}");
}
