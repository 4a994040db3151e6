using System.Globalization;
using System.Net;
using Polly;

namespace Dso.Ingestion.Prometheus;

/// <summary>
/// The two HTTP API calls the source needs, each through the resilience pipeline (attempt timeout, retries
/// with backoff, overall timeout). Failures surface as exceptions that name the server and the query.
/// </summary>
internal sealed class PrometheusClient(HttpClient http, PrometheusSourceOptions options, ResiliencePipeline pipeline)
{
    public Uri Url => options.Url;

    public Task<IReadOnlyList<PrometheusSeries>> QueryAsync(string query, CancellationToken cancellationToken) =>
        GetAsync($"api/v1/query?query={Uri.EscapeDataString(query)}", query, cancellationToken);

    public Task<IReadOnlyList<PrometheusSeries>> QueryRangeAsync(string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step, CancellationToken cancellationToken) =>
        GetAsync($"api/v1/query_range?query={Uri.EscapeDataString(query)}&start={Seconds(start)}&end={Seconds(end)}&step={step.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}", query, cancellationToken);

    private async Task<IReadOnlyList<PrometheusSeries>> GetAsync(string relative, string query, CancellationToken cancellationToken)
    {
        var uri = new Uri(options.Url, options.Url.AbsolutePath.TrimEnd('/') + "/" + relative);
        return await pipeline.ExecuteAsync(
            static async (state, ct) =>
            {
                using var response = await state.http.GetAsync(state.uri, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK
                    || (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity && body.StartsWith('{')))
                {
                    // 400/422 carry Prometheus' own error envelope (bad PromQL, execution errors): read it for the message.
                    return PrometheusResponseReader.Read(body, state.query);
                }

                var transient = (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests;
                throw new PrometheusQueryException($"query '{state.query}': HTTP {(int)response.StatusCode} {response.ReasonPhrase}", transient);
            },
            (http, uri, query),
            cancellationToken).ConfigureAwait(false);
    }

    private static string Seconds(DateTimeOffset at) => (at.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
}
