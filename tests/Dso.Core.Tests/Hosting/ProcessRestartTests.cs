using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Dso.Controller.Composition;
using Dso.Core.Tests.Reconcile;
using Microsoft.Data.Sqlite;

namespace Dso.Core.Tests.Hosting;

/// <summary>Kills the real <c>dso</c> process (SIGKILL) mid-run and starts it again on the same data directory.</summary>
public sealed class ProcessRestartTests : IDisposable
{
    private readonly TestTraces _dir = new();

    private string DataDirectory => Path.Combine(_dir.Root, "data");

    [Fact]
    public async Task Kill9ThenRestart_LosesNoDecisionAndKeepsFleetConsistent()
    {
        var policies = Path.Combine(_dir.Root, "policies");
        Directory.CreateDirectory(policies);
        await File.WriteAllTextAsync(Path.Combine(policies, "shop.yaml"), DefaultPolicy.Text());

        var firstRun = await RunUntilAsync(policies, minDecisions: 15);
        var before = ReadLog();
        Assert.True(before.Count >= 15, $"only {before.Count} decisions before the kill");

        var secondRun = await RunUntilAsync(policies, minDecisions: before.Count + 10);
        var after = ReadLog();

        foreach (var (id, payload) in before)
        {
            Assert.True(after.TryGetValue(id, out var kept), $"decision {id} was lost across the restart");
            Assert.Equal(payload.Payload, kept.Payload);
        }

        Assert.All(after.Values.Where(d => d.Status is not null), d => Assert.NotEqual("Failed", d.Status));
        var last = after.Values.Where(d => d.After is not null).MaxBy(d => d.Seq)!;
        Assert.Equal(last.Chosen, last.After);
        Assert.Equal("ok", Scalar("PRAGMA integrity_check"));
        Assert.Equal(after.Count, int.Parse(Scalar("SELECT count(DISTINCT id) FROM decisions")));
        Assert.True(firstRun && secondRun);
    }

    private async Task<bool> RunUntilAsync(string policies, int minDecisions)
    {
        var port = FreePort();
        var exe = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "dso.exe" : "dso");
        var start = new ProcessStartInfo(exe)
        {
            ArgumentList =
            {
                $"--Dso:DataDirectory={DataDirectory}", $"--Dso:PoliciesPath={policies}", $"--Dso:Listen=http://127.0.0.1:{port}",
                "--Dso:ClockSpeed=900", "--Logging:LogLevel:Default=Warning", $"--Dso:ModelsDirectory={Path.Combine(_dir.Root, "models")}",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dir.Root,
        };
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        try
        {
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    var json = JsonDocument.Parse(await http.GetStringAsync("/api/decisions?limit=1000"));
                    if (json.RootElement.GetArrayLength() >= minDecisions)
                    {
                        return true;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(100);
            }

            throw new TimeoutException($"the service did not log {minDecisions} decisions within 60 s");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private Dictionary<string, Row> ReadLog()
    {
        using var connection = Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT d.id, d.seq, d.payload, d.chosen_fleet, o.status, o.after_fleet FROM decisions d LEFT JOIN outcomes o ON o.decision_id = d.id";
        using var reader = cmd.ExecuteReader();
        var rows = new Dictionary<string, Row>();
        while (reader.Read())
        {
            rows[reader.GetString(0)] = new Row(reader.GetInt64(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5));
        }

        return rows;
    }

    private string Scalar(string sql)
    {
        using var connection = Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToString(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
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

    private sealed record Row(long Seq, string Payload, string Chosen, string? Status, string? After);
}
