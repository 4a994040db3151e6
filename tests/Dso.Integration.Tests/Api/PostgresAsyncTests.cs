using System.Diagnostics;
using Dso.DecisionLog;
using Dso.DecisionLog.Queries;
using Dso.Integration.Tests.Infrastructure;
using Npgsql;

namespace Dso.Integration.Tests.Api;

/// <summary>
/// The PostgreSQL store waits for the database without blocking its caller and stops a query when the caller's token
/// is cancelled: another session holds an exclusive lock on the table, so every statement against it waits.
/// </summary>
public sealed class PostgresAsyncTests
{
    private static readonly DateTimeOffset End = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);

    [PostgresFact]
    public async Task QueryAsync_TableLockedElsewhere_ReturnsAPendingTaskAndStopsWhenCancelled()
    {
        using var cluster = PostgresCluster.Start();
        var connection = cluster.CreateDatabase();
        using var store = new PostgresDecisionLog(new PostgresDecisionLogOptions(connection));
        await DecisionLogSeeder.SeedAsync(store, ["a"], End, TimeSpan.FromHours(4), TimeSpan.FromMinutes(10));

        await using var blocker = new NpgsqlConnection(connection);
        await blocker.OpenAsync();
        await using var tx = await blocker.BeginTransactionAsync();
        await using (var lockCmd = new NpgsqlCommand("LOCK TABLE decisions IN ACCESS EXCLUSIVE MODE", blocker, tx))
        {
            await lockCmd.ExecuteNonQueryAsync();
        }

        try
        {
            using var cts = new CancellationTokenSource();
            var clock = Stopwatch.StartNew();

            // A synchronous store would block right here, inside the call, until the lock is released.
            var calling = Task.Factory.StartNew(() => store.QueryAsync(new DecisionQuery { Service = "a", Limit = 10 }, cts.Token), CancellationToken.None, TaskCreationOptions.None, TaskScheduler.Default);
            var returned = await Task.WhenAny(calling, Task.Delay(TimeSpan.FromSeconds(10)));
            Assert.True(returned == calling, "QueryAsync did not return a task within 10 s while the table was locked: it blocked on the database");
            var query = await calling;
            Assert.False(query.IsCompleted, "the query completed although the table is locked");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"returning the task took {clock.Elapsed.TotalSeconds:0.0} s");

            await cts.CancelAsync();
            var stopped = await Task.WhenAny(query, Task.Delay(TimeSpan.FromSeconds(10)));
            Assert.True(stopped == query, "the query went on after its token was cancelled");
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => query);
        }
        finally
        {
            await tx.RollbackAsync();
        }

        // The store is still usable once the lock is gone: the cancelled query left no broken connection in the pool.
        var page = await store.QueryAsync(new DecisionQuery { Service = "a", Limit = 5 }, default);
        Assert.Equal(5, page.Items.Count);
    }

    [PostgresFact]
    public async Task AppendAsync_CancelledToken_WritesNothing()
    {
        using var cluster = PostgresCluster.Start();
        using var store = new PostgresDecisionLog(new PostgresDecisionLogOptions(cluster.CreateDatabase()));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await DecisionLogSeeder.SeedAsync(store, ["a"], End, TimeSpan.FromHours(1), TimeSpan.FromMinutes(10));
        var before = (await store.QueryAsync(new DecisionQuery { Limit = 100 }, default)).Items.Count;
        var extra = (await store.FindAsync("a-" + End.AddHours(-1).ToUnixTimeSeconds(), default))!.Decision with { Id = "late" };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.AppendAsync(extra, cts.Token));
        Assert.Equal(before, (await store.QueryAsync(new DecisionQuery { Limit = 100 }, default)).Items.Count);
    }
}
