namespace Dso.Policies.Model;

/// <summary>
/// Which source feeds the service and its source-specific settings (e.g. PromQL per KPI). Fallback says what
/// to do when the source is down: hold the last fleet, or go to a fixed instance count (KEDA's fallback).
/// ZeroTrafficHold is how long a request rate of exactly zero right after traffic is read as a dead exporter and the
/// fleet held (null: the loop's default, one hour); past it the zeros are believed.
/// </summary>
public sealed record MetricsPolicy(string Source, IReadOnlyDictionary<string, string> Options, IReadOnlyDictionary<string, string> Queries, int? FallbackInstances, TimeSpan? ZeroTrafficHold = null);
