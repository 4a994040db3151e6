using System.ComponentModel.DataAnnotations;

namespace Dso.Ingestion.Prometheus;

/// <summary>
/// A service's Prometheus connection, from its policy's <c>metrics.options</c>: <c>url</c>, <c>timeout</c>
/// (per attempt), <c>retries</c>, <c>backoff</c> (first retry delay, doubled with jitter) and <c>backfill</c>.
/// </summary>
public sealed record PrometheusSourceOptions
{
    public const string DefaultUrl = "http://127.0.0.1:9090";
    public const int DefaultRetries = 2;

    public Uri Url { get; init; } = new(DefaultUrl);

    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(5);

    [Range(0, 10)]
    public int Retries { get; init; } = DefaultRetries;

    public TimeSpan Backoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How much history a cold loop asks for; a day covers the daily cycle the detectors learn.</summary>
    public TimeSpan Backfill { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Bounds one read however the retries go, so a hung Prometheus cannot stall the loop's tick.</summary>
    public TimeSpan TotalTimeout => (AttemptTimeout * (Retries + 1)) + (Backoff * ((1 << Retries) + 1));

    /// <summary>Reads the policy options, collecting every problem (service and option named) instead of stopping at the first.</summary>
    public static PrometheusSourceOptions FromPolicy(string service, IReadOnlyDictionary<string, string> options, List<string> errors)
    {
        var result = new PrometheusSourceOptions();
        if (options.TryGetValue("url", out var url))
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                result = result with { Url = uri };
            }
            else
            {
                errors.Add($"service '{service}': metrics.options.url must be an http(s) URL (was '{url}')");
            }
        }

        result = result with
        {
            AttemptTimeout = Duration(service, options, "timeout", result.AttemptTimeout, TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(5), errors),
            Backoff = Duration(service, options, "backoff", result.Backoff, TimeSpan.Zero, TimeSpan.FromMinutes(1), errors),
            Backfill = Duration(service, options, "backfill", result.Backfill, TimeSpan.Zero, MaxBackfill, errors),
        };
        if (options.TryGetValue("retries", out var retries))
        {
            if (int.TryParse(retries, out var n) && n is >= 0 and <= 10)
            {
                result = result with { Retries = n };
            }
            else
            {
                errors.Add($"service '{service}': metrics.options.retries must be an integer from 0 to 10 (was '{retries}')");
            }
        }

        return result;
    }

    /// <summary>Most history a cold loop asks for (also the push source's): a month, as the budget's period.</summary>
    public static readonly TimeSpan MaxBackfill = TimeSpan.FromDays(31);

    private static TimeSpan Duration(string service, IReadOnlyDictionary<string, string> options, string key, TimeSpan fallback, TimeSpan min, TimeSpan max, List<string> errors)
    {
        if (!options.TryGetValue(key, out var text))
        {
            return fallback;
        }

        if (DurationText.TryParse(text, out var value) && value >= min && value <= max)
        {
            return value;
        }

        errors.Add($"service '{service}': metrics.options.{key} must be a duration from {Dso.Abstractions.DurationFormat.Shortest(min)} to {Dso.Abstractions.DurationFormat.Shortest(max)} like 5s or 2m (was '{text}')");
        return fallback;
    }
}
