using Dso.Abstractions.Approvals;
using Dso.Abstractions.Catalog;
using Dso.Controller.Web.Access;
using Dso.DecisionLog;
using Dso.Integration.Tests.Infrastructure;

namespace Dso.Integration.Tests.Api;

/// <summary>
/// The real service with one service in mode approve (<c>shop</c>: every change waits; 1-minute ticks at 60x), on
/// SQLite or a PostgreSQL cluster of its own, and approval requests of a service without a loop (<c>legacy</c>)
/// seeded into the store beforehand, so the API tests answer requests nothing else touches.
/// </summary>
public abstract class ApprovalService : IAsyncLifetime
{
    public const string AnalystKey = "approval-analyst-key-7";
    public const string OperatorKey = "approval-operator-key-7";
    public const string OperatorId = "ops-alice";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "dso-approvals-" + Guid.NewGuid().ToString("N"));
    private PostgresCluster? _cluster;
    private TestHost? _host;

    internal TestHost Host => _host ?? throw new InvalidOperationException("not started");

    /// <summary>Real time of the seeding; seeded requests are made relative to it.</summary>
    public DateTimeOffset Seeded { get; } = DateTimeOffset.UtcNow;

    protected abstract bool UsePostgres { get; }

    /// <summary>A second handle on the same store, as another replica or a restarted process would open it.</summary>
    public OpenedStore OpenStore() => new(UsePostgres
        ? new PostgresDecisionLog(new PostgresDecisionLogOptions(_connection!))
        : new SqliteDecisionLog(new SqliteDecisionLogOptions(Path.Combine(_root, "data", "decisions.db"))));

    private string? _connection;

    public async Task InitializeAsync()
    {
        if (UsePostgres && PostgresCluster.SkipReason is not null)
        {
            return;
        }

        var data = Path.Combine(_root, "data");
        var policies = Path.Combine(_root, "policies");
        Directory.CreateDirectory(policies);
        File.WriteAllText(Path.Combine(policies, "services.yaml"), PolicyYaml);
        List<string> settings =
        [
            $"--Access:Keys:analyst:Sha256={AccessKeyStore.Hash(AnalystKey)}", "--Access:Keys:analyst:Role=analyst",
            $"--Access:Keys:{OperatorId}:Sha256={AccessKeyStore.Hash(OperatorKey)}", $"--Access:Keys:{OperatorId}:Role=operator",
            "--Dso:ClockSpeed=60",
        ];
        if (UsePostgres)
        {
            _cluster = PostgresCluster.Start();
            _connection = _cluster.CreateDatabase();
            settings.AddRange(["--DecisionLog:Provider=postgres", $"--DecisionLog:ConnectionString={_connection}"]);
        }

        using (var store = OpenStore())
        {
            foreach (var request in SeedRequests())
            {
                await store.Store.AddApprovalAsync(request, default);
            }
        }

        _host = await TestHost.StartAsync(data, policies, null, [.. settings]);
        Host.Http.DefaultRequestHeaders.Add(AccessSchemes.ApiKeyHeader, AnalystKey);
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

    /// <summary>Ten pending requests of 'legacy' (one per test that answers one), one already expired, one already rejected, two of 'billing'.</summary>
    private IEnumerable<ApprovalRequest> SeedRequests()
    {
        ApprovalRequest Request(string service, int n, TimeSpan ago, TimeSpan lifetime, ApprovalStatus status = ApprovalStatus.Pending) => new()
        {
            Id = $"{service}@seed-{n}",
            Service = service,
            RequestedAt = Seeded - ago,
            ExpiresAt = Seeded - ago + lifetime,
            Before = Fleet.Of(("m.large", 2)),
            Target = Fleet.Of(("m.large", 2 + n)),
            HourlyCostBefore = 0.2m,
            HourlyCostAfter = 0.2m + 0.1m * n,
            InstancesAdded = n,
            InstancesRemoved = 0,
            Strategy = "cost-optimizer",
            Reason = $"seeded request {n}",
            Status = status,
            DecidedBy = status == ApprovalStatus.Pending ? null : "bob",
            DecidedAt = status == ApprovalStatus.Pending ? null : Seeded - ago,
        };

        for (var n = 1; n <= 10; n++)
        {
            yield return Request("legacy", n, TimeSpan.FromMinutes(n), TimeSpan.FromDays(365));
        }

        yield return Request("legacy", 11, TimeSpan.FromDays(2), TimeSpan.FromHours(1));
        yield return Request("legacy", 12, TimeSpan.FromHours(1), TimeSpan.FromDays(365), ApprovalStatus.Rejected);
        yield return Request("billing", 1, TimeSpan.FromHours(3), TimeSpan.FromDays(365));
        yield return Request("billing", 2, TimeSpan.FromDays(3), TimeSpan.FromDays(365));
    }

    private const string PolicyYaml = """
        services:
          - name: shop
            tick: 1m
            slo: {latency_p95_ms: 150}
            instance_types:
              - {name: m.large, vcpu: 2, memory_gib: 8, price_per_hour: 0.10, capacity_rps: 100}
            budget: {monthly_usd: 5000}
            limits: {min_instances: 1, max_instances: 60}
            initial_fleet: {m.large: 1}
            metrics: {source: synthetic}
            strategy: {name: cost-optimizer}
            provider:
              name: simulated
              mode: approve
              approval: {instances: 0, timeout: 2h}

        """;
}

public sealed class SqliteApprovalService : ApprovalService
{
    protected override bool UsePostgres => false;
}

public sealed class PostgresApprovalService : ApprovalService
{
    protected override bool UsePostgres => true;
}

/// <summary>A store handle that closes its connections.</summary>
public sealed class OpenedStore(IDecisionStore store) : IDisposable
{
    public IDecisionStore Store { get; } = store;

    public void Dispose() => (Store as IDisposable)?.Dispose();
}
