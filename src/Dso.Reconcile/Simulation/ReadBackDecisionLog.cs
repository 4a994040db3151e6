using Dso.Abstractions.Decisions;

namespace Dso.Reconcile.Simulation;

/// <summary>
/// The decision log of a simulation whose log nobody reads afterwards (<c>dso simulate</c> without
/// <c>--decision-log</c>): it keeps only what the loop itself reads back during the run — each service's newest
/// decision with its outcome (resuming after a crash reads it) and the most recent decisions — and serializes
/// nothing. The in-memory SQLite log it replaces there was dropped at the end of the run unread, yet turning every
/// decision into JSON and a row cost about 8 % of the simulation's CPU. Decisions are the same either way: the loop
/// reads the log only through <see cref="LastAsync"/> and <see cref="RecentAsync"/>, which answer as the SQLite log would.
/// </summary>
public sealed class ReadBackDecisionLog : IDecisionLog
{
    /// <summary>How many recent decisions <see cref="RecentAsync"/> can return (the loop asks for the newest one).</summary>
    public const int DefaultRecentCapacity = 64;

    private readonly object _gate = new();
    private readonly DecisionRecord?[] _recent;
    private readonly Dictionary<string, DecisionRecord> _last = new(StringComparer.Ordinal);
    private long _sequence;

    public ReadBackDecisionLog(int recentCapacity = DefaultRecentCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(recentCapacity, 1);
        _recent = new DecisionRecord?[recentCapacity];
    }

    /// <summary>Decisions appended so far.</summary>
    public long Count
    {
        get
        {
            lock (_gate)
            {
                return _sequence;
            }
        }
    }

    public Task AppendAsync(ScalingDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        lock (_gate)
        {
            var record = new DecisionRecord(++_sequence, decision, null);
            _recent[_sequence % _recent.Length] = record;
            _last[decision.Service] = record;
        }

        return Task.CompletedTask;
    }

    public Task RecordOutcomeAsync(DecisionOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        lock (_gate)
        {
            // Newest first: an outcome nearly always closes the decision just appended. One for a decision already out of
            // the window changes nothing the loop reads.
            for (var seq = _sequence; seq > Math.Max(0, _sequence - _recent.Length); seq--)
            {
                var slot = seq % _recent.Length;
                if (_recent[slot] is { } record && record.Decision.Id == outcome.DecisionId)
                {
                    if (record.Outcome is not null)
                    {
                        break; // the first outcome recorded stands, as in the SQLite log
                    }

                    var closed = record with { Outcome = outcome };
                    _recent[slot] = closed;
                    if (_last.TryGetValue(record.Decision.Service, out var last) && last.Sequence == record.Sequence)
                    {
                        _last[record.Decision.Service] = closed;
                    }

                    break;
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Events (alerts, backfills) are not read back by the loop: nothing is kept.</summary>
    public Task AppendEventAsync(string service, DateTimeOffset at, string kind, string message, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<DecisionRecord>> RecentAsync(string? service, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var newestFirst = new List<DecisionRecord>();
            for (var seq = _sequence; seq > Math.Max(0, _sequence - _recent.Length) && newestFirst.Count < limit; seq--)
            {
                if (_recent[seq % _recent.Length] is { } record && (service is null || record.Decision.Service == service))
                {
                    newestFirst.Add(record);
                }
            }

            return Task.FromResult<IReadOnlyList<DecisionRecord>>(newestFirst);
        }
    }

    public Task<DecisionRecord?> LastAsync(string service, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_last.TryGetValue(service, out var record) ? record : null);
        }
    }
}
