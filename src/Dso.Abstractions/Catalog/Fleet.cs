using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Dso.Abstractions.Catalog;

/// <summary>
/// How many instances of each type: the desired or the actual state of a scale group. Immutable, with zero
/// counts dropped so that equal fleets compare and print equal (<c>c7g.large=3;c7g.2xlarge=1</c>).
/// </summary>
public sealed class Fleet : IEquatable<Fleet>
{
    public static readonly Fleet Empty = new(ImmutableSortedDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal));

    private Fleet(ImmutableSortedDictionary<string, int> counts) => Counts = counts;

    public ImmutableSortedDictionary<string, int> Counts { get; }

    public int Total => Counts.Values.Sum();

    public int this[string type] => Counts.GetValueOrDefault(type);

    public static Fleet Of(IEnumerable<KeyValuePair<string, int>> counts)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);
        foreach (var (name, count) in counts)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(count, name);
            if (count > 0)
            {
                builder[name] = builder.GetValueOrDefault(name) + count;
            }
        }

        return new Fleet(builder.ToImmutable());
    }

    public static Fleet Of(params (string Type, int Count)[] counts) =>
        Of(counts.Select(c => new KeyValuePair<string, int>(c.Type, c.Count)));

    public Fleet With(string type, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new Fleet(count == 0 ? Counts.Remove(type) : Counts.SetItem(type, count));
    }

    /// <summary>Parses <c>type=count;type=count</c> (empty = no instances).</summary>
    public static Fleet Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Empty;
        }

        var items = new List<KeyValuePair<string, int>>();
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0 || !int.TryParse(part[(eq + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                throw new FormatException($"fleet item '{part}' is not type=count with a non-negative count");
            }

            items.Add(new(part[..eq].Trim(), count));
        }

        return Of(items);
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var (name, count) in Counts)
        {
            if (sb.Length > 0)
            {
                sb.Append(';');
            }

            sb.Append(name).Append('=').Append(count.ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    public bool Equals(Fleet? other) => other is not null && Counts.Count == other.Counts.Count &&
        Counts.All(kv => other.Counts.TryGetValue(kv.Key, out var c) && c == kv.Value);

    public override bool Equals(object? obj) => Equals(obj as Fleet);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (name, count) in Counts)
        {
            hash.Add(name, StringComparer.Ordinal);
            hash.Add(count);
        }

        return hash.ToHashCode();
    }
}
