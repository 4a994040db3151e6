namespace Dso.DecisionLog;

/// <summary>
/// Money is logged as what the fleet of a service's previous decision cost until this one (and what the
/// reactive alternative of that decision would have cost), so summing a range's rows gives its spend without a
/// window query. A gap longer than <see cref="MaxGap"/> (the service was down) counts only up to it.
/// </summary>
internal sealed class CostSincePrevious
{
    public static readonly TimeSpan MaxGap = TimeSpan.FromHours(1);

    private readonly Dictionary<string, (long Ms, double Hourly, double? Reactive)> _last = new(StringComparer.Ordinal);

    /// <summary>The spend and counterfactual since the previous decision; <paramref name="loadLast"/> reads it from the log once per service.</summary>
    public async Task<(double Spent, double Reactive)> NextAsync(string service, long ms, double hourly, double? reactive, Func<Task<(long Ms, double Hourly, double? Reactive)?>> loadLast)
    {
        if (!_last.TryGetValue(service, out var previous))
        {
            if (await loadLast().ConfigureAwait(false) is { } loaded)
            {
                previous = loaded;
            }
            else
            {
                _last[service] = (ms, hourly, reactive);
                return (0, 0);
            }
        }

        _last[service] = (ms, hourly, reactive);
        var hours = Math.Clamp(ms - previous.Ms, 0, (long)MaxGap.TotalMilliseconds) / 3_600_000.0;
        return (previous.Hourly * hours, (previous.Reactive ?? previous.Hourly) * hours);
    }

    public void Forget() => _last.Clear();
}
