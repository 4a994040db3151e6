namespace Dso.Reconcile;

/// <summary>Fans a tick out to several observers; one failing observer does not hide the tick from the others.</summary>
public sealed class CompositeLoopObserver(IEnumerable<ILoopObserver> observers) : ILoopObserver
{
    private readonly ILoopObserver[] _observers = observers.ToArray();

    public void OnTick(TickResult result)
    {
        List<Exception>? errors = null;
        foreach (var observer in _observers)
        {
            try
            {
                observer.OnTick(result);
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
