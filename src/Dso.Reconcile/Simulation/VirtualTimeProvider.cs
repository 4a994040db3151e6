namespace Dso.Reconcile.Simulation;

/// <summary>A clock the simulator moves forward itself: the loop runs unchanged, hours per second.</summary>
public sealed class VirtualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Set(DateTimeOffset now)
    {
        if (now < _now)
        {
            throw new InvalidOperationException($"virtual time cannot go back ({now:o} < {_now:o})");
        }

        _now = now;
    }
}
