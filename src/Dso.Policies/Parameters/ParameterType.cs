namespace Dso.Policies.Parameters;

/// <summary>How a strategy parameter is written in YAML.</summary>
public enum ParameterType
{
    /// <summary>A number such as <c>0.98</c>.</summary>
    Number,

    /// <summary>A whole number such as <c>3</c>.</summary>
    Integer,

    /// <summary>A duration written like the rest of the policy (<c>250ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c>, <c>1d</c>); held in seconds.</summary>
    Duration,

    /// <summary><c>true</c> or <c>false</c>; held as 1 or 0.</summary>
    Boolean,
}
