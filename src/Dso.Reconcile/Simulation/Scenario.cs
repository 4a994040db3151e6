using Dso.Abstractions.Catalog;
using Dso.Policies.Model;

namespace Dso.Reconcile.Simulation;

/// <summary>A simulation scenario as <c>../shared/eval/scenarios/*.yaml</c> defines it.</summary>
public sealed record Scenario
{
    public required string Name { get; init; }

    public required string TracePath { get; init; }

    public required double LatencyP95Ms { get; init; }

    public required TimeSpan BootDelay { get; init; }

    public required TimeSpan BillingMinimum { get; init; }

    public required int MinInstances { get; init; }

    public required int MaxInstances { get; init; }

    public required decimal BudgetMonthlyUsd { get; init; }

    public BudgetEnforcement BudgetEnforcement { get; init; } = BudgetEnforcement.Hard;

    public required Fleet InitialFleet { get; init; }

    public required InstanceCatalog Catalog { get; init; }
}
