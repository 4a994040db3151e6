using Dso.Abstractions.Catalog;

namespace Dso.Abstractions.Decisions;

/// <summary>A fleet a decision weighed, with its expected hourly cost and capacity shortfall risk.</summary>
public sealed record PlanAlternative(string Name, Fleet Fleet, decimal HourlyCost, double CapacityRps, double ShortfallRps, string Note);
