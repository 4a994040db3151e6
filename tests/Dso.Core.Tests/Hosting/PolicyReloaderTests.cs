using Dso.Abstractions.Decisions;
using Dso.Controller.Composition;
using Dso.Controller.Hosting;
using Dso.Core.Tests.Reconcile;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Quartz;

namespace Dso.Core.Tests.Hosting;

/// <summary>The reloader's own loop survives failures outside the policy too (here: the decision log refusing writes).</summary>
public sealed class PolicyReloaderTests : IDisposable
{
    private readonly TestTraces _dir = new();

    [Fact]
    public async Task Loop_ReportingARejectionThrows_KeepsPollingAndLaterEditsApply()
    {
        var (app, reloader, log, policies) = await StartAsync(failEvents: false);
        await using var _ = app;
        var file = Path.Combine(policies, "shop.yaml");
        var loops = app.Services.GetRequiredService<LoopRegistry>();
        try
        {
            await WaitUntilAsync(() => reloader.Checks >= 1);
            var good = loops.Current.Version;

            // Every event append throws from now on: the rejection cannot be logged, and the reloader must not die of it.
            log.Fail = true;
            await File.WriteAllTextAsync(file, DefaultPolicy.Text().Replace("coverage_quantile: 0.98", "coverage_quantile: 1.5", StringComparison.Ordinal));
            await WaitUntilAsync(() => reloader.Checks >= 2);
            Assert.Equal(good, loops.Current.Version);
            Assert.Contains("coverage_quantile: must be in (0.5, 1) (was 1.5)", reloader.LastError);
            Assert.False(reloader.ExecuteTask!.IsCompleted, "the reloader's loop ended");

            log.Fail = false;
            await File.WriteAllTextAsync(file, DefaultPolicy.Text().Replace("monthly_usd: 900", "monthly_usd: 901", StringComparison.Ordinal));
            await WaitUntilAsync(() => reloader.Checks >= 3);
            Assert.Null(reloader.LastError);
            Assert.NotEqual(good, loops.Current.Version);
        }
        finally
        {
            await reloader.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// A policy file caught while it is written is left for the next poll, not rejected: the poll loads a change once
    /// two polls in a row read it the same (a CI run once caught shop.yaml half-written and reported that, not the
    /// edit's own error). A broken edit that stays is still rejected, one poll later.
    /// </summary>
    [Fact]
    public async Task Poll_FileCaughtHalfWritten_IsLeftForTheNextPollNotRejected()
    {
        // An hour between the loop's own polls: only the start's load and the polls below run.
        var (app, reloader, _, policies) = await StartAsync(failEvents: false, interval: "01:00:00");
        await using var _app = app;
        var file = Path.Combine(policies, "shop.yaml");
        var loops = app.Services.GetRequiredService<LoopRegistry>();
        try
        {
            await WaitUntilAsync(() => reloader.Checks >= 1);
            var good = loops.Current.Version;
            var edit = DefaultPolicy.Text().Replace("monthly_usd: 900", "monthly_usd: 950", StringComparison.Ordinal);

            await File.WriteAllTextAsync(file, edit[..(edit.Length / 2)]);
            await reloader.PollOnceAsync(CancellationToken.None);
            Assert.Null(reloader.LastError);
            Assert.Equal(1, reloader.Checks);

            await File.WriteAllTextAsync(file, edit);
            await reloader.PollOnceAsync(CancellationToken.None);
            Assert.Null(reloader.LastError);
            Assert.Equal(good, loops.Current.Version);

            await reloader.PollOnceAsync(CancellationToken.None);
            Assert.Null(reloader.LastError);
            Assert.Equal(2, reloader.Checks);
            Assert.NotEqual(good, loops.Current.Version);

            await File.WriteAllTextAsync(file, edit.Replace("monthly_usd: 950", "monthly_usd: -5", StringComparison.Ordinal));
            await reloader.PollOnceAsync(CancellationToken.None);
            Assert.Null(reloader.LastError);
            await reloader.PollOnceAsync(CancellationToken.None);
            Assert.Contains("budget.monthly_usd: must be positive (was -5)", reloader.LastError);
        }
        finally
        {
            await reloader.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// A policy the service runs but not as written (here max_hourly_usd below what min_instances cost, so min_instances
    /// wins on every tick) is loaded, and the policy_loaded event carries the same warning `dso validate` prints.
    /// </summary>
    [Fact]
    public async Task Load_PolicyWithAWarning_IsAppliedAndTheEventSaysWhatWillHappenInstead()
    {
        var (app, reloader, log, policies) = await StartAsync(failEvents: false, interval: "01:00:00");
        await using var _app = app;
        var file = Path.Combine(policies, "shop.yaml");
        var loops = app.Services.GetRequiredService<LoopRegistry>();
        try
        {
            await WaitUntilAsync(() => reloader.Checks >= 1);
            Assert.DoesNotContain(log.Events, e => e.Message.Contains("warning:", StringComparison.Ordinal));
            var good = loops.Current.Version;

            // Two c7g.large ($0.145/h) under a $0.10/h cap.
            await File.WriteAllTextAsync(file, DefaultPolicy.Text().Replace("max_step: 20", "max_step: 20\n      max_hourly_usd: 0.10", StringComparison.Ordinal));
            await reloader.ReloadIfChangedAsync(CancellationToken.None);

            Assert.Null(reloader.LastError);
            Assert.NotEqual(good, loops.Current.Version);
            var loaded = log.Events.Last(e => e.Kind == "policy_loaded").Message;
            Assert.Contains("; warning: ", loaded, StringComparison.Ordinal);
            Assert.Contains("limits.max_hourly_usd: 0.10 USD/h is below min_instances 2 × c7g.large", loaded, StringComparison.Ordinal);
        }
        finally
        {
            await reloader.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Load_EventWriteFails_TheAppliedServicesAreStillScheduled()
    {
        // A read-only decision log once left the set applied but no loop scheduled: up, and never deciding.
        var (app, reloader, log, _) = await StartAsync(failEvents: true);
        await using (app)
        {
            try
            {
                await WaitUntilAsync(() => reloader.Checks >= 1);
                var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
                Assert.NotNull(await scheduler.GetJobDetail(new JobKey("shop", "reconcile")));
                Assert.Null(reloader.LastError);
            }
            finally
            {
                await reloader.StopAsync(CancellationToken.None);
            }
        }
    }

    [Fact]
    public async Task Files_Vanish_TheLastGoodSetStaysAndTheErrorSaysWhy()
    {
        var (app, reloader, _, policies) = await StartAsync(failEvents: false);
        await using (app)
        {
            try
            {
                await WaitUntilAsync(() => reloader.Checks >= 1);
                var loops = app.Services.GetRequiredService<LoopRegistry>();
                var good = loops.Current.Version;

                File.Delete(Path.Combine(policies, "shop.yaml"));
                await WaitUntilAsync(() => reloader.Checks >= 2);

                Assert.Equal(good, loops.Current.Version);
                Assert.Contains("no policy file any more", reloader.LastError);
                Assert.Contains($"version {good} stays in force", reloader.LastError);
            }
            finally
            {
                await reloader.StopAsync(CancellationToken.None);
            }
        }
    }

    [Fact]
    public async Task Calendar_EditedWithBadRows_TheLastGoodSetStaysAndTheErrorListsEveryRow()
    {
        var (app, reloader, _, policies) = await StartAsync(failEvents: false);
        await using (app)
        {
            try
            {
                await WaitUntilAsync(() => reloader.Checks >= 1);
                var loops = app.Services.GetRequiredService<LoopRegistry>();
                var calendar = Path.Combine(policies, "shop.events.yaml");
                await File.WriteAllTextAsync(calendar, "events:\n  - {name: sale, start: 2026-11-27T00:00:00Z, end: 2026-11-28T00:00:00Z, multiplier: 2}\n");
                await File.WriteAllTextAsync(Path.Combine(policies, "shop.yaml"), DefaultPolicy.Text().Replace("    tick: 1m\n", "    tick: 1m\n    events_file: shop.events.yaml\n", StringComparison.Ordinal));
                await WaitUntilAsync(() => reloader.Checks >= 2);
                Assert.Null(reloader.LastError);
                var good = loops.Current;

                await File.WriteAllTextAsync(calendar, """
                    events:
                      - {name: a, start: 2026-11-27T00:00:00Z, end: 2026-11-26T00:00:00Z, multiplier: 2}
                      - {name: b, start: tomorrow, end: 2026-12-26T00:00:00Z, multiplier: 2}
                      - {name: c, start: 2026-12-25T00:00:00Z, end: 2026-12-26T00:00:00Z, multiplier: -3}
                    """);
                await WaitUntilAsync(() => reloader.Checks >= 3);

                // The calendar is not part of the set's version: the set in force must be the very one accepted before.
                Assert.Same(good, loops.Current);
                Assert.Contains($"{calendar}:2:49: service 'shop': events_file: event 'a'", reloader.LastError);
                Assert.Contains($"{calendar}:3:22: service 'shop': events_file: event 'b'", reloader.LastError);
                Assert.Contains($"{calendar}:4:83: service 'shop': events_file: event 'c'", reloader.LastError);
            }
            finally
            {
                await reloader.StopAsync(CancellationToken.None);
            }
        }
    }

    private async Task<(Microsoft.AspNetCore.Builder.WebApplication App, PolicyReloader Reloader, FailingEventLog Log, string Policies)> StartAsync(bool failEvents, string interval = "00:00:00.1")
    {
        var policies = Directory.CreateDirectory(Path.Combine(_dir.Root, "policies")).FullName;
        await File.WriteAllTextAsync(Path.Combine(policies, "shop.yaml"), DefaultPolicy.Text());
        var app = ServiceHost.Build([
            $"--Dso:DataDirectory={Path.Combine(_dir.Root, "data")}", $"--Dso:PoliciesPath={policies}", "--Dso:Listen=http://127.0.0.1:0",
            $"--Dso:PolicyReloadInterval={interval}", $"--Dso:ModelsDirectory={Path.Combine(_dir.Root, "models")}",
        ]);
        var services = app.Services;
        var log = new FailingEventLog { Fail = failEvents };
        var reloader = new PolicyReloader(
            services.GetRequiredService<IOptions<DsoOptions>>(), services.GetRequiredService<PolicyAdmission>(), services.GetRequiredService<LoopRegistry>(),
            services.GetRequiredService<Dso.Controller.Experiments.ExperimentHost>(), services.GetRequiredService<ISchedulerFactory>(), log, services.GetRequiredService<ServiceClock>(), NullLogger<PolicyReloader>.Instance);
        await reloader.StartAsync(CancellationToken.None);
        return (app, reloader, log, policies);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 30 s");
            await Task.Delay(20);
        }
    }

    public void Dispose() => _dir.Dispose();

    private sealed class FailingEventLog : IDecisionLog
    {
        private readonly Dso.Testing.InMemoryDecisionLog _inner = new();

        public volatile bool Fail;

        public Task AppendAsync(ScalingDecision decision, CancellationToken cancellationToken) => _inner.AppendAsync(decision, cancellationToken);

        public Task RecordOutcomeAsync(DecisionOutcome outcome, CancellationToken cancellationToken) => _inner.RecordOutcomeAsync(outcome, cancellationToken);

        /// <summary>The events appended (kind, message), in order.</summary>
        public System.Collections.Concurrent.ConcurrentQueue<(string Kind, string Message)> Events { get; } = new();

        public Task AppendEventAsync(string service, DateTimeOffset at, string kind, string message, CancellationToken cancellationToken)
        {
            if (Fail)
            {
                throw new IOException("disk full while appending a policy event");
            }

            Events.Enqueue((kind, message));
            return _inner.AppendEventAsync(service, at, kind, message, cancellationToken);
        }

        public Task<IReadOnlyList<DecisionRecord>> RecentAsync(string? service, int limit, CancellationToken cancellationToken) => _inner.RecentAsync(service, limit, cancellationToken);

        public Task<DecisionRecord?> LastAsync(string service, CancellationToken cancellationToken) => _inner.LastAsync(service, cancellationToken);
    }
}
