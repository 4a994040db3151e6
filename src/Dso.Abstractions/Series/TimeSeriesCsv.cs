using System.Globalization;

namespace Dso.Abstractions.Series;

/// <summary>
/// Reads and writes <c>timestamp,value</c> CSV traces (the NAB and workload-trace format).
/// Every error names the file and line, because operators hand us files they did not write.
/// </summary>
public static class TimeSeriesCsv
{
    private static readonly string[] TimestampFormats =
    [
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-dd HH:mm", "yyyy-MM-ddTHH:mm",
        "yyyy-MM-ddTHH:mm:ss.fffZ", "yyyy-MM-ddTHH:mm:ssK",
    ];

    /// <summary>
    /// Reads a whole trace. Rows must be in strictly increasing time order unless <paramref name="allowUnordered"/>:
    /// workload traces must be ordered for replay, but real KPI exports (and 8 NAB files) repeat an hour at a DST
    /// change or log two samples in one second, and per-row scoring keeps such rows in file order.
    /// </summary>
    public static IReadOnlyList<TimeSeriesPoint> Read(string path, string valueColumn = "value", bool allowUnordered = false)
    {
        using var reader = OpenText(path);
        return Read(reader, path, valueColumn, allowUnordered);
    }

    public static IReadOnlyList<TimeSeriesPoint> Read(TextReader reader, string source, string valueColumn = "value", bool allowUnordered = false)
    {
        var lines = new LineReader(reader, source);
        var header = lines.Next(1) ?? throw new TimeSeriesCsvException($"{source}:1: file is empty (expected a 'timestamp,{valueColumn}' header)");
        var columns = header.Split(',').Select(c => c.Trim().Trim('"')).ToArray();
        var tsIndex = Array.FindIndex(columns, c => c.Equals("timestamp", StringComparison.OrdinalIgnoreCase));
        var valueIndex = Array.FindIndex(columns, c => c.Equals(valueColumn, StringComparison.OrdinalIgnoreCase));
        if (tsIndex < 0 || valueIndex < 0)
        {
            throw new TimeSeriesCsvException($"{source}:1: header must name 'timestamp' and '{valueColumn}' columns (was '{header}')");
        }

        var points = new List<TimeSeriesPoint>();
        var lineNumber = 1;
        string? line;
        while ((line = lines.Next(lineNumber + 1)) is not null)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split(',');
            if (line.Contains('"') && fields.Any(SplitQuote))
            {
                // "1,234" split at its comma would read as 1: refuse it instead of truncating the number.
                throw new TimeSeriesCsvException($"{source}:{lineNumber}: a quoted field holds a comma ('{line}'); write numbers with a decimal point and no thousands separator");
            }

            if (fields.Length <= Math.Max(tsIndex, valueIndex))
            {
                throw new TimeSeriesCsvException($"{source}:{lineNumber}: expected {columns.Length} fields, found {fields.Length}");
            }

            var timestamp = ParseTimestamp(fields[tsIndex], source, lineNumber, Column(fields, tsIndex));
            if (!double.TryParse(fields[valueIndex].Trim().Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                throw new TimeSeriesCsvException($"{source}:{lineNumber}: value '{fields[valueIndex]}' is not a finite number");
            }

            if (!allowUnordered && points.Count > 0 && timestamp <= points[^1].Timestamp)
            {
                throw new TimeSeriesCsvException($"{source}:{lineNumber}: timestamp {fields[tsIndex]} is not after the previous row's");
            }

            points.Add(new TimeSeriesPoint(timestamp, value));
        }

        return points;
    }

    /// <summary>Whether a field is one piece of a quoted field that held a comma (opens or closes a quote, not both).</summary>
    private static bool SplitQuote(string field)
    {
        var t = field.Trim();
        return t == "\"" || t.StartsWith('"') != t.EndsWith('"');
    }

    /// <summary>
    /// Earliest and latest year a trace may hold: every trace here is from 1995 on, and the loop looks back weeks and
    /// forecasts ahead from each row, arithmetic that a timestamp in year 1 or 9999 would take off the calendar.
    /// </summary>
    public const int MinYear = 1900;

    /// <inheritdoc cref="MinYear"/>
    public const int MaxYear = 2999;

