using Dso.Controller.Web.Access;
using Dso.DecisionLog;
using Dso.Integration.Tests.Infrastructure;

namespace Dso.Integration.Tests.Api;

/// <summary>
/// The real service over a decision log seeded with 30 days of 10-minute decisions for three services (ending at
/// <see cref="End"/>), on SQLite or on a PostgreSQL cluster of its own, with an analyst and an operator key.
/// </summary>
public abstract class SeededService : IAsyncLifetime
{
    public const string AnalystKey = "seed-analyst-key-42";
    public const string OperatorKey = "seed-operator-key-42";
    public static readonly string[] Services = ["checkout", "search", "shop"];
    public static readonly TimeSpan Tick = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan Span = TimeSpan.FromDays(30);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "dso-seeded-" + Guid.NewGuid().ToString("N"));
    private PostgresCluster? _cluster;
    private TestHost? _host;

    /// <summary>Whole hours, so the seeded ticks fall on round times.</summary>
    public DateTimeOffset End { get; } = new(DateTimeOffset.UtcNow.Ticks / TimeSpan.TicksPerHour * TimeSpan.TicksPerHour, TimeSpan.Zero);

    public DateTimeOffset Start => End - Span;

    internal TestHost Host => _host ?? throw new InvalidOperationException("not started");

    public string Root => _root;

    protected abstract bool UsePostgres { get; }

    public async Task InitializeAsync()
    {
        if (UsePostgres && PostgresCluster.SkipReason is not null)
        {
            return;
        }

        var data = Path.Combine(_root, "data");
        var policies = Path.Combine(_root, "policies");
        Directory.CreateDirectory(policies);
        File.WriteAllText(Path.Combine(policies, "services.yaml"), PolicyYaml());
        List<string> settings =
        [
            $"--Access:Keys:analyst:Sha256={AccessKeyStore.Hash(AnalystKey)}", "--Access:Keys:analyst:Role=analyst",
            $"--Access:Keys:operator:Sha256={AccessKeyStore.Hash(OperatorKey)}", "--Access:Keys:operator:Role=operator",
            "--Dso:ClockSpeed=1",
        ];
        if (UsePostgres)
        {
            _cluster = PostgresCluster.Start();
            var connection = _cluster.CreateDatabase();
            using (var store = new PostgresDecisionLog(new PostgresDecisionLogOptions(connection)))
            {
                await DecisionLogSeeder.SeedAsync(store, Services, End, Span, Tick);
                await SeedEventsAsync(store);
            }

            settings.AddRange(["--DecisionLog:Provider=postgres", $"--DecisionLog:ConnectionString={connection}"]);
        }
        else
        {
            using var store = new SqliteDecisionLog(new SqliteDecisionLogOptions(Path.Combine(data, "decisions.db"), BatchSize: 5000));
            await DecisionLogSeeder.SeedAsync(store, Services, End, Span, Tick);
            await SeedEventsAsync(store);
        }

        _host = await TestHost.StartAsync(data, policies, null, [.. settings]);
        Host.Http.DefaultRequestHeaders.Add(AccessSchemes.ApiKeyHeader, AnalystKey);
    }

    /// <summary>Events of two kinds on two services, besides the policy load the service logs when it starts.</summary>
    private async Task SeedEventsAsync(IDecisionStore store)
    {
        await store.AppendEventAsync("checkout", End.AddHours(-3), "backfill", "1440 past readings from 'prometheus'", default);
        await store.AppendEventAsync("shop", End.AddHours(-2), "planner_state", "restored demand record (1440 ticks, envelope calibrated) (saved 60 s ago)", default);
        await store.AppendEventAsync("shop", End.AddHours(-1), "backfill", "1440 past readings from 'prometheus'", default);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _cluster?.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // The service may hold a file for a moment after stopping.
        }
    }

    /// <summary>The three seeded services with teams; a long tick, so the live loops add one decision each and nothing in the seeded range.</summary>
    public static string PolicyYaml() => "services:\n" + string.Concat(Services.Select((s, i) => $$"""
          - name: {{s}}
            team: {{(i == 2 ? "storefront" : "platform")}}
            tick: 1h
            slo: {latency_p95_ms: 150}
            instance_types:
              - {name: m.large, vcpu: 2, memory_gib: 8, price_per_hour: 0.10, capacity_rps: 100}
            budget: {monthly_usd: 2000, enforcement: hard}
            limits: {min_instances: 2, max_instances: 60}
            initial_fleet: {m.large: 4}
            metrics: {source: synthetic}
            strategy: {name: cost-optimizer}

        """));
}

public sealed class SeededSqliteService : SeededService
{
    protected override bool UsePostgres => false;
}

public sealed class SeededPostgresService : SeededService
{
    protected override bool UsePostgres => true;
}
