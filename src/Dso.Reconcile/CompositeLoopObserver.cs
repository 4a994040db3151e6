namespace Dso.Reconcile;

/// <summary>Fans a tick out to several observers; one failing observer does not hide the tick from the others.</summary>
public sealed class CompositeLoopObserver(IEnumerable<ILoopObserver> observers) : ILoopObserver
{
    private readonly ILoopObserver[] _observers = observers.ToArray();

    public void OnTick(TickResult result) => FanOut(o => o.OnTick(result));

    public void OnTickFailed(TickFailure failure) => FanOut(o => o.OnTickFailed(failure));

    private void FanOut(Action<ILoopObserver> notify)
    {
        List<Exception>? errors = null;
        foreach (var observer in _observers)
        {
            try
            {
                notify(observer);
            }
            catch (Exception ex)
            {
                (errors ??= []).Add(ex);
            }
        }

        if (errors is not null)
        {
            throw new AggregateException("a loop observer failed", errors);
        }
    }
}
