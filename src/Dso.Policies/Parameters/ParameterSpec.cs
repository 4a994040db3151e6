using System.Globalization;

namespace Dso.Policies.Parameters;

/// <summary>
/// One parameter a strategy declares: its name, type, allowed range, default and unit. The policy loader checks
/// a policy's <c>strategy.parameters</c> against these declarations (with file:line:column errors) and the strategy
/// re-checks them when it builds a planner, so both read one definition of what is valid.
/// Values are held as doubles: durations in seconds, booleans as 1 or 0.
/// </summary>
public sealed record ParameterSpec(string Name, ParameterType Type, double Default, string Unit, string Description)
{
    public double Min { get; init; } = double.NegativeInfinity;

    public double Max { get; init; } = double.PositiveInfinity;

    public bool MinExclusive { get; init; }

    public bool MaxExclusive { get; init; }

    /// <summary>The allowed range in interval notation with values written as the YAML writes them, e.g. <c>(0.5, 1)</c> or <c>[0s, ∞)</c>.</summary>
    public string Range => Type == ParameterType.Boolean
        ? "true | false"
        : $"{(MinExclusive ? "(" : "[")}{(double.IsNegativeInfinity(Min) ? "-∞" : Format(Min))}, {(double.IsPositiveInfinity(Max) ? "∞" : Format(Max))}{(MaxExclusive ? ")" : "]")}";

    /// <summary>The default as the YAML would write it.</summary>
    public string DefaultText => Format(Default);

    /// <summary>Why <paramref name="value"/> is not allowed, or null when it is.</summary>
    public string? Problem(double value)
    {
        if (!double.IsFinite(value))
        {
            return $"must be a finite {Describe()} (was {Format(value)})";
        }

        if (Type == ParameterType.Integer && value != Math.Floor(value))
        {
            return $"must be a whole number (was {Format(value)})";
        }

        var below = MinExclusive ? value <= Min : value < Min;
        var above = MaxExclusive ? value >= Max : value > Max;
        return below || above ? $"must be in {Range} (was {Format(value)})" : null;
    }

    /// <summary>Parses the YAML text of this parameter; returns null and a problem when it is not of the declared type.</summary>
    public double? Parse(string text, out string? problem)
    {
        problem = null;
        switch (Type)
        {
            case ParameterType.Boolean:
                if (bool.TryParse(text, out var flag))
                {
                    return flag ? 1 : 0;
                }

                problem = $"must be true or false (was '{text}')";
                return null;
            case ParameterType.Duration:
                if (PolicyDuration.TryParse(text, out var duration))
                {
                    return duration.TotalSeconds;
                }

                problem = $"must be a duration such as 30s, 5m, 1h or 250ms (was '{text}')";
                return null;
            default:
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
                {
                    return number;
                }

                problem = $"must be a {Describe()} (was '{text}')";
                return null;
        }
    }

    /// <summary>Writes a held value the way the YAML writes it (durations as <c>5m</c>, booleans as <c>true</c>).</summary>
    public string Format(double value) => Type switch
    {
        ParameterType.Boolean => value != 0 ? "true" : "false",
        ParameterType.Duration when double.IsFinite(value) => PolicyDuration.Format(TimeSpan.FromSeconds(value)),
        _ => value.ToString(CultureInfo.InvariantCulture),
    };

    private string Describe() => Type switch
    {
        ParameterType.Integer => "whole number",
        ParameterType.Duration => "duration",
        ParameterType.Boolean => "boolean",
        _ => "number",
    };
}
