namespace Dso.Abstractions.Catalog;

/// <summary>
/// A serverless function the service may route part of its requests to (AWS Lambda, Azure Functions): no boot
/// delay and no billing minimum, but dearer per request than instances and limited by its concurrency. It is
/// the optimizer's answer to a burst shorter than the boot delay.
/// </summary>
public sealed record ServerlessOffering(
    string Name,
    decimal PricePerMillionRequests,
    decimal PricePerGbSecond,
    double MemoryGb,
    double DurationMs,
    int ConcurrencyLimit,
    double ColdStartMs)
{
    /// <summary>Most requests/s it sustains: concurrency over the billed duration (Little's law).</summary>
    public double RpsLimit => ConcurrencyLimit / (DurationMs / 1000.0);

    /// <summary>USD per request: the request fee plus the GB-seconds it is billed for.</summary>
    public decimal UsdPerRequest => (PricePerMillionRequests / 1_000_000m) + ((decimal)MemoryGb * (decimal)(DurationMs / 1000.0) * PricePerGbSecond);

    /// <summary>USD for one request/s sustained for an hour.</summary>
    public decimal UsdPerRpsHour => 3600m * UsdPerRequest;

    /// <summary>USD per hour of routing <paramref name="rps"/> to it.</summary>
    public decimal HourlyCost(double rps) => rps <= 0 || double.IsNaN(rps) ? 0m : Usd.FromDouble(rps * (double)UsdPerRpsHour, "serverless hourly cost");

    /// <summary>
    /// True when a request landing on a cold start (cold start plus duration) is slower than the latency objective,
    /// so serverless may carry only a small share of the demand without breaking the p95.
    /// </summary>
    public bool ColdStartBreaks(double latencyP95Ms) => ColdStartMs + DurationMs > latencyP95Ms;
}
