using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Dso.Abstractions.Decisions;
using Dso.Abstractions.Diagnostics;
using Dso.Controller.Composition;
using Dso.Core.Tests.Reconcile;
using Dso.DecisionLog;
using Microsoft.Data.Sqlite;

namespace Dso.Core.Tests.Hosting;

/// <summary>
/// The real <c>dso</c> process SIGKILLs itself at each named step of a tick (after logging, mid-apply, after
/// applying), 21 times, each time restarted on the same data directory: no decision is lost or left without an
/// outcome, no scaling action is applied twice (the simulated cloud's record of calls), and the hard budget's
/// month-to-date spend never goes back on a restart.
/// </summary>
public sealed class ProcessRestartTests : IDisposable
{
    private const int Cycles = 21;
    private const decimal MonthlyBudget = 300m;
    private static readonly string[] Points = [FaultPoints.AfterLog, FaultPoints.MidApply, FaultPoints.AfterApply];

    private readonly TestTraces _dir = new();

    private string DataDirectory => Path.Combine(_dir.Root, "data");

    [Fact]
    public async Task KillAtEachFaultPoint_21Cycles_NoDecisionLostNoActionTwiceBudgetKept()
    {
        var policies = Path.Combine(_dir.Root, "policies");
        Directory.CreateDirectory(policies);
        await File.WriteAllTextAsync(Path.Combine(policies, "shop.yaml"),
            DefaultPolicy.Text().Replace("monthly_usd: 900", $"monthly_usd: {MonthlyBudget}", StringComparison.Ordinal));
        // Virtual time starts mid-month so the run stays inside one budget period.
        Directory.CreateDirectory(DataDirectory);
        var now = DateTimeOffset.UtcNow;
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "clock-anchor.txt"), $"{now:o} {new DateTimeOffset(2026, 3, 10, 8, 0, 0, TimeSpan.Zero):o}");

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var kills = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var cycle = 0; cycle < Cycles; cycle++)
        {
            var point = Points[cycle % Points.Length];
            var exit = await RunAsync(policies, point, count: 1 + (cycle / Points.Length % 2));
            Assert.True(exit == 137, $"cycle {cycle}: dso exited with {exit} instead of being killed at {point}");
            kills[point] = kills.GetValueOrDefault(point) + 1;
            foreach (var (id, row) in ReadLog())
            {
                seen.TryAdd(id, row.Payload);
            }
        }

        // A last clean run resumes (or supersedes) what the last kill left pending, then runs a few ticks.
        await RunAsync(policies, point: null, count: 0, cleanTicks: 5);
        var log = ReadLog();

        foreach (var (id, payload) in seen)
        {
            Assert.True(log.TryGetValue(id, out var kept), $"decision {id} was lost across a restart");
            Assert.Equal(payload, kept.Payload);
        }

        var ordered = log.Values.OrderBy(r => r.Seq).ToList();
        Assert.All(ordered.SkipLast(1), r => Assert.True(r.Status is not null, $"decision {r.Id} has no outcome"));
        var superseded = ordered.Count(r => r.Message?.StartsWith("superseded", StringComparison.Ordinal) == true);
        Assert.True(superseded + ordered.Count(r => r.Status == "NoChange") > 0);

        var calls = ReadCalls();
        Assert.True(calls.Count >= Cycles, $"only {calls.Count} scaling actions reached the cloud");
        Assert.Equal(calls.Count, calls.Select(c => c.Key).Distinct().Count());

        decimal previous = 0;
        foreach (var decision in ordered.Select(r => JsonSerializer.Deserialize<ScalingDecision>(r.Payload, DecisionJson.Options)!))
        {
            Assert.True(decision.Budget!.MonthToDateUsd >= previous, $"{decision.Id}: month-to-date spend fell from {previous} to {decision.Budget.MonthToDateUsd} (forgotten on a restart)");
            // Spent so far plus what this decision commits until the next one (a 1-minute tick) stays within the hard budget.
            var committed = decision.Budget.MonthToDateUsd + (decision.ChosenHourlyCost / 60m);
            Assert.True(committed <= MonthlyBudget, $"{decision.Id}: spend {decision.Budget.MonthToDateUsd} + committed above the hard budget");
            previous = decision.Budget.MonthToDateUsd;
        }

        // The durable month-to-date spend tracks what the cloud billed, across all 21 restarts.
        var billed = CloudBill(ordered.Count > 0 ? JsonSerializer.Deserialize<ScalingDecision>(ordered[^1].Payload, DecisionJson.Options)!.Timestamp : DateTimeOffset.MinValue);
        Assert.InRange(previous, billed * 0.85m, billed * 1.15m);
        Assert.Equal("ok", Scalar("PRAGMA integrity_check"));
        Assert.Equal(Cycles, kills.Values.Sum());
        Console.WriteLine($"kills: {string.Join(", ", kills.Select(kv => $"{kv.Key}={kv.Value}"))}; decisions {ordered.Count}; superseded {superseded}; cloud actions {calls.Count}; spend {previous:0.00} USD, cloud billed {billed:0.00} USD");
    }

    /// <summary>Runs dso until it kills itself at <paramref name="point"/> (returns its exit code), or for a few clean ticks.</summary>
    private async Task<int> RunAsync(string policies, string? point, int count, int cleanTicks = 0)
    {
        var port = FreePort();
        var exe = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "dso.exe" : "dso");
        var start = new ProcessStartInfo(exe)
        {
            ArgumentList =
            {
                $"--Dso:DataDirectory={DataDirectory}", $"--Dso:PoliciesPath={policies}", $"--Dso:Listen=http://127.0.0.1:{port}",
                "--Dso:ClockSpeed=600", "--Logging:LogLevel:Default=Warning", $"--Dso:ModelsDirectory={Path.Combine(_dir.Root, "models")}",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dir.Root,
        };
        if (point is not null)
        {
            start.Environment[FaultPoints.PointVariable] = point;
            start.Environment[FaultPoints.CountVariable] = count.ToString(CultureInfo.InvariantCulture);
        }

        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            if (point is not null)
            {
                await process.WaitForExitAsync(timeout.Token);
                return process.ExitCode;
            }

            var before = ReadLog().Count;
            while (ReadLog().Count < before + cleanTicks || ReadLog().Values.MaxBy(r => r.Seq)?.Status is null)
            {
                await Task.Delay(100, timeout.Token);
            }

            return 0;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }
    }

    private Dictionary<string, Row> ReadLog()
    {
        if (!File.Exists(Path.Combine(DataDirectory, "decisions.db")))
        {
            return [];
        }

        using var connection = Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT d.id, d.seq, d.payload, o.status, o.message FROM decisions d LEFT JOIN outcomes o ON o.decision_id = d.id";
        using var reader = cmd.ExecuteReader();
        var rows = new Dictionary<string, Row>();
        while (reader.Read())
        {
            rows[reader.GetString(0)] = new Row(reader.GetString(0), reader.GetInt64(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4));
        }

        return rows;
    }

    private List<(string Key, int Launched, int Terminated)> ReadCalls()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(DataDirectory, "simulated-cloud.json")));
        return json.RootElement.GetProperty("shop-web").GetProperty("Calls").EnumerateArray()
            .Select(c => (c.GetProperty("Key").GetString()!, c.GetProperty("Launched").GetInt32(), c.GetProperty("Terminated").GetInt32()))
            .ToList();
    }

    /// <summary>What the simulated cloud billed up to <paramref name="at"/>: stopped instances, serverless, running ones (per second, with the minimum).</summary>
    private decimal CloudBill(DateTimeOffset at)
    {
        var catalog = DefaultPolicy.Load(Plugins.PolicyLoader()).Services[0].Catalog;
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(DataDirectory, "simulated-cloud.json")));
        var group = json.RootElement.GetProperty("shop-web");
        var total = group.GetProperty("StoppedCostUsd").GetDecimal() + group.GetProperty("ServerlessCostUsd").GetDecimal();
        foreach (var instance in group.GetProperty("Instances").EnumerateArray())
        {
            var seconds = Math.Max((at - instance.GetProperty("LaunchedAt").GetDateTimeOffset()).TotalSeconds, 60);
            total += (decimal)seconds / 3600m * catalog[instance.GetProperty("Type").GetString()!].PricePerHour;
        }

        return total;
    }

    private string Scalar(string sql)
    {
        using var connection = Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToString(cmd.ExecuteScalar(), CultureInfo.InvariantCulture)!;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(DataDirectory, "decisions.db")};Pooling=False");
        connection.Open();
        return connection;
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public void Dispose() => _dir.Dispose();

    private sealed record Row(string Id, long Seq, string Payload, string? Status, string? Message);
}
