using System.Net;
using System.Text.Json;
using Dso.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dso.Integration.Tests.Experiments;

/// <summary>
/// The real service with an experiment-only policies/ directory (the built-in default service 'shop' is used) on a
/// clock 600x faster (a 1-minute tick every 100 ms, a 30-minute block every 3 s): blocks are assigned and recorded,
/// decisions carry the variant, the API shows per-variant results, a bad experiment edit is rejected whole while the
/// running experiment goes on, and a restart on the same data directory continues the same run.
/// </summary>
public sealed class ExperimentHostTests : IDisposable
{
    private static readonly string[] Settings = ["--Dso:ClockSpeed=600", "--Dso:PolicyReloadInterval=00:00:00.5"];

    private readonly string _dir = Directory.CreateTempSubdirectory("dso-experiment-host-").FullName;

    public const string Experiment = """
        experiments:
          - name: coverage
            service: shop
            design: {kind: switchback, block: 30m, washout: 10m, seed: 7}
            primary_metric: cost
            guardrails:
              - {metric: slo_violation_minutes, limit: 5, false_stop_rate: 0.05}
            variants:
              - name: q98
              - name: q90
                overrides:
                  strategy: {parameters: {coverage_quantile: 0.9}}
        """;

    [Fact]
    public async Task Switchback_OnTheDefaultService_RecordsBlocksShowsResultsAndContinuesAfterRestart()
    {
        var policies = Path.Combine(_dir, "policies");
        var data = Path.Combine(_dir, "data");
        Directory.CreateDirectory(policies);

        string run;
        DateTimeOffset start;
        int blocksBefore;
        await using (var host = await TestHost.StartAsync(data, policies, null, Settings))
        {
            // The embedded default runs first; the experiment file dropped into policies/ starts a switchback on it.
            await Eventually.WaitAsync(() => GetAsync(host, "/api/v1/decisions?service=shop&limit=1"), d => d.GetProperty("items").GetArrayLength() > 0, TimeSpan.FromSeconds(20));
            await File.WriteAllTextAsync(Path.Combine(policies, "coverage.yaml"), Experiment);
            var started = await Eventually.WaitAsync(() => GetAsync(host, "/api/v1/experiments"),
                d => d.GetProperty("experiments").GetArrayLength() == 1, TimeSpan.FromSeconds(10), pollMs: 50);
            var at = started.GetProperty("now").GetDateTimeOffset();
            // Within a tick (1 minute of service time, with margin) of the experiment being loaded. The window is asked
            // for by time rather than as "the latest decision": under load a poll lands many service minutes later.
            var window = $"/api/v1/decisions?service=shop&from={Uri.EscapeDataString(at.ToString("O"))}&to={Uri.EscapeDataString(at.AddMinutes(3).ToString("O"))}&limit=50";
            var first = await Eventually.WaitAsync(() => GetAsync(host, window),
                d => d.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("decision").TryGetProperty("experiment", out _)), TimeSpan.FromSeconds(10), pollMs: 50);
            var decided = first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("decision")).First(d => d.TryGetProperty("experiment", out _));
            Assert.Equal("coverage", decided.GetProperty("experiment").GetString());
            Assert.True(decided.GetProperty("timestamp").GetDateTimeOffset() - at <= TimeSpan.FromMinutes(3), $"{at:O} -> {decided}");

            var detail = await Eventually.WaitAsync(() => GetAsync(host, "/api/v1/experiments/coverage"),
                d => d.GetProperty("variants").EnumerateArray().All(v => v.GetProperty("blocks").GetInt32() >= 2), TimeSpan.FromSeconds(60));
            var summary = detail.GetProperty("experiment");
            Assert.Equal("running", summary.GetProperty("state").GetString());
            Assert.Equal(["q98", "q90"], summary.GetProperty("variants").EnumerateArray().Select(v => v.GetString()));
            Assert.All(detail.GetProperty("variants").EnumerateArray(), v => Assert.True(v.GetProperty("blocks").GetInt32() >= 2, v.ToString()));
            Assert.All(detail.GetProperty("variants").EnumerateArray(), v => Assert.True(v.GetProperty("totalCostUsd").GetDecimal() > 0, v.ToString()));

