using System.Globalization;
using Dso.Policies.Model;

namespace Dso.Policies.Loading;

/// <summary>
/// What a policy allows but will not do as written: things the loader accepts (the service runs) that an operator
/// should still hear about before it does. <c>dso validate</c> and <c>dso simulate</c> print them as warnings.
/// </summary>
public static class PolicyWarnings
{
    /// <summary>A 30.4-day month, as budgets are read elsewhere (experiment checks use the same figure).</summary>
    private const double HoursPerMonth = 730;

    /// <summary>One warning per problem, each naming the service, where it was declared and what will happen instead.</summary>
    public static IReadOnlyList<string> For(PolicySet set) => [.. set.Services.SelectMany(For)];

    public static IEnumerable<string> For(ServicePolicy policy)
    {
        var where = string.IsNullOrEmpty(policy.Origin) ? "" : $"{policy.Origin}: ";
        var onDemand = policy.Catalog.Types.Where(t => t.SpotOf is null).ToList();
        if (onDemand.Count == 0)
        {
            yield break;
        }

        var cheapest = onDemand.MinBy(t => t.PricePerHour)!;
        if (policy.Limits.MaxHourlyUsd is { } cap)
        {
            // The guard trims to max_hourly_usd down to min_instances and no further (there it keeps the cheapest type):
            // a cap below that floor is overridden on every tick, and with no floor a cap below every type runs nothing.
            var floorHourly = cheapest.PricePerHour * policy.Limits.MinInstances;
            var cheapestOffering = policy.Catalog.Types.MinBy(t => t.PricePerHour)!;
            if (policy.Limits.MinInstances > 0 && floorHourly > cap)
            {
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"{where}{policy.Name}: limits.max_hourly_usd: {cap} USD/h is below min_instances {policy.Limits.MinInstances} × {cheapest.Name} at " +
                    $"{cheapest.PricePerHour} USD/h ({floorHourly:0.####} USD/h): min_instances wins, so the fleet costs {floorHourly:0.####} USD/h at least " +
                    $"and each decision that holds it says so (\"capped at max_hourly_usd ... as far as min_instances allows\")");
            }
            else if (policy.Limits.MinInstances == 0 && cheapestOffering.PricePerHour > cap)
            {
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"{where}{policy.Name}: limits.max_hourly_usd: {cap} USD/h is below the cheapest instance type ({cheapestOffering.Name} at " +
                    $"{cheapestOffering.PricePerHour} USD/h): no instance ever fits it, so the service runs an empty fleet" +
                    $"{(policy.Serverless is null ? " and serves nothing" : " (only the serverless overflow serves)")}");
            }
        }

        if (policy.Budget.Enforcement != BudgetEnforcement.Hard || policy.Limits.MinInstances == 0)
        {
            yield break;
        }

        // The cheapest fleet min_instances allows, billed the whole month: a hard budget below it cannot keep it up.
        var floor = cheapest.PricePerHour * policy.Limits.MinInstances * (decimal)HoursPerMonth;
        if (floor > policy.Budget.MonthlyUsd)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{where}{policy.Name}: limits.min_instances: {policy.Limits.MinInstances} × {cheapest.Name} at {cheapest.PricePerHour} USD/h cost " +
                $"{floor:0.##} USD a month, above the hard budget of {policy.Budget.MonthlyUsd} USD: the budget wins, so the fleet runs below " +
                $"min_instances (the budget pays for {policy.Budget.MonthlyUsd / (cheapest.PricePerHour * (decimal)HoursPerMonth):0.#} of them around the clock) and each such decision says so");
        }
    }
}
