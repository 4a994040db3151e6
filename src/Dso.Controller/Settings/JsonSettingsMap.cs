using System.Text;
using System.Text.Json;

namespace Dso.Controller.Settings;

/// <summary>
/// Where each configuration key's value sits in a JSON settings file, read as the host's JSON provider reads it
/// (comments and trailing commas allowed; keys joined by ':', array items by index; case-insensitive), so an error
/// about a key can name its <c>file:line:column</c>.
/// </summary>
internal sealed class JsonSettingsMap
{
    private readonly byte[] _bytes;
    private readonly List<int> _lineStarts;
    private readonly Dictionary<string, int> _values = new(StringComparer.OrdinalIgnoreCase);

    private JsonSettingsMap(byte[] bytes)
    {
        _bytes = bytes;
        // The reader, like the provider's, starts after a byte-order mark and counts the first line from there.
        _lineStarts = [Bom(bytes)];
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    /// <summary>The file's map, or null when it cannot be read (it is then named without a line).</summary>
    public static JsonSettingsMap? TryRead(string path)
    {
        try
        {
            var map = new JsonSettingsMap(File.ReadAllBytes(path));
            map.Scan();
            return map;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The 1-based line and column of <paramref name="key"/>'s value (of its <c>{</c> for a section), if the file holds it.</summary>
    public (int Line, int Column)? Find(string key) => _values.TryGetValue(key, out var offset) ? Position(offset) : null;

    /// <summary>Line and column of a reader's error position (0-based line, byte in line), as <see cref="Find"/> counts them.</summary>
    public (int Line, int Column) Position(long lineNumber, long bytePositionInLine)
    {
        var line = (int)Math.Min(lineNumber, _lineStarts.Count - 1);
        return Position(_lineStarts[line] + (int)Math.Min(bytePositionInLine, _bytes.Length - _lineStarts[line]));
    }

    private void Scan()
    {
        var bom = Bom(_bytes);
        var reader = new Utf8JsonReader(_bytes.AsSpan(bom), new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        // Per open object or array: its key, and for an array the index of its next item.
        var open = new List<(string? Key, int NextIndex, bool IsArray)>();
        string? property = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.GetString();
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        open.RemoveAt(open.Count - 1);
                        continue;
                }

                string? key = null;
                if (open.Count > 0)
                {
                    var parent = open[^1];
                    var segment = parent.IsArray ? parent.NextIndex.ToString(System.Globalization.CultureInfo.InvariantCulture) : property!;
                    if (parent.IsArray)
                    {
                        open[^1] = parent with { NextIndex = parent.NextIndex + 1 };
                    }

                    key = parent.Key is null ? segment : $"{parent.Key}:{segment}";
                    _values[key] = bom + (int)reader.TokenStartIndex;
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    open.Add((key, 0, reader.TokenType == JsonTokenType.StartArray));
                }
            }
        }
        catch (JsonException)
        {
            // Keys up to the error are still found; the provider's own exception reports the error itself.
        }
    }

    /// <summary>The reader's message without its own 0-based position (the caller names the 1-based one).</summary>
    public static string ReaderMessage(string message)
    {
        var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (at < 0 ? message : message[..at]).TrimEnd();
    }

    private (int Line, int Column) Position(int offset)
    {
        var line = _lineStarts.BinarySearch(offset);
        line = line >= 0 ? line : ~line - 1;
        return (line + 1, Encoding.UTF8.GetCharCount(_bytes, _lineStarts[line], offset - _lineStarts[line]) + 1);
    }

    private static int Bom(byte[] bytes) => bytes is [0xEF, 0xBB, 0xBF, ..] ? 3 : 0;
}
