using Dso.Reconcile;

namespace Dso.Controller.Experiments;

/// <summary>Hands each tick to the experiment host (blocks, guardrails, end). A failure here is the tick's observe stage, never its decision.</summary>
internal sealed class ExperimentObserver(ExperimentHost host) : ILoopObserver
{
    public void OnTick(TickResult result)
    {
        if (result.Failure is null)
        {
            host.Observe(result.Decision);
        }
    }
}
