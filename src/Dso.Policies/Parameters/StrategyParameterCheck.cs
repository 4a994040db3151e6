using Dso.Policies.Model;

namespace Dso.Policies.Parameters;

/// <summary>
/// The check a strategy runs when it builds a planner from a <see cref="StrategyPolicy"/> that did not come through the
/// loader (tests, tools): the same declarations, so the loader and the planner cannot disagree on what is valid.
/// </summary>
public static class StrategyParameterCheck
{
    /// <summary>Throws <see cref="ArgumentException"/> naming every undeclared key and every value out of its range.</summary>
    public static void Require(string strategy, IReadOnlyList<ParameterSpec> declared, StrategyPolicy policy)
    {
        var problems = new List<string>();
        foreach (var (key, value) in policy.Parameters)
        {
            var spec = declared.FirstOrDefault(d => d.Name == key);
            if (spec is null)
            {
                problems.Add($"{key}: unknown parameter (known: {string.Join(", ", declared.Select(d => d.Name))})");
            }
            else if (spec.Problem(value) is { } problem)
            {
                problems.Add($"{key}: {problem}");
            }
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"{strategy}: {string.Join("; ", problems)}");
        }
    }
}
