using System.Collections.Concurrent;
using Dso.Abstractions.Metrics;
using Dso.Reconcile;

namespace Dso.Controller.Health;

/// <summary>
/// Judges each service's health from its ticks as they happen (it is a loop observer), so <c>/healthz</c> and the
/// <c>dso_service_health</c> gauge say the same thing: failing ticks, a source that is down or stale, a held fleet,
/// or a loop that stopped ticking. Judged on the service clock, like the ticks themselves.
/// </summary>
internal sealed class ServiceHealthTracker(TimeProvider time) : ILoopObserver
{
    /// <summary>Held this many ticks in a row, the fleet is effectively unmanaged: that is failing, not degraded.</summary>
    public const int FailingAfterHeldTicks = 10;

    /// <summary>No tick for this many tick intervals means the loop is not running.</summary>
    public const int MissedTicksBeforeFailing = 3;

    private readonly ConcurrentDictionary<string, Track> _tracks = new(StringComparer.Ordinal);

    public void OnTick(TickResult result)
    {
        var track = _tracks.GetOrAdd(result.Decision.Service, _ => new Track());
        lock (track)
        {
            track.LastTickAt = result.Decision.Timestamp;
            track.ConsecutiveFailures = 0;
            track.ConsecutiveHolds = result.Decision.Held ? track.ConsecutiveHolds + 1 : 0;
            track.CloudError = result.CloudError ?? (result.CloudAnswered ? null : track.CloudError);
            (track.State, track.Reason) = Judge(result, track.ConsecutiveHolds);
            if (track.State == HealthState.Ok && track.CloudError is { } error)
            {
                // The loop decides fine but the cloud refuses its changes (and retrying will not help): an operator must act.
                (track.State, track.Reason) = (HealthState.Degraded, $"cloud error: {error}");
            }
        }
    }

    public void OnTickFailed(TickFailure failure)
    {
        if (failure.Stage == TickStage.Observe)
        {
            // The decision was made and applied; only reporting it failed.
            return;
        }

        var track = _tracks.GetOrAdd(failure.Service, _ => new Track());
        lock (track)
        {
            track.LastTickAt = failure.At;
            track.ConsecutiveFailures++;
            track.State = HealthState.Failing;
            track.Reason = $"ticks failing: {track.ConsecutiveFailures} in a row, the last at stage '{failure.Stage}': {failure.Message}";
        }
    }

    /// <summary>The health of each named service, with its tick interval (to tell a stopped loop from a quiet one).</summary>
    public IReadOnlyList<ServiceHealth> Report(IEnumerable<(string Service, TimeSpan Tick)> services)
    {
        var now = time.GetUtcNow();
        var report = new List<ServiceHealth>();
        foreach (var (service, tick) in services)
        {
            var track = _tracks.GetOrAdd(service, _ => new Track { RegisteredAt = now });
            lock (track)
            {
                var since = track.LastTickAt ?? track.RegisteredAt;
                var overdue = tick * MissedTicksBeforeFailing;
                var (state, reason) = now - since > overdue
                    ? (HealthState.Failing, track.LastTickAt is null
                        ? $"no tick since the service was loaded {Minutes(now - since)} ago: the loop is not running"
                        : $"no tick for {Minutes(now - since)} (tick {tick}): the loop is not running")
                    : (track.State, track.Reason);
                report.Add(new ServiceHealth(service, state, reason, track.LastTickAt, track.ConsecutiveFailures, track.ConsecutiveHolds));
            }
        }

        return report;
    }

    /// <summary>Forgets services that are no longer declared, so their gauges and reports go away.</summary>
    public void Retain(IReadOnlySet<string> services)
    {
        foreach (var gone in _tracks.Keys.Where(s => !services.Contains(s)).ToArray())
        {
            _tracks.TryRemove(gone, out _);
        }
    }

    private static (HealthState, string) Judge(TickResult result, int holds)
    {
        var reading = result.Source;
        if (result.Decision.Held)
        {
            var why = reading is { Health: SourceHealth.Down } down
                ? $"{(IsStale(down.Problem) ? "stale data" : "source down")}: {down.Problem}"
                : $"held: {result.Decision.Reason}";
            return holds >= FailingAfterHeldTicks
                ? (HealthState.Failing, $"fleet held for {holds} ticks in a row; {why}")
                : (HealthState.Degraded, why);
        }

        if (reading is { Health: SourceHealth.Degraded })
        {
            return (HealthState.Degraded, $"{(IsStale(reading.Problem) ? "stale data" : "source degraded")}: {reading.Problem}");
        }

        return (HealthState.Ok, "deciding on fresh data");
    }

    /// <summary>Sources say "stale" when data stopped arriving (push), as opposed to a source that cannot be reached.</summary>
    private static bool IsStale(string? problem) =>
        problem is not null && (problem.Contains("stale", StringComparison.OrdinalIgnoreCase) || problem.Contains("never pushed", StringComparison.OrdinalIgnoreCase));

    private static string Minutes(TimeSpan span) => span.TotalMinutes >= 2 ? $"{span.TotalMinutes:0}m" : $"{span.TotalSeconds:0}s";

    private sealed class Track
    {
        public DateTimeOffset RegisteredAt { get; init; }

        public DateTimeOffset? LastTickAt { get; set; }

        public int ConsecutiveFailures { get; set; }

        public int ConsecutiveHolds { get; set; }

        /// <summary>The open terminal cloud error: set by a tick that hit one, cleared when the provider takes an apply again.</summary>
        public string? CloudError { get; set; }

        public HealthState State { get; set; } = HealthState.Degraded;

        public string Reason { get; set; } = "waiting for the first tick";
    }
}
