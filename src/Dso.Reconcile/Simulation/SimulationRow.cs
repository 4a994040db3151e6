using Dso.Abstractions.Catalog;

namespace Dso.Reconcile.Simulation;

/// <summary>One trace row: its demand, the capacity that served it, the hourly cost of the billed fleet, and the fleet chosen after it.</summary>
public sealed record SimulationRow(string RawTimestamp, double Demand, double ServingCapacity, decimal HourlyCost, Fleet Chosen, string Reason);
