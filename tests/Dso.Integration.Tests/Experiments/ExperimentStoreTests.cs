using Dso.DecisionLog;
using Dso.DecisionLog.Experiments;
using Dso.Integration.Tests.Infrastructure;
using Dso.Testing;

namespace Dso.Integration.Tests.Experiments;

/// <summary>
/// The experiment tables behave alike on SQLite and PostgreSQL: the first writer's start wins (replicas starting
/// together agree on one run), blocks are upserted per (experiment, run, service, block), and a second store on the
/// same database (a restarted service, another replica) reads the same state.
/// </summary>
public sealed class ExperimentStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _dir = Directory.CreateTempSubdirectory("dso-experiment-store-").FullName;

    [Fact]
    public async Task Sqlite_StartSaveAndReadBack_AreSharedBetweenStores()
    {
        var path = Path.Combine(_dir, "decisions.db");
        using var first = new SqliteDecisionLog(new SqliteDecisionLogOptions(path));
        using var second = new SqliteDecisionLog(new SqliteDecisionLogOptions(path));
        await RoundTripAsync(first, second);
    }

    [PostgresFact]
    public async Task Postgres_StartSaveAndReadBack_AreSharedBetweenReplicas()
    {
        using var cluster = PostgresCluster.Start();
        var connection = cluster.CreateDatabase();
        using var first = new PostgresDecisionLog(new PostgresDecisionLogOptions(connection));
        using var second = new PostgresDecisionLog(new PostgresDecisionLogOptions(connection));
        await RoundTripAsync(first, second);
    }

    private static async Task RoundTripAsync(IExperimentStore first, IExperimentStore second)
    {
        var ct = CancellationToken.None;
        var mine = new ExperimentRecord("coverage", "run-a", T0, "running", [], null, "", T0);
        Assert.Equal(T0, (await first.StartExperimentAsync(mine, ct)).Start);
        // A replica starting later with its own clock adopts the first writer's start.
        var adopted = await second.StartExperimentAsync(mine with { Start = T0.AddMinutes(5) }, ct);
        Assert.Equal(T0, adopted.Start);
        Assert.Equal("run-a", adopted.Run);

        await first.SaveExperimentAsync(mine with { StoppedVariants = ["q90"], State = "promoted", Winner = "q80", Note = "variant 'q80' promoted" }, ct);
        var read = await second.FindExperimentAsync("coverage", ct);
        Assert.NotNull(read);
        Assert.Equal(["q90"], read.StoppedVariants);
        Assert.Equal("promoted", read.State);
        Assert.Equal("q80", read.Winner);
        Assert.Null(await second.FindExperimentAsync("nope", ct));

        var block = new ExperimentBlockRecord("coverage", "run-a", "shop", 3, "q90", T0.AddHours(3), 600, 900, 0.123456m, 1e6, 12.5, 60, 2, T0.AddHours(3.2));
        await first.SaveBlocksAsync([block, block with { Block = 4, Variant = "q98", Start = T0.AddHours(4) }], ct);
        await first.SaveBlocksAsync([block with { MeasuredSeconds = 2700, CostUsd = 0.5m, ScalingActions = 3 }], ct);
        await first.SaveBlocksAsync([block with { Run = "run-b" }], ct);

        var blocks = await second.BlocksAsync("coverage", "run-a", ct);
        Assert.Equal([3L, 4L], blocks.Select(b => b.Block));
        Assert.Equal(2700, blocks[0].MeasuredSeconds);
        Assert.Equal(0.5m, blocks[0].CostUsd);
        Assert.Equal(3, blocks[0].ScalingActions);
        Assert.Equal(T0.AddHours(3), blocks[0].Start);
        Assert.Equal("q98", blocks[1].Variant);
        Assert.Single(await second.BlocksAsync("coverage", "run-b", ct));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
