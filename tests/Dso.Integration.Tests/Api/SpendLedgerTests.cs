using Dso.Abstractions.Decisions;
using Dso.DecisionLog;
using Dso.Integration.Tests.Infrastructure;

namespace Dso.Integration.Tests.Api;

/// <summary>Showback's source on both stores: the spend ledger grouped by the UTC day each entry ends in, with its reactive counterfactual.</summary>
public sealed class SpendLedgerTests : IDisposable
{
    private static readonly DateTimeOffset Midnight = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
    private readonly string _root = Directory.CreateTempSubdirectory("dso-spend-").FullName;

    [Fact]
    public async Task SpendByDay_Sqlite_GroupsTheLedgerByEndDayWithTheCounterfactual()
    {
        using var store = new SqliteDecisionLog(new SqliteDecisionLogOptions(Path.Combine(_root, "s.db")));
        await GroupsByEndDayAsync(store);
    }

    [PostgresFact]
    public async Task SpendByDay_Postgres_GroupsTheLedgerByEndDayWithTheCounterfactual()
    {
        using var cluster = PostgresCluster.Start();
        using var store = new PostgresDecisionLog(new PostgresDecisionLogOptions(cluster.CreateDatabase()));
        await GroupsByEndDayAsync(store);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file may be held for a moment.
        }
    }

    private static async Task GroupsByEndDayAsync(IDecisionStore store)
    {
        // Decisions alone are not spend: a day with decisions and no ledger entries shows nothing.
        await DecisionLogSeeder.SeedServiceAsync(new DecisionsOnly(store), "quiet", 0, Midnight.AddDays(-3), Midnight.AddDays(-2), TimeSpan.FromHours(1));

        await store.RecordSpendAsync(new SpendEntry("a", Midnight.AddHours(-2), Midnight.AddHours(-1), 1.25m, 1.25m, 2.00m), default);
        await store.RecordSpendAsync(new SpendEntry("a", Midnight.AddMinutes(-30), Midnight.AddMinutes(30), 0.50m, 0.50m, 0.80m), default);
        await store.RecordSpendAsync(new SpendEntry("a", Midnight.AddHours(1), Midnight.AddHours(2), 0.10m, 0.10m), default);
        await store.RecordSpendAsync(new SpendEntry("b", Midnight.AddHours(-5), Midnight.AddHours(-4), 3.00m, 3.00m, 3.50m), default);
        await store.RecordSpendAsync(new SpendEntry("b", Midnight.AddDays(2), Midnight.AddDays(2).AddHours(1), 9m, 9m, 9m), default);

        var days = await store.SpendByDayAsync(Midnight.AddDays(-5), Midnight.AddDays(1), default);
        Assert.Equal(
            [
                ("a", new DateOnly(2026, 11, 19), 1.25m, 2.00m, 1),
                ("b", new DateOnly(2026, 11, 19), 3.00m, 3.50m, 1),
                ("a", new DateOnly(2026, 11, 20), 0.60m, 0.90m, 2),
            ],
            days.Select(d => (d.Service, d.Day, decimal.Round(d.SpentUsd, 6), decimal.Round(d.ReactiveUsd, 6), d.Entries)).ToList());

        // The budget reads the same rows: from midnight on, service a spent what showback counts for that day.
        Assert.Equal(0.60m, (await store.SpendSinceAsync("a", Midnight, default)).Usd);
    }

    /// <summary>Passes decisions through and hides the ledger, so the seeder writes no spend.</summary>
    private sealed class DecisionsOnly(IDecisionLog log) : IDecisionLog
    {
        public Task AppendAsync(ScalingDecision decision, CancellationToken cancellationToken) => log.AppendAsync(decision, cancellationToken);

        public Task RecordOutcomeAsync(DecisionOutcome outcome, CancellationToken cancellationToken) => log.RecordOutcomeAsync(outcome, cancellationToken);

        public Task AppendEventAsync(string service, DateTimeOffset at, string kind, string message, CancellationToken cancellationToken) =>
            log.AppendEventAsync(service, at, kind, message, cancellationToken);

        public Task<IReadOnlyList<DecisionRecord>> RecentAsync(string? service, int limit, CancellationToken cancellationToken) => log.RecentAsync(service, limit, cancellationToken);

        public Task<DecisionRecord?> LastAsync(string service, CancellationToken cancellationToken) => log.LastAsync(service, cancellationToken);
    }
}
