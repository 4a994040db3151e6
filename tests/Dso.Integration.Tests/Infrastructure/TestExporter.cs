using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace Dso.Integration.Tests.Infrastructure;

/// <summary>
/// A tiny application for Prometheus to scrape: <c>http_requests_total</c> grows at exactly 50/s and a latency
/// histogram whose p95 is 193.75 ms (47.5 of every 50 requests fall at or under it, interpolated in the 0.1–0.2 s bucket).
/// </summary>
internal sealed class TestExporter : IDisposable
{
    public const double RequestsPerSecond = 50;
    public const double P95Ms = 193.75;

    // Observations per second at or below each bucket bound.
    private static readonly (string Le, double PerSecond)[] Buckets = [("0.05", 20), ("0.1", 40), ("0.2", 48), ("0.5", 50), ("+Inf", 50)];

    private readonly HttpListener _listener = new();
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();

    public TestExporter()
    {
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public void Dispose() => _listener.Close();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var body = Encoding.UTF8.GetBytes(Exposition(_elapsed.Elapsed.TotalSeconds));
            context.Response.ContentType = "text/plain; version=0.0.4";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    private static string Exposition(double seconds)
    {
        var text = new StringBuilder();
        text.AppendLine("# TYPE http_requests_total counter");
        text.AppendLine(CultureInfo.InvariantCulture, $"http_requests_total {RequestsPerSecond * seconds:R}");
        text.AppendLine("# TYPE http_request_duration_seconds histogram");
        foreach (var (le, perSecond) in Buckets)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"http_request_duration_seconds_bucket{{le=\"{le}\"}} {perSecond * seconds:R}");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"http_request_duration_seconds_sum {RequestsPerSecond * seconds * 0.08:R}");
        text.AppendLine(CultureInfo.InvariantCulture, $"http_request_duration_seconds_count {RequestsPerSecond * seconds:R}");
        return text.ToString();
    }
}
