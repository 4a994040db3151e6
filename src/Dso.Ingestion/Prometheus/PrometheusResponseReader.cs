using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Dso.Ingestion.Prometheus;

/// <summary>
/// Reads the HTTP API's envelope (<c>{"status":"success","data":{"resultType":..., "result":...}}</c>) into series.
/// Values arrive as strings so NaN and ±Inf survive JSON; they are kept and judged by the caller.
/// </summary>
internal static class PrometheusResponseReader
{
    /// <summary>Unix seconds of the last time <see cref="DateTimeOffset"/> holds (9999-12-31).</summary>
    private static readonly double MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    public static IReadOnlyList<PrometheusSeries> Read(string json, string query)
    {
        try
        {
            return ReadEnvelope(json, query);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException or ArgumentException)
        {
            // Usually the URL points at something that is not Prometheus (a proxy's HTML page, another API).
            var start = json.Length > 60 ? json[..60] + "..." : json;
            throw new PrometheusQueryException($"query '{query}': the answer is not a Prometheus API response ({ex.GetType().Name}): {start}", isTransient: false);
        }
    }

    private static IReadOnlyList<PrometheusSeries> ReadEnvelope(string json, string query)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.GetProperty("status").GetString() != "success")
        {
            var type = root.TryGetProperty("errorType", out var t) ? t.GetString() : "error";
            var error = root.TryGetProperty("error", out var e) ? e.GetString() : "(no message)";
            throw new PrometheusQueryException($"query '{query}' failed: {type}: {error}", isTransient: type is "timeout" or "unavailable");
        }

        var data = root.GetProperty("data");
        var result = data.GetProperty("result");
        return data.GetProperty("resultType").GetString() switch
        {
            "scalar" => [new PrometheusSeries("", [Point(result)])],
            "vector" => result.EnumerateArray().Select(s => new PrometheusSeries(Labels(s), [Point(s.GetProperty("value"))])).ToArray(),
            "matrix" => result.EnumerateArray().Select(s => new PrometheusSeries(Labels(s), s.GetProperty("values").EnumerateArray().Select(Point).ToArray())).ToArray(),
            null => throw new FormatException("no resultType"),
            var other => throw new PrometheusQueryException($"query '{query}' returned a {other}, not a number; KPI queries must yield one value", isTransient: false),
        };
    }

    private static (long, double) Point(JsonElement pair)
    {
        var seconds = pair[0].GetDouble();
        if (!(Math.Abs(seconds) <= MaxUnixSeconds))
        {
            // Out of range for a time at all: cast to milliseconds it became a time no reading can have.
            throw new FormatException($"timestamp {seconds.ToString(CultureInfo.InvariantCulture)} is not a time");
        }

        var text = pair[1].GetString();
        var value = text switch
        {
            "NaN" => double.NaN,
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            _ => double.Parse(text!, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return ((long)Math.Round(seconds * 1000), value);
    }

    private static string Labels(JsonElement series)
    {
        if (!series.TryGetProperty("metric", out var metric))
        {
            return "{}";
        }

        var text = new StringBuilder("{");
        foreach (var label in metric.EnumerateObject())
        {
            text.Append(text.Length > 1 ? "," : "").Append(label.Name).Append("=\"").Append(label.Value.GetString()).Append('"');
        }

        return text.Append('}').ToString();
    }
}