            // Blocks follow the design's seeded order, and each measured 30m - 10m washout once complete.
            var blocks = detail.GetProperty("blocks").EnumerateArray().Where(b => b.GetProperty("complete").GetBoolean()).ToList();
            Assert.Contains(blocks, b => b.GetProperty("measuredMinutes").GetDouble() is > 19.9 and < 20.1);
            var comparison = Assert.Single(detail.GetProperty("comparisons").EnumerateArray());
            Assert.Equal("q90", comparison.GetProperty("variant").GetString());
            Assert.True(comparison.GetProperty("pairs").GetInt32() >= 1);
            Assert.Single(detail.GetProperty("guardrails").EnumerateArray());

            // Decisions name the variant in force (the variant column) and the experiment in their JSON.
            var q90 = await GetAsync(host, "/api/v1/decisions?service=shop&variant=q90&limit=5");
            var decision = q90.GetProperty("items")[0].GetProperty("decision");
            Assert.Equal("coverage", decision.GetProperty("experiment").GetString());
            Assert.Equal("q90", decision.GetProperty("variant").GetString());

            // The experiment and block are columns too: filtering on them returns that block's decisions only, all of
            // its variant, and the dashboard's decision table shows both.
            var block = decision.GetProperty("block").GetInt64();
            var inBlock = (await GetAsync(host, $"/api/v1/decisions?service=shop&experiment=coverage&block={block}&limit=100")).GetProperty("items");
            Assert.Contains(inBlock.EnumerateArray(), i => i.GetProperty("decision").GetProperty("id").GetString() == decision.GetProperty("id").GetString());
            Assert.All(inBlock.EnumerateArray(), i => Assert.Equal((block, "q90"), (i.GetProperty("decision").GetProperty("block").GetInt64(), i.GetProperty("decision").GetProperty("variant").GetString())));
            Assert.Equal(0, (await GetAsync(host, "/api/v1/decisions?service=shop&experiment=nope")).GetProperty("items").GetArrayLength());
            var table = await host.Http.GetStringAsync($"/services/shop?experiment=coverage&block={block}");
            Assert.Contains("<th>experiment</th><th>block</th>", table);
            Assert.Contains($"<td class=\"variant\">q90</td><td class=\"experiment\">coverage</td><td class=\"block num\">{block}</td>", table);

            // A bad experiment edit is rejected whole with its location; the running experiment keeps running.
            await File.WriteAllTextAsync(Path.Combine(policies, "bad.yaml"), """
                experiments:
                  - name: broken
                    service: shop
                    variants:
                      - name: a
                      - name: b
                        overrides: {tick: 5m}
                """);
            var health = await Eventually.WaitAsync(() => GetAsync(host, "/healthz"),
                h => h.TryGetProperty("policyError", out var e) && e.ValueKind == JsonValueKind.String, TimeSpan.FromSeconds(20));
            var error = health.GetProperty("policyError").GetString()!;
            Assert.Contains("bad.yaml:7:", error);
            Assert.Contains("overrides.tick", error);
            var list = await GetAsync(host, "/api/v1/experiments");
            Assert.Equal("coverage", Assert.Single(list.GetProperty("experiments").EnumerateArray()).GetProperty("name").GetString());
            File.Delete(Path.Combine(policies, "bad.yaml"));

