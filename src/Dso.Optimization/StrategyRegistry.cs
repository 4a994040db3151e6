using Dso.Optimization.Strategies;
using Dso.Optimization.Strategies.CostOptimizer;

namespace Dso.Optimization;

/// <summary>The strategies this build knows, by the name policies use.</summary>
public sealed class StrategyRegistry
{
    private readonly Dictionary<string, IScalingStrategy> _byName;

    public StrategyRegistry(IEnumerable<IScalingStrategy> strategies) =>
        _byName = strategies.ToDictionary(s => s.Name, StringComparer.Ordinal);

    /// <summary>All built-in strategies.</summary>
    public static StrategyRegistry CreateDefault() => new([new TargetTrackingStrategy(), new CostOptimizerStrategy()]);

    public IReadOnlyCollection<string> Names => _byName.Keys;

    /// <summary>Each strategy's declared parameters, for the policy loader.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Dso.Policies.Parameters.ParameterSpec>> Parameters =>
        _byName.ToDictionary(kv => kv.Key, kv => kv.Value.Parameters, StringComparer.Ordinal);

    public IScalingStrategy Get(string name) => _byName.TryGetValue(name, out var strategy)
        ? strategy
        : throw new KeyNotFoundException($"unknown strategy '{name}' (known: {string.Join(", ", _byName.Keys)})");
}
