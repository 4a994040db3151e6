using System.Text;
using Dso.Ingestion.Push;
using Dso.Ingestion.Store;
using Dso.Ingestion.Tests.Fakes;

namespace Dso.Ingestion.Tests.Push;

public sealed class PushIngestorJsonTests
{
    internal static readonly DateTimeOffset Now = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    private const string Valid = """{"kpi":"request_rate","timestamp":"2026-03-02T11:59:00Z","value":12.5}""";

    private readonly SeriesStore _store = new(new SeriesStoreOptions());

    internal static PushSchema Declared => new("shop", new Dictionary<string, string> { ["request_rate"] = "http_rps", ["latency_p95_ms"] = "", ["conversion_rate"] = "" });

    internal static PushSchema AnyKpi => new("shop", new Dictionary<string, string>());

    private PushIngestor Ingestor(PushLimits? limits = null) => new(_store, limits ?? new PushLimits(), new ManualClock(Now));

    private PushResult Push(string json, PushSchema? schema = null, PushLimits? limits = null) =>
        Ingestor(limits).IngestJson(schema ?? Declared, Encoding.UTF8.GetBytes(json));

    [Fact]
    public void IngestJson_ValidBatch_StoresEverySample()
    {
        var result = Push($$"""{"samples":[{{Valid}},{"kpi":"latency_p95_ms","timestamp":1772452740,"value":"180.5"},{"kpi":"conversion_rate","value":0.031}]}""");

        Assert.Equal((PushOutcome.Accepted, 3, 0), (result.Outcome, result.Accepted, result.Rejected));
        Assert.True(_store.TryGetLatest("shop", "latency_p95_ms", out var latency));
        Assert.Equal((DateTimeOffset.FromUnixTimeSeconds(1772452740), 180.5), (latency.Timestamp, latency.Value));
        Assert.True(_store.TryGetLatest("shop", "conversion_rate", out var conversion));
        Assert.Equal(Now, conversion.Timestamp);
    }

    [Theory]
    [InlineData("""{"kpi":"checkout_errors","value":1}""", "kpi", "unknown KPI 'checkout_errors'")]
    [InlineData("""{"kpi":"bad name!","value":1}""", "kpi", "not a KPI name")]
    [InlineData("""{"kpi":42,"value":1}""", "kpi", "must be a string")]
    [InlineData("""{"value":1}""", "kpi", "is required")]
    [InlineData("""{"kpi":"request_rate"}""", "value", "is required")]
    [InlineData("""{"kpi":"request_rate","value":"NaN"}""", "value", "finite")]
    [InlineData("""{"kpi":"request_rate","value":"+Inf"}""", "value", "finite")]
    [InlineData("""{"kpi":"request_rate","value":1e999}""", "value", "finite")]
    [InlineData("""{"kpi":"request_rate","value":"lots"}""", "value", "must be a number")]
    [InlineData("""{"kpi":"request_rate","value":true}""", "value", "must be a number")]
    [InlineData("""{"kpi":"request_rate","value":-3}""", "value", "cannot be negative")]
    [InlineData("""{"kpi":"latency_p95_ms","value":-0.5}""", "value", "cannot be negative")]
    [InlineData("""{"kpi":"request_rate","timestamp":"2026-03-02T13:00:00Z","value":1}""", "timestamp", "in the future")]
    [InlineData("""{"kpi":"request_rate","timestamp":"2026-01-01T00:00:00Z","value":1}""", "timestamp", "old")]
    [InlineData("""{"kpi":"request_rate","timestamp":"yesterday","value":1}""", "timestamp", "ISO 8601")]
    [InlineData("""{"kpi":"request_rate","timestamp":{"at":1},"value":1}""", "timestamp", "ISO 8601")]
    [InlineData("""[1,2]""", "sample", "must be an object")]
    [InlineData("""{"kpi":"request_rate","timestamp":"2026-03-02T11:58:00Z","value":1}""", "timestamp", "time order")]
    public void IngestJson_OneBadSample_RefusesItByIndexAndFieldAndStoresTheRest(string bad, string field, string message)
    {
        var result = Push($$"""{"samples":[{{Valid}},{{bad}},{"kpi":"conversion_rate","timestamp":"2026-03-02T11:59:30Z","value":0.03}]}""");

        Assert.Equal(PushOutcome.PartiallyRejected, result.Outcome);
        Assert.Equal((2, 1), (result.Accepted, result.Rejected));
        var problem = Assert.Single(result.Problems);
        Assert.Equal((1, field), (problem.Index, problem.Field));
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
        Assert.True(_store.TryGetLatest("shop", "conversion_rate", out _));
    }

