namespace Dso.Policies.Model;

/// <summary>
/// Which source feeds the service and its source-specific settings (e.g. PromQL per KPI). Fallback says what
/// to do when the source is down: hold the last fleet, or go to a fixed instance count (KEDA's fallback).
/// </summary>
public sealed record MetricsPolicy(string Source, IReadOnlyDictionary<string, string> Options, IReadOnlyDictionary<string, string> Queries, int? FallbackInstances);
