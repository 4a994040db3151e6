using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Dso.Policies.Loading;

/// <summary>
/// Reads typed fields from one YAML mapping and records every problem with its position, so a file with five
/// mistakes gets five messages in one go. Keys that were never asked for are reported as unknown at the end.
/// </summary>
internal sealed partial class MappingReader(YamlMappingNode node, string file, string entity, List<PolicyError> errors, string prefix = "", NodeLocator? locator = null)
{
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public YamlMappingNode Node => node;

    public string Entity => entity;

    public int ErrorCount => errors.Count;

    public void Error(YamlNode at, string field, string problem)
    {
        // A variant's policy is read from a merge of two files: the locator says which file a node came from.
        var (atFile, mark) = locator?.Locate(at) ?? (file, at.Start);
        errors.Add(new PolicyError(atFile, (int)mark.Line, (int)mark.Column, entity, prefix + field, problem));
    }

    /// <summary>Where a node was written, as <c>file:line:column</c> (the file a merged variant's node came from).</summary>
    public string Where(YamlNode at)
    {
        var (atFile, mark) = locator?.Locate(at) ?? (file, at.Start);
        return FormattableString.Invariant($"{atFile}:{mark.Line}:{mark.Column}");
    }

    public MappingReader Child(YamlMappingNode child, string section) => new(child, file, entity, errors, prefix + section, locator);

    public YamlNode? Raw(string key, bool required = false)
    {
        _known.Add(key);
        if (node.Children.TryGetValue(new YamlScalarNode(key), out var value) && !IsNull(value))
        {
            return value;
        }

        if (required)
        {
            Error(node, key, "is required");
        }

        return null;
    }

    public string? String(string key, bool required = false)
    {
        var value = Raw(key, required);
        if (value is null)
        {
            return null;
        }

        if (value is not YamlScalarNode scalar || scalar.Value is null)
        {
            Error(value, key, value switch
            {
                YamlSequenceNode => "must be a single value, not a list",
                YamlMappingNode => "must be a single value, not a mapping",
                _ => "must be a single value",
            });
            return null;
        }

        return scalar.Value;
    }

    public double? Number(string key, bool required = false, double min = double.MinValue, double max = double.MaxValue, bool exclusiveMin = false)
    {
        var text = String(key, required);
        if (text is null)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            Error(Raw(key)!, key, $"must be a number (was '{text}')");
            return null;
        }

        if (value < min || (exclusiveMin && value <= min) || value > max)
        {
            var range = exclusiveMin ? $"greater than {min.ToString(CultureInfo.InvariantCulture)}" : $"at least {min.ToString(CultureInfo.InvariantCulture)}";
            var upper = max < double.MaxValue ? $" and at most {max.ToString(CultureInfo.InvariantCulture)}" : "";
            Error(Raw(key)!, key, $"must be {range}{upper} (was {text})");
            return null;
        }

