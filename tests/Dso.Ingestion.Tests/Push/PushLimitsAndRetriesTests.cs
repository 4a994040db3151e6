using System.Globalization;
using System.Text;
using Dso.Abstractions.Metrics;
using Dso.Ingestion.Push;
using Dso.Ingestion.Store;
using Dso.Ingestion.Tests.Fakes;

namespace Dso.Ingestion.Tests.Push;

/// <summary>
/// Inputs with limits (plausible ranges per KPI), retries that are safe (exact resend = no-op, other value = conflict),
/// the KPI name mapping in both formats, and wall-clock timestamps on a faster service clock.
/// </summary>
public sealed class PushLimitsAndRetriesTests
{
    private static readonly DateTimeOffset Now = PushIngestorJsonTests.Now;
    private readonly SeriesStore _store = new(new SeriesStoreOptions());

    private PushResult Json(string samples, PushLimits? limits = null, PushSchema? schema = null) =>
        new PushIngestor(_store, limits ?? new PushLimits(), new ManualClock(Now)).IngestJson(schema ?? PushIngestorJsonTests.AnyKpi, Encoding.UTF8.GetBytes($$"""{"samples":[{{samples}}]}"""));

    [Theory]
    [InlineData("1e5")]
    [InlineData("1e6")]
    [InlineData("99999999")]
    public void Ingest_LargeButRealRequestRate_IsStored(string value)
    {
        var result = Json($$"""{"kpi":"request_rate","value":{{value}}}""");

        Assert.Equal(PushOutcome.Accepted, result.Outcome);
        Assert.True(_store.TryGetLatest("shop", KpiNames.RequestRate, out var stored));
        Assert.Equal(double.Parse(value, CultureInfo.InvariantCulture), stored.Value);
    }

    [Theory]
    [InlineData("1e9", "outside the plausible range [0, 1E+08] of 'request_rate'")]
    [InlineData("1e300", "outside the plausible range")]
    [InlineData("1e999", "must be a finite number")]
    [InlineData("\"NaN\"", "must be a finite number")]
    [InlineData("\"+Inf\"", "must be a finite number")]
    [InlineData("\"-Inf\"", "must be a finite number")]
    [InlineData("-1", "cannot be negative")]
    [InlineData("-1e300", "cannot be negative")]
    public void Ingest_ImplausibleRequestRate_RefusedNamingTheSample(string value, string message)
    {
        var result = Json($$"""{"kpi":"request_rate","value":300},{"kpi":"cpu","value":{{value}}},{"kpi":"request_rate","timestamp":"{{Now.AddSeconds(1):O}}","value":{{value}}}""");

        Assert.Equal(PushOutcome.PartiallyRejected, result.Outcome);
        var problem = Assert.Single(result.Problems, p => p.Index == 2);
        Assert.Equal("value", problem.Field);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
        Assert.True(_store.TryGetLatest("shop", KpiNames.RequestRate, out var stored));
        Assert.Equal(300, stored.Value);
    }

