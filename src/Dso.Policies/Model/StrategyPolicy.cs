namespace Dso.Policies.Model;

/// <summary>The named strategy and its parameters (validated by the strategy itself).</summary>
public sealed record StrategyPolicy(string Name, IReadOnlyDictionary<string, double> Parameters)
{
    public double Get(string key, double fallback) => Parameters.TryGetValue(key, out var v) ? v : fallback;
}
