using System.Globalization;
using System.Text;

namespace Dso.Ingestion.Push;

/// <summary>
/// Reads the Prometheus text exposition format (<c>name{labels} value [timestamp_ms]</c>, <c>#</c> comments), so
/// anything that can expose or push to a Pushgateway can push here. Labels are accepted and ignored: a push
/// service sends one series per KPI. Problems are reported by line number.
/// </summary>
internal static class PrometheusTextParser
{
    public static void Parse(ReadOnlySpan<byte> text, PushSchema schema, long nowMs, PushBatch batch)
    {
        Span<char> name = stackalloc char[PushSchema.MaxKpiNameLength + 1];
        var lineNumber = 0;
        while (!text.IsEmpty)
        {
            lineNumber++;
            var end = text.IndexOf((byte)'\n');
            var line = (end < 0 ? text : text[..end]).Trim(" \t\r"u8);
            text = end < 0 ? default : text[(end + 1)..];
            if (line.IsEmpty || line[0] == (byte)'#')
            {
                continue;
            }

            if (!batch.Admit())
            {
                return;
            }

            ParseLine(line, lineNumber, schema, nowMs, batch, name);
        }
    }

    private static void ParseLine(ReadOnlySpan<byte> line, int lineNumber, PushSchema schema, long nowMs, PushBatch batch, Span<char> name)
    {
        var nameEnd = line.IndexOfAny("{ \t"u8);
        if (nameEnd <= 0)
        {
            batch.Reject(lineNumber, "metric", "expected 'metric_name{labels} value [timestamp_ms]'");
            return;
        }

        var metric = line[..nameEnd];
        var rest = line[nameEnd..];
        if (rest[0] == (byte)'{')
        {
            var close = LabelsEnd(rest);
            if (close < 0)
            {
                batch.Reject(lineNumber, "labels", "unterminated label set");
                return;
            }

            rest = rest[(close + 1)..];
        }

        rest = rest.TrimStart(" \t"u8);
        var valueEnd = rest.IndexOfAny(" \t"u8);
        var valueText = valueEnd < 0 ? rest : rest[..valueEnd];
        var timestampText = valueEnd < 0 ? default : rest[valueEnd..].Trim(" \t"u8);
        var kpi = "";
        if (metric.Length > PushSchema.MaxKpiNameLength || !schema.TryResolveMetric(name[..Encoding.UTF8.GetChars(metric, name)], out kpi))
        {
            var shown = Encoding.UTF8.GetString(metric[..Math.Min(metric.Length, 80)]);
            batch.Reject(lineNumber, "metric", JsonPushParser.Unknown(schema, shown));
            return;
        }

        if (valueText.IsEmpty || !(TryParseFloat(valueText, out var value) || double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out value)))
        {
            batch.Reject(lineNumber, "value", $"'{Encoding.UTF8.GetString(valueText)}' is not a number");
            return;
        }

        var timeMs = nowMs;
        if (!timestampText.IsEmpty && !long.TryParse(timestampText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out timeMs))
        {
            batch.Reject(lineNumber, "timestamp", $"'{Encoding.UTF8.GetString(timestampText)}' is not Unix milliseconds");
            return;
        }

        batch.Add(lineNumber, kpi, timeMs, value);
    }

    /// <summary>The exposition format's special floats, which <see cref="double.TryParse(string?, out double)"/> spells differently.</summary>
    internal static bool TryParseFloat(ReadOnlySpan<byte> text, out double value)
    {
        value = text switch
        {
            _ when text.SequenceEqual("NaN"u8) => double.NaN,
            _ when text.SequenceEqual("+Inf"u8) || text.SequenceEqual("Inf"u8) => double.PositiveInfinity,
            _ when text.SequenceEqual("-Inf"u8) => double.NegativeInfinity,
            _ => 0,
        };
        return value != 0;
    }

    private static int LabelsEnd(ReadOnlySpan<byte> labels)
    {
        var quoted = false;
        for (var i = 1; i < labels.Length; i++)
        {
            var c = labels[i];
            if (quoted && c == (byte)'\\')
            {
                i++;
            }
            else if (c == (byte)'"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == (byte)'}')
            {
                return i;
            }
        }

        return -1;
    }
}
