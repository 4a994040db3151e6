using System.Globalization;

namespace Dso.Abstractions;

/// <summary>Durations as policies and source options write them (<c>250ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c>, <c>1d</c>).</summary>
public static class DurationFormat
{
    /// <summary>The shortest exact form in the largest unit: 3600 s is <c>1h</c>, 90 s is <c>90s</c>, 0.05 s is <c>50ms</c>.</summary>
    public static string Shortest(TimeSpan value)
    {
        var ms = value.TotalMilliseconds;
        foreach (var (unit, size) in new[] { ("d", 86_400_000.0), ("h", 3_600_000.0), ("m", 60_000.0), ("s", 1000.0) })
        {
            if (ms != 0 && ms % size == 0)
            {
                return (ms / size).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return ms == 0 ? "0s" : ms.ToString(CultureInfo.InvariantCulture) + "ms";
    }
}
