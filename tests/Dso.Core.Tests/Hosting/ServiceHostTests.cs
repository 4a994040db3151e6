using System.Net;
using System.Text.Json;
using Dso.Controller.Composition;
using Dso.Controller.Hosting;
using Dso.Core.Tests.Reconcile;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Dso.Core.Tests.Hosting;

/// <summary>The real service on loopback: endpoints, decisions on the accelerated clock, and hot reload.</summary>
public sealed class ServiceHostTests : IAsyncLifetime
{
    private readonly TestTraces _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private WebApplication? _app;

    private string PolicyFile => Path.Combine(_dir.Root, "policies", "shop.yaml");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(PolicyFile)!);
        await File.WriteAllTextAsync(PolicyFile, DefaultPolicy.Text());
        _app = ServiceHost.Build([
            $"--Dso:DataDirectory={Path.Combine(_dir.Root, "data")}",
            $"--Dso:PoliciesPath={Path.GetDirectoryName(PolicyFile)}",
            "--Dso:Listen=http://127.0.0.1:0",
            "--Dso:ClockSpeed=120",
            "--Dso:PolicyReloadInterval=00:00:00.2",
            $"--Dso:ModelsDirectory={Path.Combine(_dir.Root, "models")}",
        ]);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http.BaseAddress = new Uri(address);
    }

    [Fact]
    public async Task Service_OnDefaultPolicy_ServesHealthMetricsAndDecisions()
    {
        var health = await WaitForAsync(async () =>
        {
            var h = await GetJsonAsync("/healthz");
            return h.GetProperty("status").GetString() == "ok" ? h : (JsonElement?)null;
        });
        Assert.Contains("shop", health.GetProperty("services").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("ok", health.GetProperty("health").GetProperty("shop").GetProperty("state").GetString());
        var ready = await _http.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        var decisions = await WaitForAsync(async () =>
        {
            var list = await GetJsonAsync("/api/decisions?limit=50");
            return list.GetArrayLength() >= 3 ? list : (JsonElement?)null;
        });
        var first = decisions[0].GetProperty("decision");
        Assert.Equal("shop", first.GetProperty("service").GetString());
        Assert.False(string.IsNullOrEmpty(first.GetProperty("reason").GetString()));
        Assert.True(first.GetProperty("kpis").GetProperty("request_rate").GetDouble() > 0);

        var metrics = await _http.GetStringAsync("/metrics");
        Assert.Contains("dso_ticks_total{service=\"shop\"}", metrics);
        Assert.Contains("dso_fleet_hourly_cost_usd{service=\"shop\"}", metrics);
        Assert.Contains("dso_service_health{service=\"shop\",state=\"ok\"} 1", string.Join('\n', metrics.Split('\n').Where(l => l.StartsWith("dso_service_health", StringComparison.Ordinal))));
        var page = await _http.GetStringAsync("/");
        Assert.Contains("<table id=\"decisions\">", page);
        Assert.Contains("shop", page);
    }

    [Fact]
    public async Task Reload_BadEdit_RejectedAndLastGoodPolicyStays()
    {
        var before = await LoadedPolicyVersionAsync();
        await File.WriteAllTextAsync(PolicyFile, DefaultPolicy.Text().Replace("monthly_usd: 900", "monthly_usd: -5"));
        var rejected = await WaitForAsync(async () =>
        {
            var h = await GetJsonAsync("/healthz");
            return h.GetProperty("policyError").ValueKind == JsonValueKind.String ? h : (JsonElement?)null;
        });
        Assert.Contains("shop.yaml:", rejected.GetProperty("policyError").GetString());
        Assert.Contains("budget.monthly_usd: must be positive (was -5)", rejected.GetProperty("policyError").GetString());
        Assert.Equal(before, rejected.GetProperty("policyVersion").GetString());
        Assert.NotEqual("starting", rejected.GetProperty("status").GetString());

        await File.WriteAllTextAsync(PolicyFile, DefaultPolicy.Text().Replace("monthly_usd: 900", "monthly_usd: 950"));
        var accepted = await WaitForAsync(async () =>
        {
            var h = await GetJsonAsync("/healthz");
            return h.GetProperty("policyVersion").GetString() != before ? h : (JsonElement?)null;
        });
        Assert.Equal(JsonValueKind.Null, accepted.GetProperty("policyError").ValueKind);
    }

    /// <summary>
    /// A policy the service runs but not as written (max_hourly_usd below what min_instances cost: min_instances wins on
    /// every tick) is applied, and /healthz and the dashboard say what `dso validate` says; a clean edit clears it.
    /// </summary>
    [Fact]
    public async Task Reload_PolicyWithAWarning_AppliedAndTheWarningShownOnHealthAndDashboard()
    {
        var before = await LoadedPolicyVersionAsync();
        Assert.Equal(0, (await GetJsonAsync("/healthz")).GetProperty("policyWarnings").GetArrayLength());
        await File.WriteAllTextAsync(PolicyFile, DefaultPolicy.Text().Replace("max_step: 20", "max_step: 20\n      max_hourly_usd: 0.10"));
        var applied = await WaitForAsync(async () =>
        {
            var h = await GetJsonAsync("/healthz");
            return h.GetProperty("policyVersion").GetString() != before ? h : (JsonElement?)null;
        });
        Assert.Equal(JsonValueKind.Null, applied.GetProperty("policyError").ValueKind);
        var warning = Assert.Single(applied.GetProperty("policyWarnings").EnumerateArray()).GetString()!;
        Assert.Contains("limits.max_hourly_usd: 0.10 USD/h is below min_instances 2 × c7g.large", warning);
        var page = await _http.GetStringAsync("/");
        Assert.Contains("id=\"policy-warnings\"", page);
        Assert.Contains("min_instances wins", page);

        await File.WriteAllTextAsync(PolicyFile, DefaultPolicy.Text());
        await WaitForAsync(async () =>
        {
            var h = await GetJsonAsync("/healthz");
            return h.GetProperty("policyWarnings").GetArrayLength() == 0 ? h : (JsonElement?)null;
        });
        Assert.DoesNotContain("id=\"policy-warnings\"", await _http.GetStringAsync("/"));
    }

    [Fact]
    public async Task Service_UnknownPath_Returns404()
    {
        var response = await _http.GetAsync("/nope");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>
    /// The version of the policy the service loaded at start. StartAsync returns before the reloader's first load: a
    /// version read earlier is the empty set's, and the first load would pass for the edit a test waits for.
    /// </summary>
    private async Task<string> LoadedPolicyVersionAsync()
    {
        var health = await WaitForAsync(async () =>
        {
            var h = await GetJsonAsync("/healthz");
            return h.GetProperty("services").EnumerateArray().Any(s => s.GetString() == "shop") ? h : (JsonElement?)null;
        });
        return health.GetProperty("policyVersion").GetString()!;
    }

    private async Task<JsonElement> GetJsonAsync(string path) =>
        JsonDocument.Parse(await _http.GetStringAsync(path)).RootElement.Clone();

    private static async Task<JsonElement> WaitForAsync(Func<Task<JsonElement?>> probe)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("condition not met within 30 s");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _http.Dispose();
        _dir.Dispose();
    }
}