            summary = (await GetAsync(host, "/api/v1/experiments/coverage")).GetProperty("experiment");
            run = summary.GetProperty("run").GetString()!;
            start = summary.GetProperty("start").GetDateTimeOffset();
            blocksBefore = summary.GetProperty("blocksCompleted").GetInt32();
        }

        await using var second = await TestHost.StartAsync(data, policies, null, Settings);
        var resumed = await Eventually.WaitAsync(() => GetAsync(second, "/api/v1/experiments/coverage"),
            d => d.GetProperty("experiment").GetProperty("blocksCompleted").GetInt32() > blocksBefore, TimeSpan.FromSeconds(30));
        var again = resumed.GetProperty("experiment");
        Assert.Equal(run, again.GetProperty("run").GetString());
        Assert.Equal(start, again.GetProperty("start").GetDateTimeOffset());
        Assert.True(again.GetProperty("blocksCompleted").GetInt32() > blocksBefore);
        // The blocks measured before the restart are still there.
        Assert.Contains(resumed.GetProperty("blocks").EnumerateArray(), b => b.GetProperty("block").GetInt64() == 0);
    }

    [PostgresFact]
    public async Task Switchback_OnPostgres_AnotherReplicaContinuesTheRun()
    {
        using var cluster = PostgresCluster.Start();
        string[] settings = [.. Settings, "--DecisionLog:Provider=postgres", $"--DecisionLog:ConnectionString={cluster.CreateDatabase()}"];
        var policies = Path.Combine(_dir, "policies");
        Directory.CreateDirectory(policies);
        await File.WriteAllTextAsync(Path.Combine(policies, "coverage.yaml"), Experiment);

        var first = Path.Combine(_dir, "replica-a");
        JsonElement before;
        await using (var a = await TestHost.StartAsync(first, policies, null, settings))
        {
            before = (await Eventually.WaitAsync(() => GetAsync(a, "/api/v1/experiments/coverage"),
                d => d.GetProperty("experiment").GetProperty("blocksCompleted").GetInt32() >= 3, TimeSpan.FromSeconds(60))).GetProperty("experiment");
            Assert.True(before.GetProperty("blocksCompleted").GetInt32() >= 3);
        }

        // Another replica (its own data directory, the same database and, like replicas on the wall clock, the same clock).
        var second = Path.Combine(_dir, "replica-b");
        Directory.CreateDirectory(second);
        File.Copy(Path.Combine(first, "clock-anchor.txt"), Path.Combine(second, "clock-anchor.txt"));
        await using var b = await TestHost.StartAsync(second, policies, null, settings);
        var after = await Eventually.WaitAsync(() => GetAsync(b, "/api/v1/experiments/coverage"),
            d => d.GetProperty("experiment").GetProperty("blocksCompleted").GetInt32() > before.GetProperty("blocksCompleted").GetInt32(), TimeSpan.FromSeconds(30));
        Assert.Equal(before.GetProperty("run").GetString(), after.GetProperty("experiment").GetProperty("run").GetString());
        Assert.Equal(before.GetProperty("start").GetDateTimeOffset(), after.GetProperty("experiment").GetProperty("start").GetDateTimeOffset());
        Assert.True(after.GetProperty("experiment").GetProperty("blocksCompleted").GetInt32() > before.GetProperty("blocksCompleted").GetInt32());
        Assert.Contains(after.GetProperty("blocks").EnumerateArray(), x => x.GetProperty("block").GetInt64() == 0 && x.GetProperty("complete").GetBoolean());
    }

    [Fact]
    public async Task Promote_ByOperator_ServiceRunsTheWinnerThroughAReload_AnalystIsRefused()
    {
        const string analyst = "analyst-key-for-experiments";
        const string operatorKey = "operator-key-for-experiments";
        var policies = Path.Combine(_dir, "policies");
        Directory.CreateDirectory(policies);
        await File.WriteAllTextAsync(Path.Combine(policies, "coverage.yaml"), Experiment);
        await using var host = await TestHost.StartAsync(Path.Combine(_dir, "data"), policies, null, [.. Settings,
            $"--Access:Keys:reader:Sha256={Dso.Controller.Web.Access.AccessKeyStore.Hash(analyst)}", "--Access:Keys:reader:Role=analyst",
            $"--Access:Keys:ops:Sha256={Dso.Controller.Web.Access.AccessKeyStore.Hash(operatorKey)}", "--Access:Keys:ops:Role=operator"]);
        host.Http.DefaultRequestHeaders.Add("X-Api-Key", analyst);
        await Eventually.WaitAsync(() => GetAsync(host, "/api/v1/experiments/coverage"),
            d => d.GetProperty("experiment").GetProperty("currentBlock").ValueKind == JsonValueKind.Number, TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.Forbidden, (await host.Http.PostAsync("/api/v1/experiments/coverage/promote?variant=q90", null)).StatusCode);

        using var asOperator = new HttpRequestMessage(HttpMethod.Post, "/api/v1/experiments/coverage/promote?variant=q90");
        asOperator.Headers.Remove("X-Api-Key");
        asOperator.Headers.Add("Authorization", $"Bearer {operatorKey}");
        using var client = new HttpClient { BaseAddress = host.Http.BaseAddress };
        var promoted = await client.SendAsync(asOperator);
        var body = await promoted.Content.ReadAsStringAsync();
        Assert.True(promoted.IsSuccessStatusCode, body);
        var summary = JsonDocument.Parse(body).RootElement;
        Assert.Equal("promoted", summary.GetProperty("state").GetString());
        Assert.Contains("coverage_quantile: 0.9", summary.GetProperty("recommendation").GetProperty("policyChange").GetString());

        var loops = host.App.Services.GetRequiredService<Dso.Controller.Hosting.LoopRegistry>();
        Assert.True(loops.TryGet("shop", out var loop));
        Assert.Equal(0.9, loop.Policy.Strategy.Get("coverage_quantile", 0));
        Assert.Null(loop.Arms?.ArmAt(DateTimeOffset.MaxValue.AddDays(-1)));
    }

    [Fact]
    public async Task KeepControl_IsADecision_RepeatingItOrPromotingAfterItIs409()
    {
        const string operatorKey = "operator-key-for-keep-control";
        var policies = Path.Combine(_dir, "policies");
        Directory.CreateDirectory(policies);
        await File.WriteAllTextAsync(Path.Combine(policies, "coverage.yaml"), Experiment);
        await using var host = await TestHost.StartAsync(Path.Combine(_dir, "data"), policies, null, [.. Settings,
            $"--Access:Keys:ops:Sha256={Dso.Controller.Web.Access.AccessKeyStore.Hash(operatorKey)}", "--Access:Keys:ops:Role=operator"]);
        using var client = new HttpClient { BaseAddress = host.Http.BaseAddress };
        client.DefaultRequestHeaders.Add("Authorization", $"Bearer {operatorKey}");
        host.Http.DefaultRequestHeaders.Add("X-Api-Key", operatorKey);
        await Eventually.WaitAsync(() => GetAsync(host, "/api/v1/experiments/coverage"),
            d => d.GetProperty("experiment").GetProperty("currentBlock").ValueKind == JsonValueKind.Number, TimeSpan.FromSeconds(20));

        var kept = await client.PostAsync("/api/v1/experiments/coverage/promote?variant=q98", null);
        var again = await client.PostAsync("/api/v1/experiments/coverage/promote?variant=q98", null);
        var overruled = await client.PostAsync("/api/v1/experiments/coverage/promote?variant=q90", null);

        Assert.True(kept.IsSuccessStatusCode, await kept.Content.ReadAsStringAsync());
        Assert.Equal("ended", JsonDocument.Parse(await kept.Content.ReadAsStringAsync()).RootElement.GetProperty("state").GetString());
        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.Conflict), (again.StatusCode, overruled.StatusCode));
        Assert.Contains("is decided: control 'q98' kept", await overruled.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Api_BadParameterOrUnknownExperiment_IsNamed()
    {
        var policies = Path.Combine(_dir, "policies");
        Directory.CreateDirectory(policies);
        await File.WriteAllTextAsync(Path.Combine(policies, "coverage.yaml"), Experiment);
        await using var host = await TestHost.StartAsync(Path.Combine(_dir, "data"), policies, null, Settings);

        var bad = await host.Http.GetAsync("/api/v1/experiments?state=bogus");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("state", JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("parameter").GetString());

        var metric = await host.Http.GetAsync("/api/v1/experiments/coverage?metric=latency");
        Assert.Equal(HttpStatusCode.BadRequest, metric.StatusCode);
        Assert.Equal("metric", JsonDocument.Parse(await metric.Content.ReadAsStringAsync()).RootElement.GetProperty("parameter").GetString());

        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync("/api/v1/experiments/nope")).StatusCode);

        // Writes are operator-only: without an operator key the loopback reader is refused.
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Http.PostAsync("/api/v1/experiments/coverage/stop", null)).StatusCode);

        // The issue's unversioned paths answer the same.
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/api/experiments/coverage")).StatusCode);
        Assert.Equal("state", JsonDocument.Parse(await (await host.Http.GetAsync("/api/experiments?state=x")).Content.ReadAsStringAsync()).RootElement.GetProperty("parameter").GetString());

        var openApi = await host.Http.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/v1/experiments/{name}", openApi);
        Assert.Contains("/api/v1/experiments/{name}/promote", openApi);

        var metrics = await host.Http.GetStringAsync("/metrics");
        Assert.Contains("dso_experiment_state{experiment=\"coverage\",state=\"running\"} 1", metrics);
    }

    private static async Task<JsonElement> GetAsync(TestHost host, string path)
    {
        var response = await host.Http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
