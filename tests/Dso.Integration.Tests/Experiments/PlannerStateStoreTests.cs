using Dso.Abstractions.Decisions;
using Dso.DecisionLog;
using Dso.Integration.Tests.Infrastructure;
using Dso.Testing;

namespace Dso.Integration.Tests.Experiments;

/// <summary>
/// The planner state table behaves alike on SQLite and PostgreSQL: one row per service, replaced by each save, bytes
/// returned exactly, and read by a second store on the same database (a restarted service, another replica).
/// </summary>
public sealed class PlannerStateStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _dir = Directory.CreateTempSubdirectory("dso-planner-state-").FullName;

    [Fact]
    public async Task Sqlite_SaveReplaceAndReadBack_AreSharedBetweenStores()
    {
        var path = Path.Combine(_dir, "decisions.db");
        using var first = new SqliteDecisionLog(new SqliteDecisionLogOptions(path));
        using var second = new SqliteDecisionLog(new SqliteDecisionLogOptions(path));
        await RoundTripAsync(first, second);
    }

    [PostgresFact]
    public async Task Postgres_SaveReplaceAndReadBack_AreSharedBetweenReplicas()
    {
        using var cluster = PostgresCluster.Start();
        var connection = cluster.CreateDatabase();
        using var first = new PostgresDecisionLog(new PostgresDecisionLogOptions(connection));
        using var second = new PostgresDecisionLog(new PostgresDecisionLogOptions(connection));
        await RoundTripAsync(first, second);
    }

    private static async Task RoundTripAsync(IPlannerStateStore first, IPlannerStateStore second)
    {
        var ct = CancellationToken.None;
        Assert.Null(await second.LoadPlannerStateAsync("shop", ct));

        // A state the size a minute-tick planner saves (its week of demand history), every byte value in it.
        var state = new byte[400_000];
        new Random(5).NextBytes(state);
        await first.SavePlannerStateAsync(new PlannerStateRecord("shop", T0, "{\"Policy\":\"a\"}", [1, 2, 3]), ct);
        await first.SavePlannerStateAsync(new PlannerStateRecord("shop", T0.AddMinutes(1), "{\"Policy\":\"b\"}", state), ct);
        await first.SavePlannerStateAsync(new PlannerStateRecord("checkout", T0, "{}", [0]), ct);

        var read = await second.LoadPlannerStateAsync("shop", ct);
        Assert.NotNull(read);
        Assert.Equal(T0.AddMinutes(1), read.SavedAt);
        Assert.Equal("{\"Policy\":\"b\"}", read.Lineage);
        Assert.Equal(state, read.State);
        var other = await second.LoadPlannerStateAsync("checkout", ct);
        Assert.Equal(new byte[] { 0 }, other!.State);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
