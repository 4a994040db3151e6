using System.Text.Json;
using Dso.Controller.Composition;
using Dso.Controller.Hosting;
using Dso.Core.Tests.Policies;
using Dso.Core.Tests.Reconcile;
using Dso.Policies.Loading;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Dso.Core.Tests.Hosting;

/// <summary>
/// Mutated shipped policies against <c>dso validate</c>'s code path and the running service's reloader: both accept or
/// both reject with the same located errors, and no edit stops the host or applies part of a set.
/// </summary>
public sealed class PolicyFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int Mutants = 1200;
    private readonly TestTraces _dir = new();

    private string PoliciesDirectory => Path.Combine(_dir.Root, "policies");

    private string PolicyFile => Path.Combine(PoliciesDirectory, "policy.yaml");

    [Fact]
    public async Task ValidateAndServiceReloader_1200MutatedPolicies_AgreeAndEveryRejectionIsLocated()
    {
        await using var app = await StartAsync(reloadInterval: "01:00:00", clockSpeed: "1");
        var reloader = app.Services.GetRequiredService<PolicyReloader>();
        var loops = app.Services.GetRequiredService<LoopRegistry>();
        var validate = new PolicyAdmission(CheckingSourceFactories.Create());
        var bases = PolicyMutator.ShippedPolicies();
        var mutator = new PolicyMutator(seed: 20261130);
        var lastGood = loops.Current.Version;
        var (accepted, rejected) = (0, 0);
        foreach (var (name, text) in bases)
        {
            await File.WriteAllTextAsync(PolicyFile, text);
            Assert.NotNull(validate.Load(PoliciesDirectory));
        }

        for (var k = 0; k < Mutants; k++)
        {
            var (name, text) = bases[k % bases.Count];
            var (mutant, description) = mutator.Mutate(text);
            await File.WriteAllTextAsync(PolicyFile, mutant);
            var context = $"mutant {k} of {name} ({description})";

            string? validateError = null;
            string? version = null;
            try
            {
                version = validate.Load(PoliciesDirectory).Version;
            }
            catch (PolicyLoadException ex)
            {
                validateError = ex.Message;
                Assert.All(ex.Errors, e => Assert.True(e.File == PolicyFile && e.Line >= 1 && e.Column >= 1, $"{context}: unlocated error '{e}'"));
            }

            var checks = reloader.Checks;
            await reloader.ReloadIfChangedAsync(CancellationToken.None);
            Assert.True(reloader.Checks == checks + 1, $"{context}: the reloader did not see the edit");
            Assert.True(validateError == reloader.LastError, $"{context}: validate said '{validateError ?? "ok"}' but the service said '{reloader.LastError ?? "ok"}'");
            if (validateError is null)
            {
                Assert.Equal(version, loops.Current.Version);
                lastGood = version!;
                accepted++;
            }
            else
            {
                Assert.True(lastGood == loops.Current.Version, $"{context}: a rejected set changed the version in force");
                rejected++;
            }
        }

        output.WriteLine($"{Mutants} mutants: {accepted} accepted by both, {rejected} rejected by both with located errors");
        Assert.True(rejected > Mutants / 2 && accepted > Mutants / 20, $"mutants should exercise both outcomes ({accepted} accepted, {rejected} rejected)");
        Assert.False(app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
    }

    [Fact]
    public async Task RunningHost_StreamOfEdits_NeverStopsAndNeverAppliesPartOfASet()
    {
        await using var app = await StartAsync(reloadInterval: "00:00:00.1", clockSpeed: "120");
        using var http = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
        var reloader = app.Services.GetRequiredService<PolicyReloader>();
        var loader = Plugins.PolicyLoader();
        var good = DefaultPolicy.Text();
        var lastGood = (await Health(http)).GetProperty("policyVersion").GetString();
        var lastGoodServices = "shop";

        // The issue's own edits first, then mutants of every shipped policy.
        var edits = new List<string>
        {
            good.Replace("coverage_quantile: 0.98", "coverage_quantile: 1.5", StringComparison.Ordinal),
            good.Replace("    tick: 1m\n", "    tick: [1m\n", StringComparison.Ordinal),
            good.Replace("coverage_quantile: 0.98", "coverage_quantlie: 0.9", StringComparison.Ordinal),
            good.Replace("coverage_quantile: 0.98", "coverage_quantile: -3", StringComparison.Ordinal),
        };
        var mutator = new PolicyMutator(seed: 7);
        var bases = PolicyMutator.ShippedPolicies();
        edits.AddRange(Enumerable.Range(0, 60).Select(i => mutator.Mutate(bases[i % bases.Count].Text).Text));
        var (accepted, rejected) = (0, 0);

        foreach (var (edit, index) in edits.Select((e, i) => (e, i)))
        {
            var checks = reloader.Checks;
            await File.WriteAllTextAsync(PolicyFile, edit);
            await WaitUntilAsync(() => reloader.Checks > checks, $"edit {index} was not checked");
            var health = await Health(http);
            var services = string.Join(",", (await GetJson(http, "/api/services")).EnumerateArray().Select(s => s.GetProperty("name").GetString()).Order(StringComparer.Ordinal));
            string? expected = null;
            try
            {
                var set = loader.Parse([(PolicyFile, edit)]);
                expected = set.Version;
            }
            catch (PolicyLoadException)
            {
            }

            if (health.GetProperty("policyError").ValueKind == JsonValueKind.String)
            {
                Assert.Equal(lastGood, health.GetProperty("policyVersion").GetString());
                Assert.Equal(lastGoodServices, services);
                Assert.Matches(@"policy\.yaml:\d+:\d+: ", health.GetProperty("policyError").GetString());
                rejected++;
            }
            else
            {
                Assert.NotNull(expected);
                Assert.Equal(expected, health.GetProperty("policyVersion").GetString());
                lastGood = expected;
                lastGoodServices = services;
                accepted++;
            }

            Assert.False(app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested, $"edit {index} stopped the host");
        }

        output.WriteLine($"{edits.Count} edits streamed: {accepted} applied, {rejected} rejected; host still running");
        Assert.True(rejected >= 4);

        // Still deciding: a good policy after the stream is applied and ticks continue.
        await File.WriteAllTextAsync(PolicyFile, good.Replace("monthly_usd: 900", "monthly_usd: 901", StringComparison.Ordinal));
        await WaitUntilAsync(async () => (await Health(http)).GetProperty("policyError").ValueKind == JsonValueKind.Null, "the good edit after the stream was not applied");
        var before = (await GetJson(http, "/api/decisions?limit=1000")).GetArrayLength();
        await WaitUntilAsync(async () => (await GetJson(http, "/api/decisions?limit=1000")).GetArrayLength() > before, "no decision after the stream");
    }

    private async Task<WebApplication> StartAsync(string reloadInterval, string clockSpeed)
    {
        Directory.CreateDirectory(PoliciesDirectory);
        foreach (var calendar in Directory.GetFiles(Path.Combine(PolicyMutator.RepositoryRoot(), "policies"), "*.events.yaml"))
        {
            File.Copy(calendar, Path.Combine(PoliciesDirectory, Path.GetFileName(calendar)), overwrite: true);
        }

        await File.WriteAllTextAsync(PolicyFile, DefaultPolicy.Text());
        var app = ServiceHost.Build([
            $"--Dso:DataDirectory={Path.Combine(_dir.Root, "data")}",
            $"--Dso:PoliciesPath={PoliciesDirectory}",
            "--Dso:Listen=http://127.0.0.1:0",
            $"--Dso:ClockSpeed={clockSpeed}",
            $"--Dso:PolicyReloadInterval={reloadInterval}",
            $"--Dso:ModelsDirectory={Path.Combine(_dir.Root, "models")}",
            "--Logging:LogLevel:Default=Critical",
        ]);
        await app.StartAsync();
        await WaitUntilAsync(() => app.Services.GetRequiredService<PolicyReloader>().Checks > 0, "the first policy load");
        return app;
    }

    private static async Task<JsonElement> Health(HttpClient http) => await GetJson(http, "/healthz");

    private static async Task<JsonElement> GetJson(HttpClient http, string path) =>
        JsonDocument.Parse(await http.GetStringAsync(path)).RootElement.Clone();

    private static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} within 30 s");
            }

            await Task.Delay(50);
        }
    }

    public void Dispose() => _dir.Dispose();
}
