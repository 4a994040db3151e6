using Dso.Abstractions.Decisions;

namespace Dso.Reconcile;

/// <summary>Receives each tick's outcome (metrics exporters, alerting, the simulator's bookkeeping).</summary>
public interface ILoopObserver
{
    void OnTick(TickResult result);
}

internal sealed class NullLoopObserver : ILoopObserver
{
    public static readonly NullLoopObserver Instance = new();

    public void OnTick(TickResult result)
    {
    }
}
