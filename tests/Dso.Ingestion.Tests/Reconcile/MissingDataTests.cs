using Dso.Ingestion.Push;
using Dso.Ingestion.Store;
using Dso.Ingestion.Tests.Fakes;

namespace Dso.Ingestion.Tests.Reconcile;

/// <summary>Missing data is not zero: a gap in the KPIs holds the fleet (and says why); data coming back resumes deciding.</summary>
public sealed class MissingDataTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);
    private readonly ManualClock _clock = new(Start);
    private readonly SeriesStore _store = new(new SeriesStoreOptions());

    private void Push(double rps) => _store.Append("shop", "request_rate", _clock.GetUtcNow().AddSeconds(-10), rps);

    [Fact]
    public async Task Tick_PushGapThenRecovery_HoldsWithReasonThenDecidesAgain()
    {
        var source = new PushMetricSource(_store, [], TimeSpan.FromMinutes(2));
        var (loop, _) = TestLoops.Create(TestLoops.Policy("push"), source, _clock);

        Push(50);
        var before = await loop.TickAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(5));
        var gap = await loop.TickAsync(CancellationToken.None);
        Push(50);
        var after = await loop.TickAsync(CancellationToken.None);

        Assert.False(before.Decision.Held);
        Assert.Equal(50, before.Decision.Kpis["request_rate"]);
        Assert.True(gap.Decision.Held);
        Assert.Equal(gap.Decision.Before, gap.Decision.Chosen);
        Assert.Equal(before.Decision.Chosen.Total, gap.Decision.Chosen.Total);
        Assert.Contains("holding the fleet", gap.Decision.Reason, StringComparison.Ordinal);
        Assert.Contains("no samples pushed for 'shop'", gap.Decision.Reason, StringComparison.Ordinal);
        Assert.False(after.Decision.Held);
        Assert.Equal(before.Decision.Chosen.Total, after.Decision.Chosen.Total);
    }

    [Fact]
    public async Task Tick_ZeroDemandPushed_ScalesInUnlikeAGap()
    {
        // The contrast that makes the gap test meaningful: a real zero does scale in.
        var (loop, _) = TestLoops.Create(TestLoops.Policy("push"), new PushMetricSource(_store, [], TimeSpan.FromMinutes(2)), _clock);

        Push(0);
        var result = await loop.TickAsync(CancellationToken.None);

        Assert.False(result.Decision.Held);
        Assert.True(result.Decision.Chosen.Total < result.Decision.Before.Total);
    }

    [Fact]
    public async Task Tick_OnlyBusinessKpisFresh_HoldsButLogsThem()
    {
        var (loop, _) = TestLoops.Create(TestLoops.Policy("push"), new PushMetricSource(_store, [], TimeSpan.FromMinutes(2)), _clock);
        Push(50);
        _clock.Advance(TimeSpan.FromMinutes(5));
        _store.Append("shop", "conversion_rate", _clock.GetUtcNow(), 0.031);

        var result = await loop.TickAsync(CancellationToken.None);

        Assert.True(result.Decision.Held);
        Assert.Equal(0.031, result.Decision.Kpis["conversion_rate"]);
        Assert.Contains("'request_rate' is stale", result.Decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tick_BusinessKpisPushed_PassThroughToTheDecision()
    {
        var (loop, _) = TestLoops.Create(TestLoops.Policy("push"), new PushMetricSource(_store, [], TimeSpan.FromMinutes(2)), _clock);
        Push(50);
        _store.Append("shop", "revenue_per_transaction", _clock.GetUtcNow(), 42);

        var result = await loop.TickAsync(CancellationToken.None);

        Assert.Equal(42, result.Decision.Kpis["revenue_per_transaction"]);
    }

    [Fact]
    public async Task Tick_SourceDownWithFallback_GoesToFallbackSize()
    {
        var policy = TestLoops.Policy("push", initial: 2, fallback: 6);
        var (loop, _) = TestLoops.Create(policy, new PushMetricSource(_store, [], TimeSpan.FromMinutes(2)), _clock);

        var result = await loop.TickAsync(CancellationToken.None);

        Assert.True(result.Decision.Held);
        Assert.Equal(6, result.Decision.Chosen.Total);
        Assert.Contains("fallback of 6", result.Decision.Reason, StringComparison.Ordinal);
    }
}
