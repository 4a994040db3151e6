using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dso.Abstractions.Decisions;
using Dso.Abstractions.Metrics;
using Dso.Ingestion.Store;
using Dso.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dso.Integration.Tests.Push;

/// <summary>POST /api/v1/push/{service} on the running service: auth, every kind of bad input, formats, and the loop deciding from pushes.</summary>
public sealed class PushApiTests(PushHostFixture fixture) : IClassFixture<PushHostFixture>
{
    private static string Now(int secondsAgo = 0) => DateTimeOffset.UtcNow.AddSeconds(-secondsAgo).ToString("O");

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PostAsync(
        string service, string body, string contentType = "application/json", string? token = PushPolicies.ShopToken, string scheme = "Bearer")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/push/{service}") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
        }

        var response = await fixture.Host.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    [Fact]
    public async Task Push_ValidJson_StoredAndTheLoopDecidesFromIt()
    {
        var log = fixture.Host.App.Services.GetRequiredService<IDecisionLog>();

        var decision = await Eventually.WaitAsync(
            async () =>
            {
                var (status, body, _) = await PostAsync("open", $$"""{"samples":[{"kpi":"request_rate","timestamp":"{{Now()}}","value":63},{"kpi":"revenue_per_transaction","timestamp":"{{Now()}}","value":41.5}]}""", token: PushPolicies.OpenToken);
                Assert.Equal((HttpStatusCode.OK, 2), (status, body.GetProperty("accepted").GetInt32()));
                return (await log.RecentAsync("open", 10, CancellationToken.None)).Select(r => r.Decision).FirstOrDefault(d => !d.Held);
            },
            d => d is not null,
            TimeSpan.FromSeconds(15));

        Assert.NotNull(decision);
        Assert.Equal(63, decision.Kpis[KpiNames.RequestRate]);
        Assert.Equal(41.5, decision.Kpis["revenue_per_transaction"]);
        Assert.Equal(9, decision.Chosen.Total);
    }

    [Fact]
    public async Task Push_TextFormat_MapsMetricNamesToDeclaredKpis()
    {
        var ms = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var (status, body, _) = await PostAsync("shop", $"# TYPE http_rps gauge\nhttp_rps{{pod=\"a\"}} 12.5 {ms}\nconversion_rate 0.031\n", "text/plain; version=0.0.4");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, body.GetProperty("accepted").GetInt32());
        var store = fixture.Host.App.Services.GetRequiredService<ISeriesStore>();
        Assert.True(store.TryGetLatest("shop", KpiNames.RequestRate, out var point));
        Assert.Equal(12.5, point.Value);
    }

    [Theory]
    [InlineData(null, "Bearer")]
    [InlineData("wrong-token", "Bearer")]
    [InlineData(PushPolicies.ShopToken + "x", "Bearer")]
    [InlineData(PushPolicies.ShopToken, "Basic")]
    [InlineData(PushPolicies.OpenToken, "Bearer")]
    [InlineData("", "Bearer")]
    public async Task Push_WithoutTheServicesToken_Is401AndStoresNothing(string? token, string scheme)
    {
        var (status, body, response) = await PostAsync("shop", """{"samples":[{"kpi":"latency_p95_ms","value":1}]}""", token: token, scheme: scheme);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.DoesNotContain(PushPolicies.ShopToken, body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_UnknownService_Is404AsTheReadmeSays()
    {
        var (status, body, _) = await PostAsync("unknown-service", """{"samples":[]}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("has no policy with metrics.source: push", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_RetriedBatch_Is200NoOpAndAConflictingValueIs409()
    {
        var at = Now(20);
        // A KPI of its own (on the service taking any KPI), so other tests' pushes cannot make it late.
        var batch = $$"""{"samples":[{"kpi":"retry_probe_ms","timestamp":"{{at}}","value":181.5}]}""";

        var first = await PostAsync("open", batch, token: PushPolicies.OpenToken);
        var retry = await PostAsync("open", batch, token: PushPolicies.OpenToken);
        var conflict = await PostAsync("open", batch.Replace("181.5", "999", StringComparison.Ordinal), token: PushPolicies.OpenToken);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.Equal(1, retry.Body.GetProperty("duplicates").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
        Assert.Equal(1, conflict.Body.GetProperty("conflicts").GetInt32());
        Assert.Contains("already stored as 181.5", conflict.Body.GetProperty("problems")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_JsonUnderTheMappedMetricName_IsStoredAsTheKpi()
    {
        var (status, body, _) = await PostAsync("shop", $$"""{"samples":[{"kpi":"http_rps","timestamp":"{{Now(1)}}","value":77}]}""");

        // Other tests push request_rate to the same service: a newer sample of theirs may make this one late, never unknown.
        Assert.True(status == HttpStatusCode.OK || body.GetProperty("problems")[0].GetProperty("field").GetString() == "timestamp", body.GetRawText());
    }

    [Theory]
    [InlineData("synth", PushPolicies.SynthToken)]
    [InlineData("ghost", PushPolicies.GhostToken)]
    public async Task Push_ServiceThatIsNotAPushService_Is404(string service, string token)
    {
        var (status, body, _) = await PostAsync(service, """{"samples":[]}""", token: token);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains($"service '{service}' has no policy with metrics.source: push", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"kpi":"checkout_errors","value":1}""", "kpi", "unknown KPI")]
    [InlineData("""{"kpi":"request_rate","value":"NaN"}""", "value", "finite")]
    [InlineData("""{"kpi":"request_rate","value":1e999}""", "value", "finite")]
    [InlineData("""{"kpi":"request_rate","value":-1}""", "value", "negative")]
    [InlineData("""{"kpi":"request_rate","timestamp":"2099-01-01T00:00:00Z","value":1}""", "timestamp", "future")]
    [InlineData("""{"kpi":"request_rate","timestamp":"2001-01-01T00:00:00Z","value":1}""", "timestamp", "old")]
    [InlineData("""{"kpi":"request_rate","value":"fast"}""", "value", "number")]
    [InlineData("""{"value":1}""", "kpi", "required")]
    public async Task Push_BadSample_Is422NamingIndexAndFieldAndStoresTheValidOnes(string bad, string field, string message)
    {
        var (status, body, _) = await PostAsync("shop", $$"""{"samples":[{"kpi":"latency_p95_ms","timestamp":"{{Now()}}","value":180},{{bad}}]}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal((1, 1), (body.GetProperty("accepted").GetInt32(), body.GetProperty("rejected").GetInt32()));
        var problem = body.GetProperty("problems")[0];
        Assert.Equal((1, field), (problem.GetProperty("index").GetInt32(), problem.GetProperty("field").GetString()));
        Assert.Contains(message, problem.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"samples":[{"kpi":""", "malformed JSON")]
    [InlineData("""{"nothing":1}""", "no 'samples'")]
    [InlineData("""[]""", "expected a JSON object")]
    public async Task Push_UnreadableJson_Is400(string json, string error)
    {
        var (status, body, _) = await PostAsync("shop", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(error, body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, body.GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task Push_MoreSamplesThanTheLimit_Is413AndStoresNothing()
    {
        var samples = string.Join(",", Enumerable.Range(0, 1001).Select(_ => """{"kpi":"conversion_rate","value":0.5}"""));

        var (status, body, _) = await PostAsync("shop", $$"""{"samples":[{{samples}}]}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("more than 1000 samples", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_BodyOverTheByteLimit_Is413()
    {
        var (status, _, _) = await PostAsync("shop", $$"""{"samples":[],"pad":"{{new string('x', 140_000)}}"}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
    }

    [Fact]
    public async Task Push_OtherContentType_Is415()
    {
        var (status, _, _) = await PostAsync("shop", "<samples/>", "application/xml");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
    }
}
