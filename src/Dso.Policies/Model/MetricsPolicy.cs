namespace Dso.Policies.Model;

/// <summary>
/// Which source feeds the service and its source-specific settings (e.g. PromQL per KPI). Fallback says what
/// to do when the source is down: hold the last fleet, or go to a fixed instance count (KEDA's fallback).
/// ZeroTrafficHold is how long a request rate of exactly zero right after traffic is read as a dead exporter and the
/// fleet held (null: the loop's default, one hour); past it the zeros are believed.
/// </summary>
public sealed record MetricsPolicy(string Source, IReadOnlyDictionary<string, string> Options, IReadOnlyDictionary<string, string> Queries, int? FallbackInstances, TimeSpan? ZeroTrafficHold = null)
{
    /// <summary>
    /// Where each option and query was written (<c>file:line:column</c> of its value), so a source that rejects one is
    /// reported there, not at the service's declaration. Not part of the policy's fingerprint: moving a line changes
    /// nothing the service runs.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, string> Origins { get; init; } = new Dictionary<string, string>();
}
