using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Dso.Integration.Tests.Infrastructure;

/// <summary>
/// A real Prometheus on a free loopback port with its own config and TSDB in a temp directory, scraping the given
/// targets every second. Stop/Start keep the TSDB, as a restart in production would. Killed on Dispose.
/// </summary>
internal sealed class PrometheusServer : IDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    private readonly string _dir = Directory.CreateTempSubdirectory("dso-prometheus-").FullName;
    private readonly List<string> _output = [];
    private Process? _process;

    public PrometheusServer(params (string Job, int Port)[] targets)
    {
        Port = FreePort.Next();
        var jobs = string.Concat(targets.Select(t => $"""

              - job_name: {t.Job}
                static_configs:
                  - targets: ['127.0.0.1:{t.Port}']
            """));
        Config = $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 900ms
              evaluation_interval: 1s
            scrape_configs:{jobs}
            """;
        File.WriteAllText(Path.Combine(_dir, "prometheus.yml"), Config);
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}");

    /// <summary>The scrape config, for the reader: the app exporter and the controller's own /metrics, side by side.</summary>
    public string Config { get; }

    public string RecentOutput
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output.TakeLast(30));
            }
        }
    }

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            ArgumentList =
            {
                $"--config.file={Path.Combine(_dir, "prometheus.yml")}",
                $"--storage.tsdb.path={Path.Combine(_dir, "data")}",
                $"--web.listen-address=127.0.0.1:{Port}",
                "--log.level=warn",
            },
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Binary}");
        _process.ErrorDataReceived += (_, e) => Capture(e.Data);
        _process.OutputDataReceived += (_, e) => Capture(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}:\n{RecentOutput}");
            }

            try
            {
                if ((await http.GetAsync(new Uri(Url, "/-/ready"))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"prometheus on port {Port} was not ready within 30s:\n{RecentOutput}");
    }

    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Evaluates an instant query that should yield one value; null while it has none.</summary>
    public async Task<double?> QueryAsync(string promql)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var json = await http.GetStringAsync(new Uri(Url, $"/api/v1/query?query={Uri.EscapeDataString(promql)}"));
        using var doc = JsonDocument.Parse(json);
        var result = doc.RootElement.GetProperty("data").GetProperty("result");
        return result.GetArrayLength() == 1
            ? double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)
            : null;
    }

    public void Dispose()
    {
        Stop();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // The TSDB may still be closing; a leftover temp directory is harmless.
        }
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }
    }
}
