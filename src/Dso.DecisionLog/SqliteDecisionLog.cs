using Dso.Abstractions.Approvals;
using Dso.Abstractions.Decisions;
using Dso.DecisionLog.Queries;
using Microsoft.Data.Sqlite;

namespace Dso.DecisionLog;

/// <summary>
/// The decision log in SQLite (WAL): one row per decision with the whole decision as JSON beside the columns
/// analysts filter and chart on, and one row per outcome. Append-only except for retention.
/// <see cref="SqliteDecisionLogOptions.BatchSize"/> above 1 groups writes into transactions (simulation
/// speed); the service commits every write. One connection behind one lock: reads see pending batched writes.
/// </summary>
public sealed class SqliteDecisionLog : IDecisionStore, IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteDecisionLogOptions _options;
    private readonly Lock _gate = new();
    private readonly CostSincePrevious _costs = new();
    private SqliteTransaction? _batch;
    private int _batched;

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

    public Task AppendAsync(ScalingDecision decision, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var row = DecisionRow.From(decision);
            var cost = _costs.Next(decision.Service, row.TimestampMs, (double)decision.ChosenHourlyCost, row.ReactiveCost, () =>
            {
                using var last = Command("");
                return DecisionSql.ReadLastCost(last, decision.Service);
            });
            using var cmd = Command(DecisionSql.InsertDecision);
            DecisionSql.BindDecision(cmd, decision, row, cost);
            Write(cmd, $"appending decision {decision.Id}");
        }

        return Task.CompletedTask;
    }

    public Task RecordOutcomeAsync(DecisionOutcome outcome, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            using var cmd = Command(DecisionSql.InsertOutcome);
            DecisionSql.BindOutcome(cmd, outcome);
            Write(cmd, $"recording the outcome of {outcome.DecisionId}");
        }

        return Task.CompletedTask;
    }

    public Task AppendEventAsync(string service, DateTimeOffset at, string kind, string message, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            using var cmd = Command(DecisionSql.InsertEvent);
            DecisionSql.BindEvent(cmd, service, at, kind, message);
            Write(cmd, $"appending a {kind} event for {service}");
        }

        return Task.CompletedTask;
    }

    public Task RecordSpendAsync(SpendEntry entry, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            using var cmd = Command(DecisionSql.InsertSpend);
            DecisionSql.BindSpend(cmd, entry);
            Write(cmd, $"recording spend of {entry.Service} up to {DecisionSql.Format(entry.To)}");
        }

        return Task.CompletedTask;
    }

    public Task<SpendTotal> SpendSinceAsync(string service, DateTimeOffset since, CancellationToken cancellationToken) =>
        Read($"reading the spend of {service}", cmd => DecisionSql.SpendSince(cmd, service, since));

    public Task<IReadOnlyList<DecisionRecord>> RecentAsync(string? service, int limit, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<DecisionRecord>>("reading recent decisions", cmd => DecisionSql.Recent(cmd, service, limit));

    public async Task<DecisionRecord?> LastAsync(string service, CancellationToken cancellationToken) =>
        (await RecentAsync(service, 1, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    public Task<DecisionPage> QueryAsync(DecisionQuery query, CancellationToken cancellationToken) =>
        Read("querying decisions", cmd => DecisionSql.Query(cmd, query));

    public Task<DecisionRecord?> FindAsync(string id, CancellationToken cancellationToken) =>
        Read($"reading decision {id}", cmd => DecisionSql.Find(cmd, id));

    public Task<ServiceSeries> SeriesAsync(string service, DateTimeOffset from, DateTimeOffset to, TimeSpan resolution, CancellationToken cancellationToken) =>
        Read($"reading the series of {service}", cmd =>
        {
            var (f, t, b) = (from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds(), (long)resolution.TotalMilliseconds);
            var buckets = DecisionSql.Buckets(cmd, service, f, t, b);
            return new ServiceSeries(service, from, to, resolution, buckets, DecisionSql.Markers(cmd, service, f, t));
        });

    public Task<IReadOnlyList<ServiceTotals>> TotalsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<ServiceTotals>>("totalling services", cmd => DecisionSql.Totals(cmd, from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds()));

    public Task<IReadOnlyList<CostRow>> DailyCostsAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<CostRow>>("totalling daily costs", cmd => DecisionSql.DailyCosts(cmd, from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds()));

    public Task<IReadOnlyList<LoggedEvent>> EventsAsync(string? service, string? kind, DateTimeOffset? from, DateTimeOffset? to, int limit, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<LoggedEvent>>("reading events", cmd => DecisionSql.Events(cmd, service, kind, from, to, limit));

    public Task<RetentionResult> PurgeAsync(DateTimeOffset decisionsBefore, DateTimeOffset eventsBefore, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            FlushLocked();
            try
            {
                using var tx = _connection.BeginTransaction();
                var result = DecisionSql.Purge(() => new SqliteCommand { Connection = _connection, Transaction = tx }, decisionsBefore, eventsBefore);
                tx.Commit();
                _costs.Forget();
                return Task.FromResult(result);
            }
            catch (SqliteException ex)
            {
                throw new InvalidOperationException($"decision log '{_options.Path}': removing rows older than the retention failed: {ex.Message}", ex);
            }
        }
    }

    public Task<bool> AddApprovalAsync(ApprovalRequest request, CancellationToken cancellationToken) =>
        Change($"queueing approval {request.Id}", cmd => ApprovalSql.Add(cmd, request));

    public Task<bool> UpdateApprovalAsync(ApprovalRequest updated, ApprovalStatus expected, CancellationToken cancellationToken) =>
        Change($"moving approval {updated.Id} to {updated.Status}", cmd => ApprovalSql.Replace(cmd, updated, expected));

    public Task<ApprovalRequest?> FindApprovalAsync(string id, CancellationToken cancellationToken) =>
        Read($"reading approval {id}", cmd => ApprovalSql.Find(cmd, id));

    public Task<IReadOnlyList<ApprovalRequest>> ApprovalsAsync(ApprovalQuery query, CancellationToken cancellationToken) =>
        Read("listing approvals", cmd => ApprovalSql.List(cmd, query));

    /// <summary>Recent non-decision events, newest first.</summary>
    public IReadOnlyList<(string Service, string At, string Kind, string Message)> RecentEvents(int limit) =>
        EventsAsync(null, null, null, null, limit, CancellationToken.None).Result
            .Select(e => (e.Service, DecisionSql.Format(e.At), e.Kind, e.Message)).ToList();

    /// <summary>Commits a pending batch (simulation mode); a no-op when every write commits on its own.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            FlushLocked();
        }
    }

    public void Dispose()
    {
        Flush();
        _connection.Dispose();
    }

    private void FlushLocked()
    {
        _batch?.Commit();
        _batch?.Dispose();
        _batch = null;
        _batched = 0;
    }

    private Task<T> Read<T>(string what, Func<SqliteCommand, T> query)
    {
        lock (_gate)
        {
            try
            {
                using var cmd = Command("");
                return Task.FromResult(query(cmd));
            }
            catch (SqliteException ex)
            {
                throw new InvalidOperationException($"decision log '{_options.Path}': {what} failed: {ex.Message}", ex);
            }
        }
    }

    /// <summary>
    /// A compare-and-set write: it commits at once (a pending batch first), because an operator's answer must be
    /// durable and visible to other processes before the API says it was taken.
    /// </summary>
    private Task<bool> Change(string what, Func<SqliteCommand, bool> write)
    {
        lock (_gate)
        {
            FlushLocked();
            try
            {
                using var cmd = Command("");
                return Task.FromResult(write(cmd));
            }
            catch (SqliteException ex)
            {
                throw new InvalidOperationException($"decision log '{_options.Path}': {what} failed: {ex.Message}", ex);
            }
        }
    }

    private void Write(SqliteCommand cmd, string what)
    {
        try
        {
            if (_options.BatchSize > 1)
            {
                _batch ??= _connection.BeginTransaction();
                cmd.Transaction = _batch;
                cmd.ExecuteNonQuery();
                if (++_batched >= _options.BatchSize)
                {
                    FlushLocked();
                }
            }
            else
            {
                cmd.ExecuteNonQuery();
            }
        }
        catch (SqliteException ex)
        {
            throw new InvalidOperationException($"decision log '{_options.Path}': {what} failed: {ex.Message}", ex);
        }
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
