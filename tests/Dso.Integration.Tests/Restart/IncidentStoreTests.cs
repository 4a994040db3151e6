using Dso.Abstractions.Decisions;
using Dso.DecisionLog;
using Dso.Integration.Tests.Infrastructure;
using Dso.Testing;

namespace Dso.Integration.Tests.Restart;

/// <summary>
/// The open alert incidents behave alike on SQLite and PostgreSQL: opening one that is open keeps its first start,
/// closing removes it, and a second store on the same database (a restarted service, another replica) reads them.
/// </summary>
public sealed class IncidentStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _dir = Directory.CreateTempSubdirectory("dso-incident-store-").FullName;

    [Fact]
    public async Task Sqlite_OpenCloseAndReadBack_AreSharedBetweenStores()
    {
        var path = Path.Combine(_dir, "decisions.db");
        using var first = new SqliteDecisionLog(new SqliteDecisionLogOptions(path));
        using var second = new SqliteDecisionLog(new SqliteDecisionLogOptions(path));
        await RoundTripAsync(first, second);
    }

    [PostgresFact]
    public async Task Postgres_OpenCloseAndReadBack_AreSharedBetweenReplicas()
    {
        using var cluster = PostgresCluster.Start();
        var connection = cluster.CreateDatabase();
        using var first = new PostgresDecisionLog(new PostgresDecisionLogOptions(connection));
        using var second = new PostgresDecisionLog(new PostgresDecisionLogOptions(connection));
        await RoundTripAsync(first, second);
    }

    private static async Task RoundTripAsync(IIncidentStore first, IIncidentStore second)
    {
        var ct = CancellationToken.None;
        Assert.Empty(await second.OpenIncidentsAsync(ct));
        await first.OpenIncidentAsync(new OpenIncident("shop", "anomaly", "conversion_rate", T0), ct);
        await first.OpenIncidentAsync(new OpenIncident("shop", "held", "", T0.AddMinutes(1)), ct);
        // Opened again (another replica, a repeat): the first start stands.
        await second.OpenIncidentAsync(new OpenIncident("shop", "anomaly", "conversion_rate", T0.AddMinutes(5)), ct);
        await first.OpenIncidentAsync(new OpenIncident("checkout", "held", "", T0.AddMinutes(2)), ct);
        await second.CloseIncidentAsync("checkout", "held", "", ct);
        await second.CloseIncidentAsync("nothing", "held", "", ct);

        Assert.Equal(
            [new OpenIncident("shop", "anomaly", "conversion_rate", T0), new OpenIncident("shop", "held", "", T0.AddMinutes(1))],
            await second.OpenIncidentsAsync(ct));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
