namespace Dso.Policies.Model;

/// <summary>
/// The named strategy and its parameters, checked by the loader against the strategy's declared
/// <see cref="Parameters.ParameterSpec"/>s. Values are held as numbers: durations in seconds, booleans as 1 or 0.
/// </summary>
public sealed record StrategyPolicy(string Name, IReadOnlyDictionary<string, double> Parameters)
{
    public double Get(string key, double fallback) => Parameters.TryGetValue(key, out var v) ? v : fallback;

    public TimeSpan GetDuration(string key, TimeSpan fallback) => Parameters.TryGetValue(key, out var v) ? TimeSpan.FromSeconds(v) : fallback;

    public bool GetBoolean(string key, bool fallback) => Parameters.TryGetValue(key, out var v) ? v != 0 : fallback;
}
