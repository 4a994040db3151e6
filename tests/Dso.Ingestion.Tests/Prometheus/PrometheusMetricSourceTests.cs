using System.Net;
using Dso.Abstractions.Metrics;
using Dso.Ingestion.Prometheus;
using Dso.Ingestion.Tests.Fakes;

namespace Dso.Ingestion.Tests.Prometheus;

public sealed class PrometheusMetricSourceTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, string> Queries = new()
    {
        ["request_rate"] = "sum(rate(http_requests_total[1m]))",
        ["latency_p95_ms"] = "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[1m]))) * 1000",
    };

    private static readonly PrometheusSourceOptions Fast = new()
    {
        Url = new Uri("http://prometheus.test:9090"),
        AttemptTimeout = TimeSpan.FromSeconds(2),
        Retries = 2,
        Backoff = TimeSpan.FromMilliseconds(1),
    };

    private static (PrometheusMetricSource Source, StubHttpHandler Handler) Create(Func<HttpRequestMessage, int, HttpResponseMessage> respond, PrometheusSourceOptions? options = null)
    {
        var handler = new StubHttpHandler(respond);
        return (new PrometheusMetricSource(new HttpClient(handler), options ?? Fast, Queries, "shop"), handler);
    }

    [Fact]
    public async Task ReadAsync_EveryQueryAnswers_HealthyWithEachKpi()
    {
        var (source, handler) = Create((req, _) => StubHttpHandler.Json(StubHttpHandler.Vector(StubHttpHandler.Query(req).StartsWith("sum", StringComparison.Ordinal) ? 50 : 193.75)));

        var reading = await source.ReadAsync("shop", Now, CancellationToken.None);

        Assert.Equal(SourceHealth.Healthy, reading.Health);
        Assert.Equal(50, reading.Values["request_rate"]);
        Assert.Equal(193.75, reading.Values["latency_p95_ms"]);
        Assert.All(handler.Requests, uri => Assert.Equal("/api/v1/query", uri.AbsolutePath));
    }

    [Fact]
    public async Task ReadAsync_ConnectionRefused_DownWithReasonAfterRetries()
    {
        var (source, handler) = Create((_, _) => throw new HttpRequestException("Connection refused (prometheus.test:9090)"));

        var reading = await source.ReadAsync("shop", Now, CancellationToken.None);

        Assert.Equal(SourceHealth.Down, reading.Health);
        Assert.Empty(reading.Values);
        Assert.Contains("prometheus at http://prometheus.test:9090/ is unavailable", reading.Problem, StringComparison.Ordinal);
        Assert.Contains("Connection refused", reading.Problem, StringComparison.Ordinal);
        Assert.Equal(2 * 3, handler.Calls);
    }

    [Fact]
    public async Task ReadAsync_Hangs_TimesOutPerAttemptAndIsDown()
    {
        var handler = new HangingHandler();
        var source = new PrometheusMetricSource(new HttpClient(handler), Fast with { Retries = 1, AttemptTimeout = TimeSpan.FromMilliseconds(300) }, Queries, "shop");

        var reading = await source.ReadAsync("shop", Now, CancellationToken.None);

        Assert.Equal(SourceHealth.Down, reading.Health);
        Assert.Contains("no answer within 0.3s", reading.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_TransientThenOk_RetriesAndIsHealthy()
    {
        var (source, handler) = Create((_, call) => call <= 2
            ? StubHttpHandler.Json("""{"status":"error","errorType":"unavailable","error":"overloaded"}""", HttpStatusCode.ServiceUnavailable)
            : StubHttpHandler.Json(StubHttpHandler.Vector(7)));

        var reading = await source.ReadAsync("shop", Now, CancellationToken.None);

        Assert.Equal(SourceHealth.Healthy, reading.Health);
        Assert.Equal(4, handler.Calls);
    }

    [Fact]
    public async Task ReadAsync_BadQuery_NotRetriedAndNamed()
    {
        var (source, handler) = Create((req, _) => StubHttpHandler.Query(req).StartsWith("sum", StringComparison.Ordinal)
            ? StubHttpHandler.Json(StubHttpHandler.Vector(50))
            : StubHttpHandler.Json("""{"status":"error","errorType":"bad_data","error":"parse error: unexpected identifier"}""", HttpStatusCode.BadRequest));

        var reading = await source.ReadAsync("shop", Now, CancellationToken.None);

        Assert.Equal(SourceHealth.Degraded, reading.Health);
        Assert.Equal(50, reading.Values["request_rate"]);
        Assert.Contains("latency_p95_ms: query 'histogram_quantile", reading.Problem, StringComparison.Ordinal);
        Assert.Contains("bad_data: parse error", reading.Problem, StringComparison.Ordinal);
        Assert.Equal(2, handler.Calls);
    }

    [Theory]
    [InlineData(new double[0], "no series")]
    [InlineData(new[] { double.NaN }, "returned NaN")]
    [InlineData(new[] { 1.0, 2.0 }, "returned 2 series")]
    public async Task ReadAsync_UnusableResult_KpiLeftOutNotZero(double[] values, string problem)
    {
        var (source, _) = Create((req, _) => StubHttpHandler.Json(StubHttpHandler.Query(req).StartsWith("sum", StringComparison.Ordinal)
            ? StubHttpHandler.Vector(values)
            : StubHttpHandler.Vector(120)));

        var reading = await source.ReadAsync("shop", Now, CancellationToken.None);

        Assert.Equal(SourceHealth.Degraded, reading.Health);
        Assert.False(reading.Values.ContainsKey("request_rate"));
        Assert.Contains(problem, reading.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_UrlIsNotPrometheus_DownNamingTheAnswer()
    {
        var (source, handler) = Create((_, _) => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>proxy login</html>") });

        var reading = await source.ReadAsync("shop", Now, CancellationToken.None);

        Assert.Equal(SourceHealth.Down, reading.Health);
        Assert.Contains("not a Prometheus API response", reading.Problem, StringComparison.Ordinal);
        Assert.Contains("<html>proxy login", reading.Problem, StringComparison.Ordinal);
        Assert.Equal(2, handler.Calls);
    }

    [Theory]
    // Answers an exporter or a proxy in front of Prometheus can give. A null value escaped the reader as an
    // ArgumentNullException (the tick failed instead of reading the source as down), and a timestamp past the
    // calendar became a time no reading can have.
    [InlineData("""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1772452800,null]}]}}""")]
    [InlineData("""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1e300,"5"]}]}}""")]
    [InlineData("""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[-1e300,"5"]}]}}""")]
    [InlineData("""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1772452800]}]}}""")]
    [InlineData("""{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":"5"}]}}""")]
    [InlineData("""{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":1},"value":[1772452800,"5"]}]}}""")]
    [InlineData("""{"status":"success","data":{"resultType":"vector","result":{}}}""")]
    [InlineData("""{"status":"success","data":{"resultType":null,"result":[]}}""")]
    [InlineData("""{"status":"success","data":null}""")]
    [InlineData("""{"status":1}""")]
    [InlineData("""[]""")]
    [InlineData("""null""")]
    [InlineData("")]
    public async Task ReadAsync_MalformedAnswer_IsADownReadingNamingIt(string body)
    {
        var (source, _) = Create((_, _) => StubHttpHandler.Json(body));

        var reading = await source.ReadAsync("shop", Now, CancellationToken.None);

        Assert.Equal(SourceHealth.Down, reading.Health);
        Assert.Empty(reading.Values);
        Assert.Contains("not a Prometheus API response", reading.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackfillAsync_TimestampPastTheCalendar_FailsAsAMalformedAnswer()
    {
        var (source, _) = Create((_, _) => StubHttpHandler.Json(
            """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1772452800,"5"],[1e300,"6"]]}]}}"""));

        var ex = await Assert.ThrowsAsync<PrometheusQueryException>(() => source.BackfillAsync("shop", Now.AddHours(-1), Now, TimeSpan.FromMinutes(1), CancellationToken.None));

        Assert.Contains("not a Prometheus API response", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_NoQueryHasData_Down()
    {
        var (source, _) = Create((_, _) => StubHttpHandler.Json(StubHttpHandler.Vector()));

        var reading = await source.ReadAsync("shop", Now, CancellationToken.None);

        Assert.Equal(SourceHealth.Down, reading.Health);
        Assert.Contains("returned no usable data", reading.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackfillAsync_LongRangeAtFineStep_ChunksUnderPointLimitAndMergesByTime()
    {
        var (source, handler) = Create((req, _) =>
        {
            var query = req.RequestUri!.Query;
            var start = double.Parse(Param(query, "start"), System.Globalization.CultureInfo.InvariantCulture);
            var value = StubHttpHandler.Query(req).StartsWith("sum", StringComparison.Ordinal) ? "50" : "NaN";
            return StubHttpHandler.Json($$$"""{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[{{{start}}},"{{{value}}}"],[{{{start + 1}}},"{{{value}}}"]]}]}}""");
        });

        var history = await source.BackfillAsync("shop", Now.AddHours(-24), Now, TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(2 * 9, handler.Calls);
        Assert.Equal(2 * 9, history.Count);
        Assert.All(history, r => Assert.Equal((SourceHealth.Degraded, 50.0), (r.Health, r.Values["request_rate"])));
        Assert.All(handler.Requests, u => Assert.Equal("/api/v1/query_range", u.AbsolutePath));
    }

    [Fact]
    public void FromPolicy_BadOptions_ReportsEveryProblem()
    {
        var errors = new List<string>();

        var options = PrometheusSourceOptions.FromPolicy("shop", new Dictionary<string, string> { ["url"] = "ftp://x", ["timeout"] = "soon", ["retries"] = "99" }, errors);

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.Contains("service 'shop': metrics.options.url", StringComparison.Ordinal));
        Assert.Equal(new Uri(PrometheusSourceOptions.DefaultUrl), options.Url);
    }

    [Fact]
    public void FromPolicy_Defaults_LocalPrometheus()
    {
        var errors = new List<string>();

        var options = PrometheusSourceOptions.FromPolicy("shop", new Dictionary<string, string> { ["timeout"] = "2s", ["backfill"] = "6h" }, errors);

        Assert.Empty(errors);
        Assert.Equal(("http://127.0.0.1:9090/", TimeSpan.FromSeconds(2), TimeSpan.FromHours(6)), (options.Url.ToString(), options.AttemptTimeout, options.Backfill));
    }

    private static string Param(string query, string name) =>
        Uri.UnescapeDataString(query.TrimStart('?').Split('&').First(p => p.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..]);

    private sealed class HangingHandler : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }
}
