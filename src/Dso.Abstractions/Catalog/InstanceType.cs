namespace Dso.Abstractions.Catalog;

/// <summary>
/// An instance type a service may run on. <see cref="CapacityRps"/> is what one instance serves while the
/// service's latency SLO holds (from a load test), so capacity planning never needs a latency model.
/// A spot offering is its own entry (<c>c7g.large/spot</c>) with the spot price, so fleets, decisions and cloud
/// adapters carry it like any other type; <see cref="SpotOf"/> names the on-demand type it runs.
/// </summary>
public sealed record InstanceType(string Name, int Vcpu, double MemoryGib, decimal PricePerHour, double CapacityRps)
{
    /// <summary>Suffix that marks a spot offering's name.</summary>
    public const string SpotSuffix = "/spot";

    /// <summary>Longest name an operator may give a type (a policy's or a scenario's catalog).</summary>
    public const int MaxNameLength = 100;

    /// <summary>
    /// Why <paramref name="name"/> cannot name an instance type, or null when it can. Fleets travel as text,
    /// <c>type=count;type=count</c> (the decision log the loop reads back, simulate's CSV, approvals), so a name
    /// holding '=', ';', ',' or spaces would be read back as another fleet or split a CSV column.
    /// </summary>
    public static string? NameProblem(string name) =>
        name.Length is > 0 and <= MaxNameLength && char.IsAsciiLetterOrDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')
            ? null
            : $"must be 1-{MaxNameLength} letters, digits, '.', '-' or '_', starting with a letter or digit (was '{(name.Length > 40 ? name[..40] + "…" : name)}'): fleets are written type=count;type=count";

    /// <summary>The on-demand type a spot offering runs; null for on-demand types.</summary>
    public string? SpotOf { get; init; }

    /// <summary>Expected interruptions per instance-hour (spot only): the provider may reclaim it at any time.</summary>
    public double InterruptionPerHour { get; init; }

    public bool IsSpot => SpotOf is not null;

    /// <summary>Dollars per hour for one request/s of capacity: the figure type choice turns on.</summary>
    public double PricePerRps => (double)PricePerHour / CapacityRps;

    /// <summary>The spot offering of this type at the given price and interruption rate.</summary>
    public InstanceType Spot(decimal pricePerHour, double interruptionPerHour) =>
        new(Name + SpotSuffix, Vcpu, MemoryGib, pricePerHour, CapacityRps) { SpotOf = Name, InterruptionPerHour = interruptionPerHour };

    /// <summary>
    /// Probability that a spot instance is still running after <paramref name="hours"/> (interruptions as a Poisson
    /// process at <see cref="InterruptionPerHour"/>); 1 for on-demand.
    /// </summary>
    public double Survival(double hours) => IsSpot ? Math.Exp(-InterruptionPerHour * Math.Max(0, hours)) : 1.0;
}
