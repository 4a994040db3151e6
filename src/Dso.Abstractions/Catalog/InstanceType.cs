namespace Dso.Abstractions.Catalog;

/// <summary>
/// An instance type a service may run on. <see cref="CapacityRps"/> is what one instance serves while the
/// service's latency SLO holds (from a load test), so capacity planning never needs a latency model.
/// </summary>
public sealed record InstanceType(string Name, int Vcpu, double MemoryGib, decimal PricePerHour, double CapacityRps)
{
    /// <summary>Dollars per hour for one request/s of capacity: the figure type choice turns on.</summary>
    public double PricePerRps => (double)PricePerHour / CapacityRps;
}
