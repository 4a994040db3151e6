using System.Globalization;

namespace Dso.Ingestion;

/// <summary>Durations in source options as the policy spells them elsewhere: <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c>, <c>1d</c> or <c>hh:mm:ss</c>.</summary>
public static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        var unitStart = trimmed.Length;
        while (unitStart > 0 && char.IsAsciiLetter(trimmed[unitStart - 1]))
        {
            unitStart--;
        }

        if (unitStart > 0 && unitStart < trimmed.Length
            && double.TryParse(trimmed.AsSpan(0, unitStart), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0)
        {
            double? milliseconds = trimmed[unitStart..] switch
            {
                "ms" => amount,
                "s" => amount * 1000,
                "m" => amount * 60_000,
                "h" => amount * 3_600_000,
                "d" => amount * 86_400_000,
                _ => null,
            };

            // Past TimeSpan's range (about 29,000 years) is a typo, refused like any other instead of overflowing.
            if (milliseconds is not { } ms || !double.IsFinite(ms) || ms >= TimeSpan.MaxValue.TotalMilliseconds)
            {
                return false;
            }

            value = TimeSpan.FromMilliseconds(ms);
            return true;
        }

        return TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
    }
}
