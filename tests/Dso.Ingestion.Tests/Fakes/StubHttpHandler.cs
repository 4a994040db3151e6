using System.Net;
using System.Text;

namespace Dso.Ingestion.Tests.Fakes;

/// <summary>Answers HTTP requests from a function, counting calls, so Prometheus' API can be scripted per query.</summary>
internal sealed class StubHttpHandler(Func<HttpRequestMessage, int, HttpResponseMessage> respond) : HttpMessageHandler
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public List<Uri> Requests { get; } = [];

    public static HttpResponseMessage Json(string body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    public static string Vector(params double[] values) =>
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
        + string.Join(",", values.Select((v, i) => "{\"metric\":{\"i\":\"" + i + "\"},\"value\":[1700000000.5,\"" + Format(v) + "\"]}"))
        + "]}}";

    public static string Format(double v) => double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "+Inf" : v.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Query(HttpRequestMessage request) =>
        Uri.UnescapeDataString(request.RequestUri!.Query.TrimStart('?').Split('&').First(p => p.StartsWith("query=", StringComparison.Ordinal))["query=".Length..]);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        lock (Requests)
        {
            Requests.Add(request.RequestUri!);
        }

        return Task.FromResult(respond(request, call));
    }
}
