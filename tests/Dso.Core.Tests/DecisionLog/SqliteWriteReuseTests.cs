using Dso.DecisionLog;
using Dso.DecisionLog.Queries;
using Dso.Testing;

namespace Dso.Core.Tests.DecisionLog;

/// <summary>
/// The SQLite log keeps its insert commands prepared across writes: they must still land after a batch commits,
/// after a retention purge ran its own transaction in between, and with and without batching.
/// </summary>
public sealed class SqliteWriteReuseTests
{
    private static readonly DateTimeOffset End = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public async Task Append_AcrossBatchesAndAPurge_EveryRowLands(int batchSize)
    {
        using var log = new SqliteDecisionLog(new SqliteDecisionLogOptions(":memory:", BatchSize: batchSize));
        var first = await DecisionLogSeeder.SeedServiceAsync(log, "a", 0, End.AddHours(-10), End.AddHours(-5), TimeSpan.FromMinutes(5));
        await log.PurgeAsync(End.AddHours(-7.5), End.AddHours(-7.5), CancellationToken.None);
        var second = await DecisionLogSeeder.SeedServiceAsync(log, "b", 1, End.AddHours(-5), End, TimeSpan.FromMinutes(5));
        log.Flush();

        var page = await log.QueryAsync(new DecisionQuery { Limit = 1000 }, CancellationToken.None);
        var kept = page.Items.Count(d => d.Decision.Service == "a");
        Assert.Equal(first / 2, kept);
        Assert.Equal(second, page.Items.Count(d => d.Decision.Service == "b"));
        var newest = await log.LastAsync("b", CancellationToken.None);
        Assert.Equal(End.AddMinutes(-5), newest!.Decision.Timestamp);
    }
}
