namespace Dso.Policies.Model;

/// <summary>The latency objective. Capacity per instance type is stated against it in the catalog.</summary>
public sealed record SloPolicy(double LatencyP95Ms);
