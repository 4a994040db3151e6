using Dso.Abstractions.Decisions;

namespace Dso.Reconcile;

/// <summary>Receives each tick's outcome (metrics exporters, alerting, the simulator's bookkeeping).</summary>
public interface ILoopObserver
{
    void OnTick(TickResult result);

    /// <summary>
    /// A tick threw at some stage; the loop has logged a failed decision (when its log still works) and goes on.
    /// Not every observer cares (the default ignores it), but metrics and health do.
    /// </summary>
    void OnTickFailed(TickFailure failure)
    {
    }
}

internal sealed class NullLoopObserver : ILoopObserver
{
    public static readonly NullLoopObserver Instance = new();

    public void OnTick(TickResult result)
    {
    }
}
