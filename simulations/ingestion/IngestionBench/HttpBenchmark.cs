using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Dso.Simulations.Ingestion;

/// <summary>
/// End to end: the built <c>dso</c> service in its own process, a push policy and token, and concurrent clients
/// posting JSON batches over loopback HTTP. Client and server share the machine's cores.
/// </summary>
internal static class HttpBenchmark
{
    private const string Token = "bench-token";

    public static async Task<(long Samples, TimeSpan Elapsed)> RunAsync(string dso, int clients, int batchesPerClient, int kpis, int steps)
    {
        var dir = Directory.CreateTempSubdirectory("dso-ingest-bench-").FullName;
        var port = FreePort();
        File.WriteAllText(Path.Combine(dir, "bench.yaml"), """
            services:
              - name: bench
                provider: simulated
                scale_group: bench-web
                tick: 1m
                slo: {latency_p95_ms: 250}
                instance_types:
                  - {name: small, vcpu: 2, memory_gib: 4, price_per_hour: 0.05, capacity_rps: 10}
                budget: {monthly_usd: 1000, enforcement: soft}
                limits: {min_instances: 1, max_instances: 10}
                metrics: {source: push}
                strategy: {name: target-tracking, parameters: {target_utilization: 0.7}}
            """);
        var start = new ProcessStartInfo(dso) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[]
        {
            $"--Dso:DataDirectory={Path.Combine(dir, "data")}", $"--Dso:PoliciesPath={Path.Combine(dir, "bench.yaml")}",
            $"--Dso:Listen=http://127.0.0.1:{port}", "--Dso:ClockSpeed=1", $"--Ingestion:PushTokens:bench={Token}",
            "--Logging:LogLevel:Default=Warning",
        })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            await WaitHealthyAsync(http);
            var now = DateTimeOffset.UtcNow;
            var bodies = Enumerable.Range(0, clients).Select(c => Batches.Json($"c{c}", batchesPerClient, kpis, steps, now.AddDays(-6))).ToArray();
            // The service's JIT is as cold as it was at start; warm it like a running service would be.
            foreach (var warm in Batches.Json("warm", 30, kpis, steps, now.AddDays(-6)))
            {
                await PostAsync(http, warm);
            }

            await Task.Delay(500);

            long accepted = 0;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(bodies.Select(client => Task.Run(async () =>
            {
                foreach (var body in client)
                {
                    Interlocked.Add(ref accepted, await PostAsync(http, body));
                }
            })));
            clock.Stop();
            return (accepted, clock.Elapsed);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<long> PostAsync(HttpClient http, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync("/api/v1/push/bench", content);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"push refused: {(int)response.StatusCode} {text}");
        }

        return kpisAccepted(text);

        static long kpisAccepted(string json) => System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("accepted").GetInt64();
    }

    private static async Task WaitHealthyAsync(HttpClient http)
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await http.GetAsync("/readyz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Still starting.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("the dso service did not become healthy within 30s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
