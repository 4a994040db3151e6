namespace Dso.Abstractions.Catalog;

/// <summary>
/// Where a demand (a <c>double</c>, possibly huge) becomes money (a <c>decimal</c>): the conversion saturates instead
/// of throwing. No budget, price or spend rate this controller handles comes near <see cref="Ceiling"/>; an amount
/// above it means "unaffordable" whatever its exact size, and sums of such amounts over a month of hours stay far
/// inside <c>decimal</c>'s range, so no value a metric source can deliver overflows the budget arithmetic.
/// </summary>
public static class Usd
{
    /// <summary>A quadrillion US dollars (per hour or in total).</summary>
    public const double Ceiling = 1e15;

    /// <summary>The amount as decimal, clamped to ±<see cref="Ceiling"/>; NaN (an undefined amount) is refused with a clear error.</summary>
    public static decimal FromDouble(double usd, string what) => double.IsNaN(usd)
        ? throw new ArgumentOutOfRangeException(nameof(usd), $"{what} is not a number (NaN); the demand or price it was computed from is undefined")
        : (decimal)Math.Clamp(usd, -Ceiling, Ceiling);
}
