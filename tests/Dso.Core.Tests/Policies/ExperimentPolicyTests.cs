using Dso.Experiments.Metrics;
using Dso.Policies.Loading;
using Dso.Policies.Model;

namespace Dso.Core.Tests.Policies;

/// <summary>Experiments beside the policies: variants resolved through the policy reader, errors located in the experiment file.</summary>
public sealed class ExperimentPolicyTests
{
    private const string Shop = """
        services:
          - name: shop
            slo: {latency_p95_ms: 250}
            instance_types:
              - {name: c7g.large, vcpu: 2, memory_gib: 4, price_per_hour: 0.0725, capacity_rps: 110}
            boot_delay: 4m
            budget: {monthly_usd: 900, enforcement: hard}
            limits: {min_instances: 2, max_instances: 60, scale_down_stabilization: 5m}
            metrics: {source: synthetic}
            strategy:
              name: cost-optimizer
              parameters: {coverage_quantile: 0.98}
        """;

    private const string Coverage = """
        experiments:
          - name: coverage
            service: shop
            design: {kind: switchback, block: 1h, washout: 15m, seed: 7}
            min_duration: 1d
            duration: 7d
            primary_metric: cost
            guardrails:
              - {metric: slo_violation_minutes, limit: 2, false_stop_rate: 0.05}
            on_end: promote
            variants:
              - name: q98
              - name: q90
                overrides:
                  strategy: {parameters: {coverage_quantile: 0.9}}
                  limits: {max_instances: 40}
        """;

    private static PolicySet Parse(string experiment) =>
        new PolicyLoader().Parse([("policies/shop.yaml", Shop), ("policies/coverage.experiment.yaml", experiment)]);

    private static IReadOnlyList<string> Errors(string experiment) =>
        Assert.Throws<PolicyLoadException>(() => Parse(experiment)).Errors.Select(e => e.ToString()).ToList();

    [Fact]
    public void Parse_ValidExperiment_ResolvesEachVariantsPolicy()
    {
        var set = Parse(Coverage);
        var experiment = Assert.Single(set.Experiments);
        Assert.Equal(["q98", "q90"], experiment.VariantNames);
        Assert.Equal(ExperimentDesignKind.Switchback, experiment.Design);
        Assert.Equal(TimeSpan.FromMinutes(15), experiment.Washout);
        Assert.Equal(7UL, experiment.Seed);
        Assert.Equal(ExperimentOnEnd.Promote, experiment.OnEnd);
        Assert.Equal(ExperimentMetric.SloViolationMinutes, Assert.Single(experiment.Guardrails).Metric);
        var q90 = experiment.Variants[1].Policies["shop"];
        Assert.Equal(0.9, q90.Strategy.Get("coverage_quantile", 0));
        Assert.Equal("cost-optimizer", q90.Strategy.Name);
        Assert.Equal(40, q90.Limits.MaxInstances);
        Assert.Equal(2, q90.Limits.MinInstances);
        Assert.Equal(0.98, experiment.Variants[0].Policies["shop"].Strategy.Get("coverage_quantile", 0));
        Assert.Equal(0.98, Assert.Single(set.Services).Strategy.Get("coverage_quantile", 0));
    }

    [Fact]
    public void Parse_WashoutOmitted_DefaultsToTheCarryOver()
    {
        var experiment = Assert.Single(Parse(Coverage.Replace(", washout: 15m", "")).Experiments);
        Assert.Equal(TimeSpan.FromMinutes(10), experiment.Washout); // 4m boot + 5m stabilization + 1m tick
    }

    [Fact]
    public void Parse_UnknownOverrideKey_IsLocatedInTheExperimentFile()
    {
        var errors = Errors(Coverage.Replace("limits: {max_instances: 40}", "limits: {max_instance: 40}\n          name: other"));
        Assert.Contains(errors, e => e.StartsWith("policies/coverage.experiment.yaml:16:") && e.Contains("limits.max_instance: unknown key"));
        Assert.Contains(errors, e => e.StartsWith("policies/coverage.experiment.yaml:17:11:") && e.Contains("overrides.name: unknown override key"));
    }

    [Fact]
    public void Parse_OneVariant_IsAnError()
    {
        var errors = Errors(Coverage[..Coverage.IndexOf("  - name: q90", StringComparison.Ordinal)]);
        Assert.Contains(errors, e => e.Contains("policies/coverage.experiment.yaml:12:7: experiment 'coverage': variants: needs at least two variants"));
    }

    [Fact]
    public void Parse_TwoRunningExperimentsOnOneService_IsAnError()
    {
        var second = Coverage.Replace("experiments:\n", "").Replace("name: coverage", "name: coverage-2");
        var errors = Errors(Coverage + "\n" + second);
        Assert.Contains(errors, e => e.Contains("experiment 'coverage-2': service: service 'shop' is already in experiment 'coverage'"));
    }

