using Dso.Policies.Loading;

namespace Dso.Policies.Parameters;

/// <summary>Durations as policies write them (<c>250ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c>, <c>1d</c>), both ways.</summary>
public static class PolicyDuration
{
    public static bool TryParse(string text, out TimeSpan value) => MappingReader.TryParseDuration(text, out value);

    /// <summary>The shortest exact form in the largest unit: 3600 s is <c>1h</c>, 90 s is <c>90s</c>.</summary>
    public static string Format(TimeSpan value) => Dso.Abstractions.DurationFormat.Shortest(value);
}
