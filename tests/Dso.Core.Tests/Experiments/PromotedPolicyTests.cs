using Dso.Controller.Composition;
using Dso.Controller.Experiments;
using Dso.Controller.Hosting;
using Dso.Core.Tests.Reconcile;
using Dso.DecisionLog;
using Dso.DecisionLog.Queries;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Dso.Core.Tests.Experiments;

/// <summary>
/// A promoted winner through the service's own path (the reloader re-applies the unchanged files and the registry lays
/// the winner over its services): the version in force names the promotion, the same after a restart; the
/// policy_loaded event says which service runs which variant; the decisions after it name the variant without an
/// experiment or block, so neither an analyst nor the experiment's analysis takes them for measured blocks.
/// </summary>
public sealed class PromotedPolicyTests : IDisposable
{
    private const string Experiment = """
        experiments:
          - name: coverage
            service: shop
            design: {kind: switchback, block: 30m, washout: 10m, seed: 7}
            variants:
              - name: q98
              - name: q90
                overrides:
                  strategy: {parameters: {coverage_quantile: 0.9}}
        """;

    private readonly TestTraces _dir = new();

    private string Policies => Path.Combine(_dir.Root, "policies");

    [Fact]
    public async Task Reload_AfterPromotion_VersionAndDecisionsNameTheWinner_AndARestartGivesTheSameVersion()
    {
        var ct = CancellationToken.None;
        string promotedVersion;
        await using (var app = await StartAsync())
        {
            var loops = app.Services.GetRequiredService<LoopRegistry>();
            var experiments = app.Services.GetRequiredService<ExperimentHost>();
            var store = app.Services.GetRequiredService<IDecisionStore>();
            var filesVersion = loops.Current.Version;

            experiments.Promote(Assert.Single(experiments.Runs), "q90", "test");
            await app.Services.GetRequiredService<PolicyReloader>().ReloadIfChangedAsync(ct);
            var promotedAt = app.Services.GetRequiredService<ServiceClock>().Time.GetUtcNow();

            promotedVersion = loops.Current.Version;
            Assert.Equal($"{filesVersion}+coverage:q90", promotedVersion);
            Assert.True(loops.TryGet("shop", out var loop));
            Assert.Equal(promotedVersion, loop.PolicyVersion);
            var loaded = await store.EventsAsync("*", "policy_loaded", null, null, 1, ct);
            Assert.StartsWith($"version {promotedVersion}: shop; shop runs variant 'q90' promoted by experiment 'coverage'", Assert.Single(loaded).Message);

            // Ticks run every 100 ms of wall time (a minute of service time at 600x).
            var after = await WaitForAsync(
                async () => (await store.QueryAsync(new DecisionQuery { Service = "shop", From = promotedAt }, ct)).Items,
                items => items.Count >= 2);
            Assert.All(after, r => Assert.Equal((promotedVersion, "q90", (string?)null, (long?)null),
                (r.Decision.PolicyVersion, r.Decision.Variant, r.Decision.Experiment, r.Decision.Block)));
            Assert.Empty((await store.QueryAsync(new DecisionQuery { Service = "shop", From = promotedAt, Experiment = "coverage" }, ct)).Items);
        }

        // The same promotion read back from the log on a restart gives the same version.
        await using var restarted = await StartAsync(writePolicies: false);
        Assert.Equal(promotedVersion, restarted.Services.GetRequiredService<LoopRegistry>().Current.Version);
    }

    private async Task<WebApplication> StartAsync(bool writePolicies = true)
    {
        if (writePolicies)
        {
            Directory.CreateDirectory(Policies);
            await File.WriteAllTextAsync(Path.Combine(Policies, "shop.yaml"), DefaultPolicy.Text());
            await File.WriteAllTextAsync(Path.Combine(Policies, "coverage.yaml"), Experiment);
        }

        var app = ServiceHost.Build([
            $"--Dso:DataDirectory={Path.Combine(_dir.Root, "data")}", $"--Dso:PoliciesPath={Policies}", "--Dso:Listen=http://127.0.0.1:0",
            "--Dso:ClockSpeed=600", "--Dso:PolicyReloadInterval=01:00:00", $"--Dso:ModelsDirectory={Path.Combine(_dir.Root, "models")}",
            "--Logging:LogLevel:Default=Critical",
        ]);
        await app.StartAsync();
        await WaitForAsync(() => Task.FromResult(app.Services.GetRequiredService<PolicyReloader>().Checks), checks => checks > 0);
        return app;
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not reached within 30 s (last: {value})");
            await Task.Delay(50);
        }
    }

    public void Dispose() => _dir.Dispose();
}