    [Theory]
    [InlineData("""{"samples":[{"kpi":"request_rate","value":""", "malformed JSON")]
    [InlineData("""not json""", "malformed JSON")]
    [InlineData("""[{"kpi":"request_rate","value":1}]""", "expected a JSON object")]
    [InlineData("""{"data":[]}""", "no 'samples'")]
    [InlineData("""{"samples":{"kpi":"request_rate"}}""", "must be an array")]
    [InlineData("""{"samples":[{"kpi":"request_rate","value":1},""", "malformed JSON")]
    [InlineData("", "malformed JSON")]
    public void IngestJson_Unreadable_RefusesWholeBatch(string json, string error)
    {
        var result = Push(json);

        Assert.Equal((PushOutcome.Malformed, 0), (result.Outcome, result.Accepted));
        Assert.Contains(error, result.Error, StringComparison.Ordinal);
        Assert.Empty(_store.Kpis("shop"));
    }

    [Fact]
    public void IngestJson_MoreSamplesThanAllowed_RefusesWholeBatch()
    {
        var samples = string.Join(",", Enumerable.Range(0, 11).Select(i => $$"""{"kpi":"request_rate","timestamp":{{Now.ToUnixTimeSeconds() - 60 + i}},"value":{{i}}}"""));

        var result = Push($$"""{"samples":[{{samples}}]}""", limits: new PushLimits { MaxSamplesPerBatch = 10 });

        Assert.Equal(PushOutcome.TooLarge, result.Outcome);
        Assert.Contains("more than 10 samples", result.Error, StringComparison.Ordinal);
        Assert.Empty(_store.Kpis("shop"));
    }

    [Fact]
    public void IngestJson_BodyOverByteLimit_RefusesWholeBatch()
    {
        var result = Push($$"""{"samples":[{{Valid}}], "padding":"{{new string('x', 2048)}}"}""", limits: new PushLimits { MaxBodyBytes = 1024 });

        Assert.Equal(PushOutcome.TooLarge, result.Outcome);
        Assert.Empty(_store.Kpis("shop"));
    }

    [Fact]
    public void IngestJson_ManyBadSamples_ReportsFirstProblemsAndCountsAll()
    {
        var samples = string.Join(",", Enumerable.Range(0, 100).Select(_ => """{"kpi":"request_rate","value":"NaN"}"""));

        var result = Push($$"""{"samples":[{{samples}}]}""", limits: new PushLimits { MaxReportedProblems = 5 });

        Assert.Equal((0, 100), (result.Accepted, result.Rejected));
        Assert.Equal([0, 1, 2, 3, 4], result.Problems.Select(p => p.Index));
    }

    [Fact]
    public void IngestJson_NoKpisDeclared_AcceptsAnyBusinessKpiUnderItsName()
    {
        var result = Push("""{"samples":[{"kpi":"revenue_per_transaction","value":-12.5},{"kpi":"cart_abandonment","value":0.4},{"kpi":"orders_total","value":-1}]}""", AnyKpi);

        Assert.Equal((2, 1), (result.Accepted, result.Rejected));
        Assert.Equal(["cart_abandonment", "revenue_per_transaction"], _store.Kpis("shop"));
        Assert.Equal(("value", 2), (result.Problems[0].Field, result.Problems[0].Index));
    }

    [Fact]
    public void IngestJson_StoreFull_RefusesNewKpisByField()
    {
        var ingestor = new PushIngestor(new SeriesStore(new SeriesStoreOptions { MaxSeries = 1 }), new PushLimits(), new ManualClock(Now));

        var result = ingestor.IngestJson(AnyKpi, Encoding.UTF8.GetBytes("""{"samples":[{"kpi":"a","value":1},{"kpi":"b","value":1}]}"""));

        Assert.Equal((1, 1), (result.Accepted, result.Rejected));
        Assert.Equal(("kpi", 1), (result.Problems[0].Field, result.Problems[0].Index));
    }

    [Fact]
    public void IngestJson_OneServiceFloodingKpiNames_FillsOnlyItsOwnShare()
    {
        var store = new SeriesStore(new SeriesStoreOptions { MaxSeries = 50, MaxSeriesPerService = 10 });
        var ingestor = new PushIngestor(store, new PushLimits(), new ManualClock(Now));
        var flood = string.Join(",", Enumerable.Range(0, 40).Select(i => $$"""{"kpi":"junk_{{i}}","value":1}"""));

        var flooded = ingestor.IngestJson(AnyKpi, Encoding.UTF8.GetBytes($$"""{"samples":[{{flood}}]}"""));
        var other = ingestor.IngestJson(new PushSchema("cart", new Dictionary<string, string>()), Encoding.UTF8.GetBytes("""{"samples":[{"kpi":"request_rate","value":40}]}"""));

        Assert.Equal((10, 30), (flooded.Accepted, flooded.Rejected));
        Assert.Contains("'shop' holds its maximum of 10 KPIs", flooded.Problems[0].Message);
        Assert.Equal((1, 0), (other.Accepted, other.Rejected));
    }
}