        return value;
    }

    public int? Integer(string key, bool required = false, int min = int.MinValue, int max = int.MaxValue)
    {
        var value = Number(key, required, min, max);
        if (value is null)
        {
            return null;
        }

        if (value != Math.Floor(value.Value))
        {
            Error(Raw(key)!, key, $"must be a whole number (was {value.Value.ToString(CultureInfo.InvariantCulture)})");
            return null;
        }

        return (int)value.Value;
    }

    public decimal? Money(string key, bool required = false, bool positive = true)
    {
        var text = String(key, required);
        if (text is null)
        {
            return null;
        }

        // No thousands separators: "0,0725" is a decimal comma, which NumberStyles.Number would read as 725.
        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            Error(Raw(key)!, key, $"must be an amount in USD such as 0.0725 or 1500, with a decimal point and no thousands separator (was '{text}')");
            return null;
        }

        if (positive ? value <= 0 : value < 0)
        {
            Error(Raw(key)!, key, $"must be {(positive ? "positive" : "zero or more")} (was {text})");
            return null;
        }

        if (value > PolicyLimits.MaxMoney)
        {
            Error(Raw(key)!, key, $"must be at most {PolicyLimits.MaxMoney.ToString(CultureInfo.InvariantCulture)} USD (was {text})");
            return null;
        }

        return value;
    }

    public TimeSpan? Duration(string key, bool required = false, TimeSpan? min = null, TimeSpan? max = null)
    {
        var text = String(key, required);
        if (text is null)
        {
            return null;
        }

        if (!TryParseDuration(text, out var value))
        {
            Error(Raw(key)!, key, $"must be a duration such as 30s, 5m, 1h, 1d or 250ms (was '{text}')");
            return null;
        }

        if (min is { } lower && value < lower)
        {
            Error(Raw(key)!, key, $"must be at least {Parameters.PolicyDuration.Format(lower)} (was '{text}')");
            return null;
        }

        var upper = max ?? PolicyLimits.MaxDuration;
        if (value > upper)
        {
            Error(Raw(key)!, key, $"must be at most {Parameters.PolicyDuration.Format(upper)} (was '{text}')");
            return null;
        }

        return value;
    }

    public T? Enum<T>(string key, bool required = false)
        where T : struct, Enum
    {
        var text = String(key, required);
        if (text is null)
        {
            return null;
        }

        // Only a declared name: Enum.TryParse alone would also take a number ("7") or a flag list ("hard, soft"),
        // which silently mean something else (a hard budget that is not hard).
        var name = text.Replace("_", "").Replace("-", "");
        if (System.Enum.GetNames<T>().FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) is { } declared)
        {
            return System.Enum.Parse<T>(declared);
        }

        var known = string.Join(", ", System.Enum.GetNames<T>().Select(ToSnake));
        Error(Raw(key)!, key, $"'{text}' is not one of: {known}");
        return null;
    }

    public YamlMappingNode? Mapping(string key, bool required = false)
    {
        var value = Raw(key, required);
        if (value is null || value is YamlMappingNode)
        {
            return value as YamlMappingNode;
        }

        Error(value, key, "must be a mapping (key: value lines)");
        return null;
    }

    public YamlSequenceNode? Sequence(string key, bool required = false)
    {
        var value = Raw(key, required);
        if (value is null || value is YamlSequenceNode)
        {
            return value as YamlSequenceNode;
        }

        Error(value, key, "must be a list");
        return null;
    }

    /// <summary>Reports keys this reader never asked for: typos are errors, not silently ignored settings.</summary>
    public void RejectUnknownKeys()
    {
        foreach (var (key, _) in node.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? "?";
            if (name == "<<")
            {
                Error(key, name, "YAML merge keys are not supported: write the keys out (an alias of a whole value, 'slo: *slo', works)");
            }
            else if (!_known.Contains(name))
            {
                Error(key, name, $"unknown key (known: {string.Join(", ", _known.Order(StringComparer.Ordinal))})");
            }
        }
    }

    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        var match = DurationPattern().Match(text.Trim());
        if (match.Success)
        {
            var amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var milliseconds = amount * match.Groups[2].Value switch
            {
                "ms" => 1,
                "s" or "" => 1000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => 86_400_000,
            };

            // TimeSpan throws past about 29,000 years; a duration that long is a typo, reported like any other.
            if (!double.IsFinite(milliseconds) || milliseconds >= TimeSpan.MaxValue.TotalMilliseconds)
            {
                value = TimeSpan.Zero;
                return false;
            }

            value = TimeSpan.FromMilliseconds(milliseconds);
            return true;
        }

        // Only the documented forms: "5:30" (hours, by TimeSpan's reading) or "PT5M" are rejected, not guessed at.
        value = TimeSpan.Zero;
        return false;
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: "" or "~" or "null" };

    private static string ToSnake(string name) => SnakePattern().Replace(name, "$1_$2").ToLowerInvariant();

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m|h|d|)$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex("([a-z])([A-Z])")]
    private static partial Regex SnakePattern();
}