    /// <summary>
    /// Parses the timestamp forms the traces use; naive timestamps are taken as UTC. A date written day or month first
    /// (<c>03/04/2026</c>) is refused as ambiguous (<see cref="DateOrder"/>). Errors name <paramref name="column"/> when given.
    /// </summary>
    public static DateTimeOffset ParseTimestamp(string text, string source, int lineNumber, int column = 0)
    {
        var trimmed = text.Trim().Trim('"');
        if (DateOrder.Problem(trimmed) is { } ambiguous)
        {
            throw new TimeSeriesCsvException($"{At()}: timestamp {ambiguous}");
        }

        if (!DateTimeOffset.TryParseExact(trimmed, TimestampFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed) &&
            !DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out parsed))
        {
            throw new TimeSeriesCsvException($"{At()}: timestamp '{text}' is not a date and time ({DateOrder.Advice})");
        }

        return parsed.Year is >= MinYear and <= MaxYear
            ? parsed
            : throw new TimeSeriesCsvException($"{At()}: timestamp '{text}' is outside the years {MinYear}-{MaxYear} a trace may cover");

        // Formatted only for an error: this runs once per row of every trace.
        string At() => column > 0 ? $"{source}:{lineNumber}:{column}" : $"{source}:{lineNumber}";
    }

    /// <summary>The 1-based column where field <paramref name="index"/>'s text starts (past blanks and an opening quote).</summary>
    private static int Column(string[] fields, int index)
    {
        var start = 0;
        for (var i = 0; i < index; i++)
        {
            start += fields[i].Length + 1;
        }

        var field = fields[index];
        var skipped = field.Length - field.TrimStart().TrimStart('"').Length;
        return start + skipped + 1;
    }

    /// <summary>Reads the raw timestamp strings, so outputs can echo them exactly as the input wrote them.</summary>
    public static IReadOnlyList<string> ReadRawTimestamps(string path)
    {
        using var reader = OpenText(path);
        var lines = new LineReader(reader, path);
        var header = lines.Next(1) ?? string.Empty;
        var tsIndex = Array.FindIndex(header.Split(','), c => c.Trim().Trim('"').Equals("timestamp", StringComparison.OrdinalIgnoreCase));
        var raw = new List<string>();
        string? line;
        var lineNumber = 1;
        while ((line = lines.Next(++lineNumber)) is not null)
        {
            if (line.Length > 0)
            {
                raw.Add(line.Split(',')[Math.Max(tsIndex, 0)].Trim().Trim('"'));
            }
        }

        return raw;
    }

    private static StreamReader OpenText(string path)
    {
        if (Directory.Exists(path))
        {
            // Opening a directory fails with "access denied", which sends the operator after permissions.
            throw new TimeSeriesCsvException($"{path}: is a directory, not a timestamp,value CSV file");
        }

        try
        {
            return new StreamReader(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new TimeSeriesCsvException($"{path}: cannot open ({ex.Message})");
        }
    }

    /// <summary>The longest line a trace may have: a timestamp, a value and a few more columns fit many times over.</summary>
    public const int MaxLineLength = 65_536;

    /// <summary>
    /// Lines as <see cref="TextReader.ReadLine"/> splits them (CR, LF or CRLF), refusing what is no CSV before it can
    /// fill memory or never end: a line longer than <see cref="MaxLineLength"/> or a NUL character (a binary file, a
    /// device such as /dev/zero).
    /// </summary>
    private sealed class LineReader(TextReader reader, string source)
    {
        private readonly char[] _buffer = new char[8192];
        private readonly System.Text.StringBuilder _line = new();
        private int _length;
        private int _position;

        public string? Next(int lineNumber)
        {
            _line.Clear();
            while (true)
            {
                if (_position == _length)
                {
                    _length = reader.Read(_buffer, 0, _buffer.Length);
                    _position = 0;
                    if (_length == 0)
                    {
                        return _line.Length > 0 ? _line.ToString() : null;
                    }
                }

                var start = _position;
                while (_position < _length && _buffer[_position] is not ('\n' or '\r' or '\0'))
                {
                    _position++;
                }

                if (_line.Length + (_position - start) > MaxLineLength)
                {
                    throw new TimeSeriesCsvException($"{source}:{lineNumber}: line is longer than {MaxLineLength:N0} characters: not a timestamp,value CSV");
                }

                _line.Append(_buffer, start, _position - start);
                if (_position == _length)
                {
                    continue;
                }

                var end = _buffer[_position++];
                if (end == '\0')
                {
                    throw new TimeSeriesCsvException($"{source}:{lineNumber}: holds a NUL character: a binary file or device, not a timestamp,value CSV");
                }

                if (end == '\r')
                {
                    if (_position == _length)
                    {
                        _length = reader.Read(_buffer, 0, _buffer.Length);
                        _position = 0;
                    }

                    if (_position < _length && _buffer[_position] == '\n')
                    {
                        _position++;
                    }
                }

                return _line.ToString();
            }
        }
    }
}
