namespace Dso.Reconcile;

/// <summary>
/// Where a run's time goes, stage by stage (<c>dso simulate --profile</c>): the loop announces each
/// <see cref="TickStage"/> it enters and the time since the previous announcement is charged to the previous stage.
/// Elapsed time, not CPU: on a shared machine the stages' shares are what matters, and they are measured alike.
/// Not thread-safe: one timer per loop, driven by the tick's thread. The clock is the real one (a simulation's
/// virtual time does not move inside a tick); tests pass their own.
/// </summary>
public sealed class StageTimer(TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly Dictionary<string, (long Ticks, long Count)> _totals = new(StringComparer.Ordinal);
    private string? _current;
    private long _since;

    /// <summary>Charges the time since the last call to the stage then running and starts <paramref name="stage"/>.</summary>
    public void Enter(string stage)
    {
        var now = _clock.GetTimestamp();
        Charge(now);
        _current = stage;
        _since = now;
        var (ticks, count) = _totals.GetValueOrDefault(stage);
        _totals[stage] = (ticks, count + 1);
    }

    /// <summary>Ends the running stage (its time is charged; nothing runs until the next <see cref="Enter"/>).</summary>
    public void Stop()
    {
        Charge(_clock.GetTimestamp());
        _current = null;
    }

    /// <summary>Each stage's total time and how often it was entered, in the order first entered.</summary>
    public IReadOnlyList<(string Stage, TimeSpan Elapsed, long Entries)> Totals =>
        [.. _totals.Select(kv => (kv.Key, _clock.GetElapsedTime(0, kv.Value.Ticks), kv.Value.Count))];

    private void Charge(long now)
    {
        if (_current is { } stage)
        {
            var (ticks, count) = _totals[stage];
            _totals[stage] = (ticks + (now - _since), count);
        }
    }
}
