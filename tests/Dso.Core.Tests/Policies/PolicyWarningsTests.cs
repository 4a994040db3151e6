using Dso.Policies.Loading;

namespace Dso.Core.Tests.Policies;

/// <summary>
/// What a policy allows but will not do as written: the loader accepts it (the service runs it), and `dso validate`,
/// `dso simulate` and the service's log say what happens instead. The max_hourly_usd warnings were found by
/// simulations/suite/random_sweep.py --random-policy: a cap below the only type's price ran an empty fleet for three
/// days (99.98 % unserved) with `dso validate` saying "ok".
/// </summary>
public sealed class PolicyWarningsTests
{
    private const string File = "policies/shop.yaml";

    private static string Policy(string limits, string budget = "{monthly_usd: 500, enforcement: hard}") => $$"""
        services:
          - name: shop
            tick: 1m
            slo: {latency_p95_ms: 200}
            instance_types:
              - {name: c7g.large, vcpu: 2, memory_gib: 4, price_per_hour: 0.0725, capacity_rps: 110}
              - {name: c7g.xlarge, vcpu: 4, memory_gib: 8, price_per_hour: 0.145, capacity_rps: 225}
            boot_delay: 4m
            budget: {{budget}}
            limits: {{limits}}
            metrics:
              source: synthetic
        """;

    private static IReadOnlyList<string> Warnings(string text) => PolicyWarnings.For(new PolicyLoader().Parse([(File, text)]));

    [Fact]
    public void A_cap_below_what_min_instances_cost_is_named_with_both_figures()
    {
        // Two c7g.large cost $0.145/h; the cap is $0.10/h: the guard keeps min_instances, above the cap.
        var warning = Assert.Single(Warnings(Policy("{min_instances: 2, max_instances: 20, max_hourly_usd: 0.10}")));

        Assert.StartsWith($"{File}:", warning, StringComparison.Ordinal);
        Assert.Contains("limits.max_hourly_usd: 0.10 USD/h is below min_instances 2 × c7g.large", warning, StringComparison.Ordinal);
        Assert.Contains("0.145 USD/h", warning, StringComparison.Ordinal);
        Assert.Contains("min_instances wins", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cap_below_every_type_with_no_min_instances_says_the_service_runs_nothing()
    {
        var warning = Assert.Single(Warnings(Policy("{min_instances: 0, max_instances: 20, max_hourly_usd: 0.05}")));

        Assert.Contains("below the cheapest instance type (c7g.large at 0.0725 USD/h)", warning, StringComparison.Ordinal);
        Assert.Contains("runs an empty fleet and serves nothing", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{min_instances: 2, max_instances: 20, max_hourly_usd: 0.145}")] // exactly min_instances' cost
    [InlineData("{min_instances: 0, max_instances: 20, max_hourly_usd: 0.0725}")] // one of the cheapest type fits
    [InlineData("{min_instances: 2, max_instances: 20}")] // no cap
    public void A_cap_that_the_floor_fits_or_no_cap_warns_of_nothing(string limits) => Assert.Empty(Warnings(Policy(limits)));

    [Fact]
    public void A_hard_budget_below_min_instances_all_month_is_named_and_a_soft_one_is_not()
    {
        // Four c7g.large all month: 4 × 0.0725 × 730 = 211.70 USD, above a hard 100.
        var warning = Assert.Single(Warnings(Policy("{min_instances: 4, max_instances: 20}", "{monthly_usd: 100, enforcement: hard}")));

        Assert.Contains("limits.min_instances: 4 × c7g.large at 0.0725 USD/h cost 211.7 USD a month, above the hard budget of 100 USD: the budget wins", warning, StringComparison.Ordinal);
        Assert.Empty(Warnings(Policy("{min_instances: 4, max_instances: 20}", "{monthly_usd: 100, enforcement: soft}")));
    }
}