    /// <summary>
    /// 'coverage' has no start (it starts when loaded: 2026-12-01 on the loader's clock) and runs 7 days; a second
    /// experiment on shop with this window conflicts only if it is not wholly in the past or wholly after it.
    /// </summary>
    [Theory]
    [InlineData("start: 2026-10-01T00:00:00Z\n    end: 2026-10-15T00:00:00Z", false)]
    [InlineData("start: 2026-10-01T00:00:00Z\n    duration: 14d", false)]
    [InlineData("start: 2026-11-28T00:00:00Z\n    end: 2026-12-05T00:00:00Z", true)]
    [InlineData("start: 2026-11-01T00:00:00Z", true)]
    [InlineData("start: 2026-12-05T00:00:00Z\n    duration: 2d", true)]
    [InlineData("start: 2026-12-20T00:00:00Z\n    duration: 2d", false)]
    public void Parse_StartlessExperimentBesideADatedOne_ConflictsOnlyWhenTheyOverlapFromNow(string window, bool conflict)
    {
        var loader = new PolicyLoader(PolicyVocabulary.Default, new Experiments.ExperimentHarness.ManualClock(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)));
        var dated = Coverage.Replace("experiments:\n", "").Replace("name: coverage", "name: dated").Replace("    duration: 7d\n", $"    {window}\n");
        var sources = new[] { ("policies/shop.yaml", Shop), ("policies/coverage.experiment.yaml", Coverage + "\n" + dated) };

        if (!conflict)
        {
            Assert.Equal(["coverage", "dated"], loader.Parse(sources).Experiments.Select(e => e.Name));
            return;
        }

        var error = Assert.Single(Assert.Throws<PolicyLoadException>(() => loader.Parse(sources)).Errors).ToString();
        Assert.StartsWith("policies/coverage.experiment.yaml:17:5: experiment 'dated': service: service 'shop' is already in experiment 'coverage'", error);
    }

    [Fact]
    public void Parse_VariantAboveTheHardBudget_IsAnError()
    {
        var errors = Errors(Coverage.Replace("limits: {max_instances: 40}", "limits: {min_instances: 20}"));
        Assert.Contains(errors, e => e.Contains("variant 'q90' of service 'shop': overrides.limits.min_instances: its minimum fleet (20 × 0.0725 USD/h) costs 1058.5 USD a month, above the hard budget of 900 USD"));
        var raised = Errors(Coverage.Replace("limits: {max_instances: 40}", "budget: {monthly_usd: 2000}"));
        Assert.Contains(raised, e => e.Contains("raises the service's hard budget"));
    }

    [Fact]
    public void Parse_VariantMakingTheHardBudgetSoft_IsAnError()
    {
        var errors = Errors(Coverage.Replace("limits: {max_instances: 40}", "budget: {monthly_usd: 900, enforcement: soft}"));
        Assert.Contains(errors, e => e.Contains("variant 'q90' of service 'shop': overrides.budget.enforcement: makes the service's hard budget soft"));
    }

    [Fact]
    public void Parse_EndBeforeStart_IsALocatedErrorBesideTheOthers()
    {
        // A negative length once met min_duration's check, whose key is absent: a NullReferenceException hid every error.
        var text = Coverage.Replace("min_duration: 1d\n    duration: 7d", "start: 2027-02-01T00:00:00Z\n    end: 2027-01-01T00:00:00Z\n    alpha: 7");
        Assert.Contains("end: 2027-01-01", text);
        var errors = Errors(text);
        Assert.Contains(errors, e => e.Contains("experiment 'coverage': end: must be after start"));
        Assert.Contains(errors, e => e.Contains("experiment 'coverage': alpha: must be"));
    }

    [Fact]
    public void Parse_StartWrittenDayOrMonthFirst_IsALocatedErrorNotReadMonthFirst()
    {
        var errors = Errors(Coverage.Replace("min_duration: 1d\n    duration: 7d", "start: 03/04/2027\n    duration: 7d"));
        Assert.Contains(errors, e => e.StartsWith("policies/coverage.experiment.yaml:5:12:", StringComparison.Ordinal)
            && e.Contains("experiment 'coverage': start: '03/04/2027' writes the day and month first, which is ambiguous", StringComparison.Ordinal)
            && e.Contains("write ISO 8601", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_VariantBreakingAPolicyRule_ReportsTheReadersError()
    {
        var errors = Errors(Coverage.Replace("limits: {max_instances: 40}", "limits: {max_instances: 1}"));
        Assert.Contains(errors, e => e.Contains("variant 'q90' of service 'shop': limits.min_instances: must not exceed max_instances (2 > 1)"));
    }

    [Fact]
    public void Parse_WashoutShorterThanCarryOver_IsAnError()
    {
        var errors = Errors(Coverage.Replace("washout: 15m", "washout: 5m"));
        Assert.Contains(errors, e => e.Contains("experiment 'coverage': design: washout 5m is shorter than the carry-over 10m"));
        var shortBlock = Errors(Coverage.Replace("block: 1h", "block: 20m"));
        Assert.Contains(shortBlock, e => e.Contains("block length 20m must be at least 2x the washout 15m"));
    }

    [Fact]
    public void Parse_UnknownServiceAndMetric_AreErrors()
    {
        var errors = Errors(Coverage.Replace("service: shop", "service: shoq").Replace("primary_metric: cost", "primary_metric: revenue"));
        Assert.Contains(errors, e => e.Contains("experiment 'coverage': service: unknown service 'shoq' (known: shop)"));
        Assert.Contains(errors, e => e.Contains("primary_metric: 'revenue' is not one of: cost, cost_per1000_served") || e.Contains("primary_metric: 'revenue' is not one of"));
    }
}
