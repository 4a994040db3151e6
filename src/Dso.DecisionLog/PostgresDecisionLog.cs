using Dso.Abstractions.Approvals;
using Dso.Abstractions.Decisions;
using Dso.DecisionLog.Queries;
using Npgsql;

namespace Dso.DecisionLog;

/// <summary>
/// The decision log in PostgreSQL, for several replicas sharing one log: the same schema (same migration steps)
/// and the same SQL as <see cref="SqliteDecisionLog"/>, over pooled connections. Every write commits on its own.
/// </summary>
public sealed class PostgresDecisionLog : IDecisionStore, IDisposable
{
    private readonly NpgsqlDataSource _source;
    private readonly CostSincePrevious _costs = new();
    private readonly Lock _costGate = new();
    private readonly string _where;

    public PostgresDecisionLog(PostgresDecisionLogOptions options)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        _where = $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
        _source = NpgsqlDataSource.Create(builder.ConnectionString);
        try
        {
            PostgresMigrations.Apply(_source);
        }
        catch (NpgsqlException ex)
        {
            _source.Dispose();
            throw new InvalidOperationException($"decision log {_where}: migrating the schema failed: {ex.Message}", ex);
        }
    }

    public Task AppendAsync(ScalingDecision decision, CancellationToken cancellationToken) =>
        Run($"appending decision {decision.Id}", cmd =>
        {
            var row = DecisionRow.From(decision);
            (double, double) cost;
            lock (_costGate)
            {
                cost = _costs.Next(decision.Service, row.TimestampMs, (double)decision.ChosenHourlyCost, row.ReactiveCost, () =>
                {
                    var last = DecisionSql.ReadLastCost(cmd, decision.Service);
                    cmd.Parameters.Clear();
                    return last;
                });
            }

            cmd.CommandText = DecisionSql.InsertDecision;
            DecisionSql.BindDecision(cmd, decision, row, cost);
            return cmd.ExecuteNonQuery();
        });

    public Task RecordOutcomeAsync(DecisionOutcome outcome, CancellationToken cancellationToken) =>
        Run($"recording the outcome of {outcome.DecisionId}", cmd =>
        {
            cmd.CommandText = DecisionSql.InsertOutcome;
            DecisionSql.BindOutcome(cmd, outcome);
            return cmd.ExecuteNonQuery();
        });

    public Task AppendEventAsync(string service, DateTimeOffset at, string kind, string message, CancellationToken cancellationToken) =>
        Run($"appending a {kind} event for {service}", cmd =>
        {
            cmd.CommandText = DecisionSql.InsertEvent;
            DecisionSql.BindEvent(cmd, service, at, kind, message);
            return cmd.ExecuteNonQuery();
        });

    public Task RecordSpendAsync(SpendEntry entry, CancellationToken cancellationToken) =>
        Run($"recording spend of {entry.Service} up to {DecisionSql.Format(entry.To)}", cmd =>
        {
            cmd.CommandText = DecisionSql.InsertSpend;
            DecisionSql.BindSpend(cmd, entry);
            return cmd.ExecuteNonQuery();
        });

    public Task<SpendTotal> SpendSinceAsync(string service, DateTimeOffset since, CancellationToken cancellationToken) =>
        Run($"reading the spend of {service}", cmd => DecisionSql.SpendSince(cmd, service, since));

    public Task<IReadOnlyList<DecisionRecord>> RecentAsync(string? service, int limit, CancellationToken cancellationToken) =>
        Run<IReadOnlyList<DecisionRecord>>("reading recent decisions", cmd => DecisionSql.Recent(cmd, service, limit));

    public async Task<DecisionRecord?> LastAsync(string service, CancellationToken cancellationToken) =>
        (await RecentAsync(service, 1, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    public Task<DecisionPage> QueryAsync(DecisionQuery query, CancellationToken cancellationToken) =>
        Run("querying decisions", cmd => DecisionSql.Query(cmd, query));

    public Task<DecisionRecord?> FindAsync(string id, CancellationToken cancellationToken) =>
        Run($"reading decision {id}", cmd => DecisionSql.Find(cmd, id));

    public Task<ServiceSeries> SeriesAsync(string service, DateTimeOffset from, DateTimeOffset to, TimeSpan resolution, CancellationToken cancellationToken) =>
        Run($"reading the series of {service}", cmd =>
        {
            var (f, t, b) = (from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds(), (long)resolution.TotalMilliseconds);
            var buckets = DecisionSql.Buckets(cmd, service, f, t, b);
            return new ServiceSeries(service, from, to, resolution, buckets, DecisionSql.Markers(cmd, service, f, t));
        });

    public Task<IReadOnlyList<ServiceTotals>> TotalsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Run<IReadOnlyList<ServiceTotals>>("totalling services", cmd => DecisionSql.Totals(cmd, from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds()));

    public Task<IReadOnlyList<CostRow>> DailyCostsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Run<IReadOnlyList<CostRow>>("totalling daily costs", cmd => DecisionSql.DailyCosts(cmd, from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds()));

    public Task<IReadOnlyList<LoggedEvent>> EventsAsync(string? service, string? kind, DateTimeOffset? from, DateTimeOffset? to, int limit, CancellationToken cancellationToken) =>
        Run<IReadOnlyList<LoggedEvent>>("reading events", cmd => DecisionSql.Events(cmd, service, kind, from, to, limit));

    public Task<bool> AddApprovalAsync(ApprovalRequest request, CancellationToken cancellationToken) =>
        Run($"queueing approval {request.Id}", cmd => ApprovalSql.Add(cmd, request));

    public Task<bool> UpdateApprovalAsync(ApprovalRequest updated, ApprovalStatus expected, CancellationToken cancellationToken) =>
        Run($"moving approval {updated.Id} to {updated.Status}", cmd => ApprovalSql.Replace(cmd, updated, expected));

    public Task<ApprovalRequest?> FindApprovalAsync(string id, CancellationToken cancellationToken) =>
        Run($"reading approval {id}", cmd => ApprovalSql.Find(cmd, id));

    public Task<IReadOnlyList<ApprovalRequest>> ApprovalsAsync(ApprovalQuery query, CancellationToken cancellationToken) =>
        Run("listing approvals", cmd => ApprovalSql.List(cmd, query));

    public Task<RetentionResult> PurgeAsync(DateTimeOffset decisionsBefore, DateTimeOffset eventsBefore, CancellationToken cancellationToken)
    {
        try
        {
            using var connection = _source.OpenConnection();
            using var tx = connection.BeginTransaction();
            var result = DecisionSql.Purge(() => new NpgsqlCommand { Connection = connection, Transaction = tx }, decisionsBefore, eventsBefore);
            tx.Commit();
            lock (_costGate)
            {
                _costs.Forget();
            }

            return Task.FromResult(result);
        }
        catch (NpgsqlException ex)
        {
            throw new InvalidOperationException($"decision log {_where}: removing rows older than the retention failed: {ex.Message}", ex);
        }
    }

    public void Dispose() => _source.Dispose();

    private Task<T> Run<T>(string what, Func<NpgsqlCommand, T> action)
    {
        try
        {
            using var connection = _source.OpenConnection();
            using var cmd = connection.CreateCommand();
            return Task.FromResult(action(cmd));
        }
        catch (NpgsqlException ex)
        {
            throw new InvalidOperationException($"decision log {_where}: {what} failed: {ex.Message}", ex);
        }
    }
}