    [Fact]
    public void Ingest_JournalTheDiskRefuses_StoresAndAcceptsAndSaysSo()
    {
        // A journal path that is a directory: every append fails as a full or read-only disk would.
        var dir = Directory.CreateTempSubdirectory("dso-journal-refused-").FullName;
        try
        {
            var problems = new List<string>();
            var ingestor = new PushIngestor(_store, new PushLimits(), PushTimeline.Identity(new ManualClock(Now)), new SeriesJournal(dir)) { JournalFailed = problems.Add };

            var result = ingestor.IngestJson(PushIngestorJsonTests.AnyKpi, Encoding.UTF8.GetBytes("""{"samples":[{"kpi":"request_rate","value":300}]}"""));

            Assert.Equal(PushOutcome.Accepted, result.Outcome);
            Assert.True(_store.TryGetLatest("shop", KpiNames.RequestRate, out _));
            Assert.StartsWith("1 sample(s) of 'shop' are kept in memory until the next snapshot: ", Assert.Single(problems));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Ingest_KpiNameLongerThanAllowed_IsRefusedNotACrash()
    {
        // Found by the push fuzz test: a name of 65-256 bytes overflowed the parser's name buffer (an HTTP 500).
        var result = Json($$"""{"kpi":"{{new string('y', 81)}}","value":1},{"kpi":"{{new string('é', 120)}}","value":1}""");

        Assert.Equal(PushOutcome.PartiallyRejected, result.Outcome);
        Assert.All(result.Problems, p => Assert.Contains("is not a KPI name", p.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Ingest_ConfiguredRange_ReplacesTheBuiltInOne()
    {
        var limits = new PushLimits { Ranges = new Dictionary<string, PlausibleRange> { [KpiNames.RequestRate] = new(0, 1e10), ["revenue"] = new(-100, 100) } };

        var result = Json("""{"kpi":"request_rate","value":1e9},{"kpi":"revenue","value":-50},{"kpi":"revenue","timestamp":1772452801,"value":101}""", limits);

        Assert.Equal(2, result.Accepted);
        Assert.Contains("plausible range [-100, 100] of 'revenue'", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ingest_ExactResendOfAcceptedBatch_IsAcceptedNoOp()
    {
        const string Batch = """{"kpi":"request_rate","timestamp":"2026-03-02T11:58:00Z","value":410},{"kpi":"request_rate","timestamp":"2026-03-02T11:59:00Z","value":412.5}""";
        var first = Json(Batch);
        var again = Json(Batch);

        Assert.Equal((PushOutcome.Accepted, 2, 0), (first.Outcome, first.Accepted, first.Duplicates));
        Assert.Equal((PushOutcome.Accepted, 2, 2), (again.Outcome, again.Accepted, again.Duplicates));
        Assert.Equal(2, _store.Range("shop", KpiNames.RequestRate, Now.AddHours(-1), Now).Count);
    }

    [Fact]
    public void Ingest_OtherValueForAStoredTimestamp_IsAConflictAndTheStoredValueStands()
    {
        Json("""{"kpi":"request_rate","timestamp":"2026-03-02T11:59:00Z","value":412.5}""");

        var result = Json("""{"kpi":"request_rate","timestamp":"2026-03-02T11:59:00Z","value":999},{"kpi":"cpu","value":0.5}""");

        Assert.Equal(PushOutcome.Conflict, result.Outcome);
        Assert.Equal((1, 1), (result.Conflicts, result.Accepted));
        Assert.Contains("already stored as 412.5", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
        Assert.True(_store.TryGetLatest("shop", KpiNames.RequestRate, out var stored));
        Assert.Equal(412.5, stored.Value);
    }

    [Fact]
    public void Ingest_MappedMetricName_AcceptedInJsonAndTextAlike()
    {
        var schema = new PushSchema("shop", new Dictionary<string, string> { [KpiNames.RequestRate] = "http_rps" });
        var ingestor = new PushIngestor(_store, new PushLimits(), new ManualClock(Now));

        var json = ingestor.IngestJson(schema, """{"samples":[{"kpi":"http_rps","timestamp":"2026-03-02T11:58:00Z","value":100}]}"""u8);
        var byKpi = ingestor.IngestJson(schema, """{"samples":[{"kpi":"request_rate","timestamp":"2026-03-02T11:58:30Z","value":110}]}"""u8);
        var text = ingestor.IngestText(schema, Encoding.UTF8.GetBytes($"http_rps{{job=\"shop\"}} 120 {Now.AddSeconds(-10).ToUnixTimeMilliseconds()}\n"));
        var unknown = ingestor.IngestJson(schema, """{"samples":[{"kpi":"http_requests","value":1}]}"""u8);

        Assert.Equal([PushOutcome.Accepted, PushOutcome.Accepted, PushOutcome.Accepted], new[] { json.Outcome, byKpi.Outcome, text.Outcome });
        Assert.Equal([100.0, 110, 120], _store.Range("shop", KpiNames.RequestRate, Now.AddHours(-1), Now).Select(p => p.Value));
        Assert.Contains("known: request_rate (or http_rps)", Assert.Single(unknown.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_AnUndeclaredKpiPushedOnce_StopsCountingAsStaleAfterTenStaleWindows()
    {
        var wall = new ManualClock(Now);
        var timeline = PushTimeline.Identity(wall);
        var ingestor = new PushIngestor(_store, new PushLimits(), timeline);
        var source = new PushMetricSource(_store, [], TimeSpan.FromMinutes(2)) { Timeline = timeline };
        ingestor.IngestJson(PushIngestorJsonTests.AnyKpi, """{"samples":[{"kpi":"debug_probe","value":1},{"kpi":"request_rate","value":400}]}"""u8);

        KpiReading? soon = null;
        for (var minute = 1; minute <= 61; minute++)
        {
            wall.Advance(TimeSpan.FromMinutes(1));
            ingestor.IngestJson(PushIngestorJsonTests.AnyKpi, """{"samples":[{"kpi":"request_rate","value":400}]}"""u8);
            if (minute == 5)
            {
                soon = await source.ReadAsync("shop", wall.GetUtcNow(), CancellationToken.None);
            }
        }

        var later = await source.ReadAsync("shop", wall.GetUtcNow(), CancellationToken.None);

        Assert.Equal(SourceHealth.Degraded, soon!.Health); // a KPI that stopped minutes ago is news
        Assert.Contains("'debug_probe' is stale", soon.Problem);
        Assert.Equal(SourceHealth.Healthy, later.Health); // an hour on, it is no longer part of the feed
        Assert.Equal(400, later.Values[KpiNames.RequestRate]);
    }

    [Fact]
    public async Task Ingest_OnA60xServiceClock_WallTimestampsMapOntoServiceTimeAndStayFresh()
    {
        // The service clock was anchored an hour (wall) ago and has run 60 hours since.
        var wall = new ManualClock(Now);
        var anchorWall = Now.AddHours(-1);
        var timeline = new PushTimeline(wall, anchorWall, anchorWall, 60);
        var serviceNow = anchorWall.AddHours(60);
        var ingestor = new PushIngestor(_store, new PushLimits(), timeline);
        var source = new PushMetricSource(_store, [], TimeSpan.FromMinutes(2)) { Timeline = timeline };

        var stamped = ingestor.IngestJson(PushIngestorJsonTests.AnyKpi, """{"samples":[{"kpi":"request_rate","value":400}]}"""u8);
        wall.Advance(TimeSpan.FromSeconds(30));
        var realTime = ingestor.IngestJson(PushIngestorJsonTests.AnyKpi, Encoding.UTF8.GetBytes($$"""{"samples":[{"kpi":"request_rate","timestamp":"{{wall.GetUtcNow():O}}","value":410}]}"""));
        var fresh = await source.ReadAsync("shop", serviceNow.AddMinutes(30), CancellationToken.None);
        var stale = await source.ReadAsync("shop", serviceNow.AddMinutes(30 + 150), CancellationToken.None);

        Assert.Equal(PushOutcome.Accepted, stamped.Outcome); // no timestamp: stamped on arrival (wall), mapped to service time
        Assert.Equal(PushOutcome.Accepted, realTime.Outcome); // a real-time sample after it is in order, not "older"
        Assert.True(_store.TryGetLatest("shop", KpiNames.RequestRate, out var latest));
        Assert.Equal(serviceNow.AddMinutes(30), latest.Timestamp); // 30 wall seconds = 30 service minutes at 60x
        Assert.Equal(SourceHealth.Healthy, fresh.Health);
        Assert.Equal(410, fresh.Values[KpiNames.RequestRate]);
        Assert.Equal(SourceHealth.Down, stale.Health); // 150 service minutes = 2.5 wall minutes > stale_after 2m
        Assert.Contains("'request_rate' is stale (last pushed 3m ago)", stale.Problem, StringComparison.Ordinal);
    }
}
