using System.Text;
using Dso.Ingestion.Push;
using Dso.Ingestion.Store;
using Dso.Ingestion.Tests.Fakes;

namespace Dso.Ingestion.Tests.Push;

public sealed class PushIngestorTextTests
{
    private static readonly long NowMs = PushIngestorJsonTests.Now.ToUnixTimeMilliseconds();
    private readonly SeriesStore _store = new(new SeriesStoreOptions());

    private PushResult Push(string text, PushSchema? schema = null) =>
        new PushIngestor(_store, new PushLimits(), new ManualClock(PushIngestorJsonTests.Now)).IngestText(schema ?? PushIngestorJsonTests.Declared, Encoding.UTF8.GetBytes(text));

    [Fact]
    public void IngestText_ExpositionFormat_MapsMetricNamesToKpis()
    {
        var result = Push($$"""
            # HELP http_rps Requests per second.
            # TYPE http_rps gauge
            http_rps{pod="web-1",path="/a\"}"} 42.5 {{NowMs - 1000}}
            latency_p95_ms 180
            conversion_rate 0.031
            """);

        Assert.Equal((PushOutcome.Accepted, 3), (result.Outcome, result.Accepted));
        Assert.True(_store.TryGetLatest("shop", "request_rate", out var rate));
        Assert.Equal((NowMs - 1000, 42.5), (rate.Timestamp.ToUnixTimeMilliseconds(), rate.Value));
    }

    [Theory]
    [InlineData("http_rps NaN", "value", "finite")]
    [InlineData("http_rps +Inf", "value", "finite")]
    [InlineData("http_rps -Inf", "value", "finite")]
    [InlineData("http_rps many", "value", "not a number")]
    [InlineData("http_rps", "metric", "expected")]
    [InlineData("http_rps -4", "value", "cannot be negative")]
    [InlineData("http_rps{pod=\"a\" 4", "labels", "unterminated")]
    [InlineData("checkout_errors 4", "metric", "unknown KPI 'checkout_errors'")]
    [InlineData("http_rps 4 soon", "timestamp", "Unix milliseconds")]
    [InlineData("http_rps 4 99999999999999", "timestamp", "in the future")]
    public void IngestText_OneBadLine_RefusesItByLineAndStoresTheRest(string bad, string field, string message)
    {
        var result = Push($"latency_p95_ms 180\n{bad}\nconversion_rate 0.03\n");

        Assert.Equal((PushOutcome.PartiallyRejected, 2, 1), (result.Outcome, result.Accepted, result.Rejected));
        var problem = Assert.Single(result.Problems);
        Assert.Equal((2, field), (problem.Index, problem.Field));
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IngestText_NoKpisDeclared_UsesMetricNameAsKpi()
    {
        var result = Push("revenue_per_transaction 41.5\nqueue_length 3\n", PushIngestorJsonTests.AnyKpi);

        Assert.Equal(2, result.Accepted);
        Assert.Equal(["queue_length", "revenue_per_transaction"], _store.Kpis("shop"));
    }
}
