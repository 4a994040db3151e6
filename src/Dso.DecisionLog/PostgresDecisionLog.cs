using Dso.Abstractions.Approvals;
using Dso.Abstractions.Decisions;
using Dso.DecisionLog.Experiments;
using Dso.DecisionLog.Queries;
using Npgsql;

namespace Dso.DecisionLog;

/// <summary>
/// The decision log in PostgreSQL, for several replicas sharing one log: the same schema (same migration steps)
/// and the same SQL as <see cref="SqliteDecisionLog"/>, over pooled connections. Every write commits on its own.
/// All I/O is asynchronous and honours the caller's cancellation token, so a slow database holds no thread and a
/// request the browser abandoned stops its query. Only the schema migration at construction is synchronous: it
/// runs once, at start-up, before the store is handed out.
/// </summary>
public sealed class PostgresDecisionLog : IDecisionStore, IExperimentStore, IDisposable
{
    private readonly NpgsqlDataSource _source;
    private readonly CostSincePrevious _costs = new();

    /// <summary>Serializes the per-service "previous decision" memory; the insert itself runs outside it.</summary>
    private readonly SemaphoreSlim _costGate = new(1, 1);
    private readonly string _where;
    private int _disposed;

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
            throw new DecisionLogException($"decision log {_where}: migrating the schema failed: {ex.Message}", ex);
        }
    }

    public Task AppendAsync(ScalingDecision decision, CancellationToken cancellationToken) =>
        RunAsync($"appending decision {decision.Id}", async (cmd, ct) =>
        {
            var row = DecisionRow.From(decision);
            (double, double) cost;
            await _costGate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                cost = await _costs.NextAsync(decision.Service, row.TimestampMs, (double)decision.ChosenHourlyCost, row.ReactiveCost, async () =>
                {
                    var last = await DecisionSql.ReadLastCostAsync(cmd, decision.Service, ct).ConfigureAwait(false);
                    cmd.Parameters.Clear();
                    return last;
                }).ConfigureAwait(false);
            }
            finally
            {
                _costGate.Release();
            }

            cmd.CommandText = DecisionSql.InsertDecision;
            DecisionSql.BindDecision(cmd, decision, row, cost);
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    public Task RecordOutcomeAsync(DecisionOutcome outcome, CancellationToken cancellationToken) =>
        RunAsync($"recording the outcome of {outcome.DecisionId}", (cmd, ct) =>
        {
            cmd.CommandText = DecisionSql.InsertOutcome;
            DecisionSql.BindOutcome(cmd, outcome);
            return cmd.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public Task AppendEventAsync(string service, DateTimeOffset at, string kind, string message, CancellationToken cancellationToken) =>
        RunAsync($"appending a {kind} event for {service}", (cmd, ct) =>
        {
            cmd.CommandText = DecisionSql.InsertEvent;
            DecisionSql.BindEvent(cmd, service, at, kind, message);
            return cmd.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public Task RecordSpendAsync(SpendEntry entry, CancellationToken cancellationToken) =>
        RunAsync($"recording spend of {entry.Service} up to {DecisionSql.Format(entry.To)}", (cmd, ct) =>
        {
            cmd.CommandText = DecisionSql.InsertSpend;
            DecisionSql.BindSpend(cmd, entry);
            return cmd.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public Task SavePlannerStateAsync(PlannerStateRecord record, CancellationToken cancellationToken) =>
        RunAsync($"saving the planner state of {record.Service}", (cmd, ct) =>
        {
            cmd.CommandText = PlannerStateSql.Upsert;
            PlannerStateSql.Bind(cmd, record);
            return cmd.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public Task<PlannerStateRecord?> LoadPlannerStateAsync(string service, CancellationToken cancellationToken) =>
        RunAsync($"reading the planner state of {service}", (cmd, ct) => PlannerStateSql.ReadAsync(cmd, service, ct), cancellationToken);

    public Task<IReadOnlyList<OpenIncident>> OpenIncidentsAsync(CancellationToken cancellationToken) =>
        RunAsync("reading open alert incidents", (cmd, ct) => IncidentSql.ListAsync(cmd, ct), cancellationToken);

    public Task OpenIncidentAsync(OpenIncident incident, CancellationToken cancellationToken) =>
        RunAsync($"opening a {incident.Kind} incident for {incident.Service}", (cmd, ct) =>
        {
            cmd.CommandText = IncidentSql.Open;
            IncidentSql.Bind(cmd, incident.Service, incident.Kind, incident.Subject, incident.Since);
            return cmd.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public Task CloseIncidentAsync(string service, string kind, string subject, CancellationToken cancellationToken) =>
        RunAsync($"closing a {kind} incident for {service}", (cmd, ct) =>
        {
            cmd.CommandText = IncidentSql.Close;
            IncidentSql.Bind(cmd, service, kind, subject);
            return cmd.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public Task<SpendTotal> SpendSinceAsync(string service, string? target, DateTimeOffset since, CancellationToken cancellationToken) =>
        RunAsync($"reading the spend of {service}", (cmd, ct) => DecisionSql.SpendSinceAsync(cmd, service, target, since, ct), cancellationToken);

    public Task<IReadOnlyList<DecisionRecord>> RecentAsync(string? service, int limit, CancellationToken cancellationToken) =>
        RunAsync("reading recent decisions", (cmd, ct) => DecisionSql.RecentAsync(cmd, service, limit, ct), cancellationToken);

    public async Task<DecisionRecord?> LastAsync(string service, CancellationToken cancellationToken) =>
        (await RecentAsync(service, 1, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    public Task<DecisionPage> QueryAsync(DecisionQuery query, CancellationToken cancellationToken) =>
        RunAsync("querying decisions", (cmd, ct) => DecisionSql.QueryAsync(cmd, query, ct), cancellationToken);

    public Task<DecisionRecord?> FindAsync(string id, CancellationToken cancellationToken) =>
        RunAsync($"reading decision {id}", (cmd, ct) => DecisionSql.FindAsync(cmd, id, ct), cancellationToken);

    public Task<ServiceSeries> SeriesAsync(string service, DateTimeOffset from, DateTimeOffset to, TimeSpan resolution, CancellationToken cancellationToken) =>
        RunAsync($"reading the series of {service}", async (cmd, ct) =>
        {
            var (f, t, b) = (from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds(), (long)resolution.TotalMilliseconds);
            var buckets = await DecisionSql.BucketsAsync(cmd, service, f, t, b, ct).ConfigureAwait(false);
            return new ServiceSeries(service, from, to, resolution, buckets, await DecisionSql.MarkersAsync(cmd, service, f, t, ct).ConfigureAwait(false));
        }, cancellationToken);

    public Task<IReadOnlyList<ServiceTotals>> TotalsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        RunAsync("totalling services", (cmd, ct) => DecisionSql.TotalsAsync(cmd, from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds(), ct), cancellationToken);

    public Task<IReadOnlyList<SpendDay>> SpendByDayAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        RunAsync("totalling spend by day", (cmd, ct) => DecisionSql.SpendByDayAsync(cmd, from, to, ct), cancellationToken);

    public Task<IReadOnlyList<LoggedEvent>> EventsAsync(string? service, string? kind, DateTimeOffset? from, DateTimeOffset? to, int limit, CancellationToken cancellationToken) =>
        RunAsync("reading events", (cmd, ct) => DecisionSql.EventsAsync(cmd, service, kind, from, to, limit, ct), cancellationToken);

    public Task<bool> AddApprovalAsync(ApprovalRequest request, CancellationToken cancellationToken) =>
        RunAsync($"queueing approval {request.Id}", (cmd, ct) => ApprovalSql.AddAsync(cmd, request, ct), cancellationToken);

    public Task<bool> UpdateApprovalAsync(ApprovalRequest updated, ApprovalStatus expected, CancellationToken cancellationToken) =>
        RunAsync($"moving approval {updated.Id} to {updated.Status}", (cmd, ct) => ApprovalSql.ReplaceAsync(cmd, updated, expected, ct), cancellationToken);

    public Task<ApprovalRequest?> FindApprovalAsync(string id, CancellationToken cancellationToken) =>
        RunAsync($"reading approval {id}", (cmd, ct) => ApprovalSql.FindAsync(cmd, id, ct), cancellationToken);

    public Task<IReadOnlyList<ApprovalRequest>> ApprovalsAsync(ApprovalQuery query, CancellationToken cancellationToken) =>
        RunAsync("listing approvals", (cmd, ct) => ApprovalSql.ListAsync(cmd, query, ct), cancellationToken);

    public async Task<RetentionResult> PurgeAsync(DateTimeOffset decisionsBefore, DateTimeOffset eventsBefore, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var result = await DecisionSql.PurgeAsync(() => new NpgsqlCommand { Connection = connection, Transaction = tx }, decisionsBefore, eventsBefore, cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            await _costGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                _costs.Forget();
            }
            finally
            {
                _costGate.Release();
            }

            return result;
        }
        catch (NpgsqlException ex)
        {
            throw new DecisionLogException($"decision log {_where}: removing rows older than the retention failed: {ex.Message}", ex);
        }
    }

    public Task<ExperimentRecord> StartExperimentAsync(ExperimentRecord record, CancellationToken cancellationToken) =>
        RunAsync($"starting experiment {record.Name}", (cmd, ct) => ExperimentSql.StartExperimentAsync(cmd, record, ct), cancellationToken);

    public Task<ExperimentRecord?> FindExperimentAsync(string name, CancellationToken cancellationToken) =>
        RunAsync($"reading experiment {name}", (cmd, ct) => ExperimentSql.FindExperimentAsync(cmd, name, ct), cancellationToken);

    public Task SaveExperimentAsync(ExperimentRecord record, CancellationToken cancellationToken) =>
        RunAsync($"saving experiment {record.Name}", async (cmd, ct) =>
        {
            await ExperimentSql.SaveExperimentAsync(cmd, record, ct).ConfigureAwait(false);
            return 0;
        }, cancellationToken);

    public Task<IReadOnlyList<ExperimentBlockRecord>> BlocksAsync(string experiment, string run, CancellationToken cancellationToken) =>
        RunAsync($"reading the blocks of experiment {experiment}", (cmd, ct) => ExperimentSql.BlocksAsync(cmd, experiment, run, ct), cancellationToken);

    public async Task SaveBlocksAsync(IReadOnlyList<ExperimentBlockRecord> blocks, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            foreach (var block in blocks)
            {
                await using var cmd = new NpgsqlCommand { Connection = connection, Transaction = tx };
                await ExperimentSql.SaveBlockAsync(cmd, block, cancellationToken).ConfigureAwait(false);
            }

            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DecisionLogException($"decision log {_where}: saving the blocks of experiment {blocks.FirstOrDefault()?.Experiment} failed: {ex.Message}", ex);
        }
    }

    /// <summary>Idempotent: the host disposes the store once for each service type it is registered as.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _source.Dispose();
        _costGate.Dispose();
    }

    private async Task<T> RunAsync<T>(string what, Func<NpgsqlCommand, CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var cmd = connection.CreateCommand();
            return await action(cmd, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DecisionLogException($"decision log {_where}: {what} failed: {ex.Message}", ex);
        }
    }
}
