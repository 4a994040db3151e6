using Dso.Controller.Composition;
using Dso.Policies.Loading;
using Dso.Policies.Model;

namespace Dso.Core.Tests.Policies;

/// <summary>Strategy parameters are checked against each strategy's declarations when the policy loads, not when a planner is built.</summary>
public sealed class StrategyParameterTests
{
    private const string File = "policies/shop.yaml";

    private static string Policy(string strategy, string parameters) => $$"""
        services:
          - name: shop
            slo: {latency_p95_ms: 250}
            instance_types:
              - {name: c7g.large, vcpu: 2, memory_gib: 4, price_per_hour: 0.0725, capacity_rps: 110}
            budget: {monthly_usd: 900}
            metrics: {source: synthetic}
            strategy:
              name: {{strategy}}
              parameters:
        {{parameters}}
        """;

    private static PolicySet Load(string text) => Plugins.PolicyLoader().Parse([(File, text)]);

    private static IReadOnlyList<PolicyError> Errors(string text) => Assert.Throws<PolicyLoadException>(() => Load(text)).Errors;

    [Fact]
    public void Load_MisspeltParameter_IsLocatedErrorNamingTheKnownOnes()
    {
        var error = Assert.Single(Errors(Policy("cost-optimizer", "        coverage_quantlie: 0.9")));
        Assert.Equal((File, 11, 9), (error.File, error.Line, error.Column));
        Assert.Equal("strategy.parameters.coverage_quantlie", error.Field);
        Assert.Contains("did you mean 'coverage_quantile'?", error.Problem);
        Assert.Contains("known: coverage_quantile, horizon,", error.Problem);
    }

    [Theory]
    [InlineData("coverage_quantile: 1.5", "coverage_quantile", "must be in (0.5, 1) (was 1.5)")]
    [InlineData("coverage_quantile: -3", "coverage_quantile", "must be in (0.5, 1) (was -3)")]
    [InlineData("coverage_quantile: high", "coverage_quantile", "must be a number (was 'high')")]
    [InlineData("budget_scale_in_band: 1", "budget_scale_in_band", "must be in [0, 1) (was 1)")]
    [InlineData("budget_pacing: 1", "budget_pacing", "must be true or false (was '1')")]
    [InlineData("budget_pace_cost: sometimes", "budget_pace_cost", "must be true or false (was 'sometimes')")]
    [InlineData("budget_tight_scale_in: 0", "budget_tight_scale_in", "must be true or false (was '0')")]
    [InlineData("scale_in_expected_hold: 1", "scale_in_expected_hold", "must be true or false (was '1')")]
    [InlineData("budget_overhead: yes please", "budget_overhead", "must be true or false (was 'yes please')")]
    [InlineData("min_dwell: 2d", "min_dwell", "must be in [0s, 1d] (was 2d)")]
    [InlineData("min_dwell: -5m", "min_dwell", "must be a duration")]
    [InlineData("swap_dwell: 2d", "swap_dwell", "must be in [0s, 1d] (was 2d)")]
    [InlineData("swap_dwell: often", "swap_dwell", "must be a duration")]
    [InlineData("scale_in_lookahead: 2h", "scale_in_lookahead", "must be in [0s, 1h] (was 2h)")]
    [InlineData("scale_in_lookahead: next", "scale_in_lookahead", "must be a duration")]
    [InlineData("horizon: 0s", "horizon", "must be in (0s, 1d] (was 0s)")]
    [InlineData("calibration_window: 99999999999d", "calibration_window", "must be a duration")]
    [InlineData("burst_min_hazard: [0.3]", "burst_min_hazard", "must be a single value, not a list")]
    public void Load_CostOptimizerValueOfWrongTypeOrRange_IsLocatedError(string line, string field, string problem)
    {
        var error = Assert.Single(Errors(Policy("cost-optimizer", "        " + line)));
        Assert.Equal((11, $"strategy.parameters.{field}"), (error.Line, error.Field));
        Assert.Contains(problem, error.Problem);
    }

    [Fact]
    public void Load_TypedParameters_AreHeldInTheirUnits()
    {
        var strategy = Load(Policy("cost-optimizer", "        min_dwell: 5m\n        budget_pacing: false\n        sqrt_noise: true\n        coverage_quantile: 0.95\n        scale_in_expected_hold: false")).Services[0].Strategy;
        Assert.Equal(TimeSpan.FromMinutes(5), strategy.GetDuration("min_dwell", TimeSpan.Zero));
        Assert.False(strategy.GetBoolean("budget_pacing", true));
        Assert.True(strategy.GetBoolean("sqrt_noise", false));
        Assert.Equal(0.95, strategy.Get("coverage_quantile", 0));
        Assert.False(strategy.GetBoolean("scale_in_expected_hold", true));
    }

    [Theory]
    [InlineData("target_utilization: 0")]
    [InlineData("target_utilization: 1.2")]
    [InlineData("coverage_quantile: 0.9")]
    public void Load_TargetTrackingOutOfRangeOrForeignParameter_IsError(string line) =>
        Assert.Single(Errors(Policy("target-tracking", "        " + line)));

    [Fact]
    public void Load_EveryErrorOfAStrategyIsReportedAtOnce()
    {
        var errors = Errors(Policy("cost-optimizer", "        coverage_quantile: 2\n        budget_pacing: yes please\n        horizon_hours: 1"));
        Assert.Equal([11, 12, 13], errors.Select(e => e.Line));
    }

    [Fact]
    public void Load_ProviderTheServiceDoesNotRun_IsError()
    {
        var text = Policy("cost-optimizer", "        coverage_quantile: 0.98").Replace("  - name: shop\n", "  - name: shop\n    provider: nimbus\n");
        var error = Assert.Single(Errors(text));
        Assert.Equal("provider", error.Field);
        Assert.Contains($"unknown provider 'nimbus' (known: {string.Join(", ", Plugins.Providers.Names)})", error.Problem);
        Assert.Contains("simulated", Plugins.Providers.Names);
    }

    [Fact]
    public void Admission_SourceTheServiceWouldRefuse_IsLocatedAtTheSourceName()
    {
        var text = Policy("cost-optimizer", "        coverage_quantile: 0.98").Replace("metrics: {source: synthetic}", "metrics: {source: prometheus}");
        var admission = new PolicyAdmission(CheckingSourceFactories.Create());
        var error = Assert.Single(Assert.Throws<PolicyLoadException>(() => admission.Parse([(File, text)])).Errors);
        // The source has no queries section to point at: the error is where the operator named the source.
        var lines = text.Split('\n');
        var line = Array.FindIndex(lines, l => l.Contains("source: prometheus", StringComparison.Ordinal));
        Assert.Equal((File, line + 1, lines[line].IndexOf("prometheus", StringComparison.Ordinal) + 1), (error.File, error.Line, error.Column));
        Assert.StartsWith("metrics.queries", error.Problem);
        Assert.Contains("request_rate", error.Problem);
    }

    [Fact]
    public void Admission_PlannerThatThrows_IsLocatedErrorNotAnException()
    {
        // A StrategyPolicy that bypassed the loader's checks (as a tool could build): the planner's own check throws,
        // and admission reports it at the service instead of letting it escape.
        var set = Load(Policy("cost-optimizer", "        coverage_quantile: 0.98"));
        var service = set.Services[0] with { Strategy = new StrategyPolicy("cost-optimizer", new Dictionary<string, double> { ["coverage_quantile"] = 1.5 }) };
        Assert.Throws<ArgumentException>(() => Plugins.Strategies.Get("cost-optimizer").CreatePlanner(service));
    }
}
