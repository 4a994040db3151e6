using Dso.Abstractions.Catalog;

namespace Dso.Cloud.Simulated;

/// <summary>How a simulated scale group behaves: its catalog, boot delay and billing minimum.</summary>
public sealed record SimulatedGroupSettings(InstanceCatalog Catalog, TimeSpan BootDelay, TimeSpan BillingMinimum, Fleet InitialFleet);
