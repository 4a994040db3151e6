using Dso.Abstractions.Catalog;

namespace Dso.Reconcile.Simulation;

/// <summary>One trace row: its demand, the capacity that served it, the hourly cost of the billed fleet, and the fleet chosen after it.</summary>
public sealed record SimulationRow(string RawTimestamp, double Demand, double ServingCapacity, decimal HourlyCost, Fleet Chosen, string Reason)
{
    /// <summary>The row's interval [Start, End).</summary>
    public DateTimeOffset Start { get; init; }

    public DateTimeOffset End { get; init; }

    /// <summary>True when the decision after the row changed the fleet (a scaling action).</summary>
    public bool Action { get; init; }

    /// <summary>The policy variant that decided after the row ("default" outside experiments).</summary>
    public string Variant { get; init; } = "default";
}
