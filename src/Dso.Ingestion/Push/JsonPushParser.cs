using System.Globalization;
using System.Text.Json;

namespace Dso.Ingestion.Push;

/// <summary>
/// Reads <c>{"samples":[{"kpi":"request_rate","timestamp":"2026-01-01T00:00:00Z","value":12.5}, ...]}</c> with
/// <see cref="Utf8JsonReader"/> straight from the request bytes: no DOM, no per-sample allocation for known KPI
/// names. <c>kpi</c> is a KPI name or the metric name <c>metrics.queries</c> maps to it, as in the text format. A
/// timestamp may be ISO 8601 or Unix seconds (wall-clock time); without one the sample is stamped on arrival. A value may
/// be a number or a numeric string (so "NaN" can be named as the problem instead of failing the whole body).
/// </summary>
internal static class JsonPushParser
{
    public static void Parse(ReadOnlySpan<byte> json, PushSchema schema, long nowMs, PushBatch batch)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 16 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                batch.Fail("expected a JSON object {\"samples\": [...]}");
                return;
            }

            var sawSamples = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("samples"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                sawSamples = true;
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    batch.Fail("'samples' must be an array");
                    return;
                }

                if (!ReadSamples(ref reader, schema, nowMs, batch))
                {
                    return;
                }
            }

            if (!sawSamples)
            {
                batch.Fail("the body has no 'samples' array");
            }
        }
        catch (JsonException ex)
        {
            batch.ClearSamples();
            batch.Fail($"malformed JSON at line {(ex.LineNumber ?? 0) + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}: {ex.Message.Split(" LineNumber", 2)[0]}");
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader throws this (not JsonException) for a string that is not valid UTF-8 when it is decoded.
            batch.ClearSamples();
            batch.Fail($"the body is not valid UTF-8 JSON: {ex.Message}");
        }
    }

    private static bool ReadSamples(ref Utf8JsonReader reader, PushSchema schema, long nowMs, PushBatch batch)
    {
        // Room for any name the length check below lets through (up to 4 bytes per character), so CopyString cannot overflow it.
        Span<char> name = stackalloc char[(PushSchema.MaxKpiNameLength * 4) + 1];
        for (var index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
        {
            if (!batch.Admit())
            {
                return false;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                batch.Reject(index, "sample", "must be an object {\"kpi\", \"timestamp\", \"value\"}");
                continue;
            }

            string? kpi = null, field = null, problem = null;
            long timeMs = nowMs;
            double value = double.NaN;
            var hasValue = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("kpi"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length > PushSchema.MaxKpiNameLength * 4)
                    {
                        reader.Skip();
                        (field, problem) = problem is null ? ("kpi", "must be a string of at most 64 characters") : (field, problem);
                        continue;
                    }

                    var length = reader.CopyString(name);
                    if (!schema.TryResolveMetric(name[..length], out kpi!))
                    {
                        (field, problem) = problem is null ? ("kpi", Unknown(schema, name[..length])) : (field, problem);
                    }
                }
                else if (reader.ValueTextEquals("timestamp"u8))
                {
                    reader.Read();
                    if (!TryReadTimestamp(ref reader, nowMs, out timeMs) && problem is null)
                    {
                        (field, problem) = ("timestamp", "must be an ISO 8601 date-time or Unix seconds");
                    }
                }
                else if (reader.ValueTextEquals("value"u8))
                {
                    reader.Read();
                    hasValue = TryReadValue(ref reader, out value);
                    if (!hasValue && problem is null)
                    {
                        (field, problem) = ("value", "must be a number");
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (problem is null && kpi is null)
            {
                (field, problem) = ("kpi", "is required");
            }
            else if (problem is null && !hasValue)
            {
                (field, problem) = ("value", "is required");
            }

            if (problem is not null)
            {
                batch.Reject(index, field!, problem);
            }
            else
            {
                batch.Add(index, kpi!, timeMs, value);
            }
        }

        return true;
    }

    internal static string Unknown(PushSchema schema, ReadOnlySpan<char> name) => !PushSchema.IsValidName(name)
        ? $"'{name}' is not a KPI name (letters, digits and '_', at most {PushSchema.MaxKpiNameLength})"
        : $"unknown KPI '{name}' for service '{schema.Service}' (known: {schema.KnownNames})";

    private static bool TryReadTimestamp(ref Utf8JsonReader reader, long nowMs, out long timeMs)
    {
        timeMs = nowMs;
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return true;
            case JsonTokenType.String when reader.TryGetDateTimeOffset(out var at):
                timeMs = at.ToUnixTimeMilliseconds();
                return true;
            case JsonTokenType.Number when reader.TryGetDouble(out var seconds) && double.IsFinite(seconds) && Math.Abs(seconds) < 1e11:
                timeMs = (long)Math.Round(seconds * 1000);
                return true;
            default:
                if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
                {
                    reader.Skip();
                }

                return false;
        }
    }

    private static bool TryReadValue(ref Utf8JsonReader reader, out double value)
    {
        value = double.NaN;
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                // An overflowing literal (1e999) reads as not-a-double; report it as not finite, which it is.
                if (!reader.TryGetDouble(out value))
                {
                    value = double.PositiveInfinity;
                }

                return true;
            case JsonTokenType.String:
                return PrometheusTextParser.TryParseFloat(reader.ValueSpan, out value)
                    || double.TryParse(reader.ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
            default:
                if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
                {
                    reader.Skip();
                }

                return false;
        }
    }
}
