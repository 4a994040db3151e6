using Dso.Abstractions.Approvals;
using Dso.Abstractions.Decisions;
using Dso.DecisionLog.Experiments;
using Dso.DecisionLog.Queries;
using Microsoft.Data.Sqlite;

namespace Dso.DecisionLog;

/// <summary>
/// The decision log in SQLite (WAL): one row per decision with the whole decision as JSON beside the columns
/// analysts filter and chart on, and one row per outcome. Append-only except for retention.
/// <see cref="SqliteDecisionLogOptions.BatchSize"/> above 1 groups writes into transactions (simulation
/// speed); the service commits every write. One connection behind one gate (a semaphore, so the shared asynchronous SQL can run under it): reads see pending
/// batched writes.
/// </summary>
public sealed class SqliteDecisionLog : IDecisionStore, IExperimentStore, IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteDecisionLogOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CostSincePrevious _costs = new();
    private SqliteTransaction? _batch;
    private int _batched;
    private int _disposed;

    /// <summary>
    /// The insert commands, created once and kept: SQLite then prepares each statement once, not on every write
    /// (preparing was over half of the log's time in a simulation, which writes a decision every row).
    /// </summary>
    private readonly Dictionary<string, SqliteCommand> _writes = new(StringComparer.Ordinal);

    public SqliteDecisionLog(SqliteDecisionLogOptions options)
    {
        _options = options;
        if (Path.GetDirectoryName(Path.GetFullPath(options.Path)) is { } dir && options.Path != ":memory:")
        {
            Directory.CreateDirectory(dir);
        }

        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = options.Path, Pooling = false }.ToString());
        _connection.Open();
        Execute(options.Path == ":memory:" ? "PRAGMA foreign_keys=ON;" : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
        Migrations.Apply(_connection);
    }

    public Task AppendAsync(ScalingDecision decision, CancellationToken cancellationToken) =>
        WriteAsync($"appending decision {decision.Id}", async ct =>
        {
            var row = DecisionRow.From(decision);
            var cost = await _costs.NextAsync(decision.Service, row.TimestampMs, (double)decision.ChosenHourlyCost, row.ReactiveCost, async () =>
            {
                await using var last = Command("");
                return await DecisionSql.ReadLastCostAsync(last, decision.Service, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
            var cmd = Kept(DecisionSql.InsertDecision);
            DecisionSql.BindDecision(cmd, decision, row, cost);
            return cmd;
        }, cancellationToken);

    public Task RecordOutcomeAsync(DecisionOutcome outcome, CancellationToken cancellationToken) =>
        WriteAsync($"recording the outcome of {outcome.DecisionId}", _ =>
        {
            var cmd = Kept(DecisionSql.InsertOutcome);
            DecisionSql.BindOutcome(cmd, outcome);
            return Task.FromResult(cmd);
        }, cancellationToken);

    public Task AppendEventAsync(string service, DateTimeOffset at, string kind, string message, CancellationToken cancellationToken) =>
        WriteAsync($"appending a {kind} event for {service}", _ =>
        {
            var cmd = Kept(DecisionSql.InsertEvent);
            DecisionSql.BindEvent(cmd, service, at, kind, message);
            return Task.FromResult(cmd);
        }, cancellationToken);

    public Task RecordSpendAsync(SpendEntry entry, CancellationToken cancellationToken) =>
        WriteAsync($"recording spend of {entry.Service} up to {DecisionSql.Format(entry.To)}", _ =>
        {
            var cmd = Kept(DecisionSql.InsertSpend);
            DecisionSql.BindSpend(cmd, entry);
            return Task.FromResult(cmd);
        }, cancellationToken);

    public Task SavePlannerStateAsync(PlannerStateRecord record, CancellationToken cancellationToken) =>
        WriteAsync($"saving the planner state of {record.Service}", _ =>
        {
            var cmd = Kept(PlannerStateSql.Upsert);
            PlannerStateSql.Bind(cmd, record);
            return Task.FromResult(cmd);
        }, cancellationToken);

    public Task<PlannerStateRecord?> LoadPlannerStateAsync(string service, CancellationToken cancellationToken) =>
        ReadAsync($"reading the planner state of {service}", (cmd, ct) => PlannerStateSql.ReadAsync(cmd, service, ct), cancellationToken);

    public Task<IReadOnlyList<OpenIncident>> OpenIncidentsAsync(CancellationToken cancellationToken) =>
        ReadAsync("reading open alert incidents", (cmd, ct) => IncidentSql.ListAsync(cmd, ct), cancellationToken);

    public Task OpenIncidentAsync(OpenIncident incident, CancellationToken cancellationToken) =>
        WriteAsync($"opening a {incident.Kind} incident for {incident.Service}", _ =>
        {
            var cmd = Kept(IncidentSql.Open);
            IncidentSql.Bind(cmd, incident.Service, incident.Kind, incident.Subject, incident.Since);
            return Task.FromResult(cmd);
        }, cancellationToken);

    public Task CloseIncidentAsync(string service, string kind, string subject, CancellationToken cancellationToken) =>
        WriteAsync($"closing a {kind} incident for {service}", _ =>
        {
            var cmd = Kept(IncidentSql.Close);
            IncidentSql.Bind(cmd, service, kind, subject);
            return Task.FromResult(cmd);
        }, cancellationToken);

    public Task<SpendTotal> SpendSinceAsync(string service, string? target, DateTimeOffset since, CancellationToken cancellationToken) =>
        ReadAsync($"reading the spend of {service}", (cmd, ct) => DecisionSql.SpendSinceAsync(cmd, service, target, since, ct), cancellationToken);

    public Task<IReadOnlyList<DecisionRecord>> RecentAsync(string? service, int limit, CancellationToken cancellationToken) =>
        ReadAsync("reading recent decisions", (cmd, ct) => DecisionSql.RecentAsync(cmd, service, limit, ct), cancellationToken);

    public async Task<DecisionRecord?> LastAsync(string service, CancellationToken cancellationToken) =>
        (await RecentAsync(service, 1, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    public Task<DecisionPage> QueryAsync(DecisionQuery query, CancellationToken cancellationToken) =>
        ReadAsync("querying decisions", (cmd, ct) => DecisionSql.QueryAsync(cmd, query, ct), cancellationToken);

    public Task<DecisionRecord?> FindAsync(string id, CancellationToken cancellationToken) =>
        ReadAsync($"reading decision {id}", (cmd, ct) => DecisionSql.FindAsync(cmd, id, ct), cancellationToken);

    public Task<ServiceSeries> SeriesAsync(string service, DateTimeOffset from, DateTimeOffset to, TimeSpan resolution, CancellationToken cancellationToken) =>
        ReadAsync($"reading the series of {service}", async (cmd, ct) =>
        {
            var (f, t, b) = (from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds(), (long)resolution.TotalMilliseconds);
            var buckets = await DecisionSql.BucketsAsync(cmd, service, f, t, b, ct).ConfigureAwait(false);
            return new ServiceSeries(service, from, to, resolution, buckets, await DecisionSql.MarkersAsync(cmd, service, f, t, ct).ConfigureAwait(false));
        }, cancellationToken);

    public Task<IReadOnlyList<ServiceTotals>> TotalsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        ReadAsync("totalling services", (cmd, ct) => DecisionSql.TotalsAsync(cmd, from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds(), ct), cancellationToken);

    public Task<IReadOnlyList<SpendDay>> SpendByDayAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        ReadAsync("totalling spend by day", (cmd, ct) => DecisionSql.SpendByDayAsync(cmd, from, to, ct), cancellationToken);

    public Task<IReadOnlyList<LoggedEvent>> EventsAsync(string? service, string? kind, DateTimeOffset? from, DateTimeOffset? to, int limit, CancellationToken cancellationToken) =>
        ReadAsync("reading events", (cmd, ct) => DecisionSql.EventsAsync(cmd, service, kind, from, to, limit, ct), cancellationToken);

    public async Task<RetentionResult> PurgeAsync(DateTimeOffset decisionsBefore, DateTimeOffset eventsBefore, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            FlushLocked();
            await using var tx = _connection.BeginTransaction();
            var result = await DecisionSql.PurgeAsync(() => new SqliteCommand { Connection = _connection, Transaction = tx }, decisionsBefore, eventsBefore, cancellationToken).ConfigureAwait(false);
            tx.Commit();
            _costs.Forget();
            return result;
        }
        catch (SqliteException ex)
        {
            throw DecisionLogException.FromSqlite(_options.Path, "removing rows older than the retention", ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task<bool> AddApprovalAsync(ApprovalRequest request, CancellationToken cancellationToken) =>
        ChangeAsync($"queueing approval {request.Id}", (cmd, ct) => ApprovalSql.AddAsync(cmd, request, ct), cancellationToken);

    public Task<bool> UpdateApprovalAsync(ApprovalRequest updated, ApprovalStatus expected, CancellationToken cancellationToken) =>
        ChangeAsync($"moving approval {updated.Id} to {updated.Status}", (cmd, ct) => ApprovalSql.ReplaceAsync(cmd, updated, expected, ct), cancellationToken);

    public Task<ApprovalRequest?> FindApprovalAsync(string id, CancellationToken cancellationToken) =>
        ReadAsync($"reading approval {id}", (cmd, ct) => ApprovalSql.FindAsync(cmd, id, ct), cancellationToken);

    public Task<IReadOnlyList<ApprovalRequest>> ApprovalsAsync(ApprovalQuery query, CancellationToken cancellationToken) =>
        ReadAsync("listing approvals", (cmd, ct) => ApprovalSql.ListAsync(cmd, query, ct), cancellationToken);

    public Task<ExperimentRecord> StartExperimentAsync(ExperimentRecord record, CancellationToken cancellationToken) =>
        ReadAsync($"starting experiment {record.Name}", (cmd, ct) => ExperimentSql.StartExperimentAsync(cmd, record, ct), cancellationToken);

    public Task<ExperimentRecord?> FindExperimentAsync(string name, CancellationToken cancellationToken) =>
        ReadAsync($"reading experiment {name}", (cmd, ct) => ExperimentSql.FindExperimentAsync(cmd, name, ct), cancellationToken);

    public Task SaveExperimentAsync(ExperimentRecord record, CancellationToken cancellationToken) =>
        ReadAsync($"saving experiment {record.Name}", async (cmd, ct) =>
        {
            await ExperimentSql.SaveExperimentAsync(cmd, record, ct).ConfigureAwait(false);
            return 0;
        }, cancellationToken);

    public Task<IReadOnlyList<ExperimentBlockRecord>> BlocksAsync(string experiment, string run, CancellationToken cancellationToken) =>
        ReadAsync($"reading the blocks of experiment {experiment}", (cmd, ct) => ExperimentSql.BlocksAsync(cmd, experiment, run, ct), cancellationToken);

    public async Task SaveBlocksAsync(IReadOnlyList<ExperimentBlockRecord> blocks, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        // One transaction for a tick's blocks (usually one), unless a simulation batch is already open.
        var own = _batch is null ? _connection.BeginTransaction() : null;
        try
        {
            foreach (var block in blocks)
            {
                await using var cmd = Command("");
                cmd.Transaction = own ?? _batch;
                await ExperimentSql.SaveBlockAsync(cmd, block, cancellationToken).ConfigureAwait(false);
            }

            own?.Commit();
        }
        catch (SqliteException ex)
        {
            own?.Rollback();
            throw DecisionLogException.FromSqlite(_options.Path, $"saving the blocks of experiment {blocks.FirstOrDefault()?.Experiment}", ex);
        }
        finally
        {
            own?.Dispose();
            _gate.Release();
        }
    }

    /// <summary>Recent non-decision events, newest first.</summary>
    public IReadOnlyList<(string Service, string At, string Kind, string Message)> RecentEvents(int limit) =>
        EventsAsync(null, null, null, null, limit, CancellationToken.None).Result
            .Select(e => (e.Service, DecisionSql.Format(e.At), e.Kind, e.Message)).ToList();

    /// <summary>Commits a pending batch (simulation mode); a no-op when every write commits on its own.</summary>
    public void Flush()
    {
        _gate.Wait();
        try
        {
            FlushLocked();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Idempotent: the host disposes the store once for each service type it is registered as.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Flush();
        foreach (var cmd in _writes.Values)
        {
            cmd.Dispose();
        }

        _connection.Dispose();
        _gate.Dispose();
    }

    private void FlushLocked()
    {
        _batch?.Commit();
        _batch?.Dispose();
        _batch = null;
        _batched = 0;
    }

    private async Task<T> ReadAsync<T>(string what, Func<SqliteCommand, CancellationToken, Task<T>> query, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var cmd = Command("");
            return await query(cmd, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw DecisionLogException.FromSqlite(_options.Path, what, ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// A compare-and-set write of the approval queue: it commits at once (a pending batch first), because an
    /// operator's answer must be durable and visible to other processes before the API says it was taken.
    /// </summary>
    private async Task<bool> ChangeAsync(string what, Func<SqliteCommand, CancellationToken, Task<bool>> write, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            FlushLocked();
            await using var cmd = Command("");
            return await write(cmd, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw DecisionLogException.FromSqlite(_options.Path, what, ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs one write under the gate, inside the pending batch when batching.</summary>
    private async Task WriteAsync(string what, Func<CancellationToken, Task<SqliteCommand>> prepare, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_options.BatchSize > 1)
            {
                _batch ??= _connection.BeginTransaction();
            }

            var cmd = await prepare(cancellationToken).ConfigureAwait(false);
            try
            {
                cmd.Transaction = _batch;
                await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (!_writes.TryGetValue(cmd.CommandText, out var kept) || !ReferenceEquals(kept, cmd))
                {
                    await cmd.DisposeAsync().ConfigureAwait(false);
                }
            }

            if (_batch is not null && ++_batched >= _options.BatchSize)
            {
                FlushLocked();
            }
        }
        catch (SqliteException ex)
        {
            throw DecisionLogException.FromSqlite(_options.Path, what, ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The kept command for an insert (under the gate), its parameters cleared for this write's.</summary>
    private SqliteCommand Kept(string sql)
    {
        if (!_writes.TryGetValue(sql, out var cmd))
        {
            cmd = _connection.CreateCommand();
            cmd.CommandText = sql;
            _writes[sql] = cmd;
        }

        cmd.Parameters.Clear();
        cmd.Transaction = _batch;
        return cmd;
    }

    private SqliteCommand Command(string sql)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = _batch;
        return cmd;
    }

    private void Execute(string sql)
    {
        using var cmd = Command(sql);
        cmd.ExecuteNonQuery();
    }
}
