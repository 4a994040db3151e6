using Xunit.Abstractions;
using Dso.Experiments.Guardrails;
using Dso.Experiments.Metrics;

namespace Dso.Experiments.Tests.Guardrails;

/// <summary>The split's guardrail is checked after 1, 2, 4, ... blocks; it must stop harm and rarely stop a harmless variant.</summary>
public sealed class SplitGuardrailsTests(ITestOutputHelper output)
{
    private const int Seeds = 400;
    private const int Services = 16;
    private const int Blocks = 96;
    private static readonly GuardrailRule Rule = new(ExperimentMetric.SloViolationMinutes, Limit: 0, FalseStopRate: 0.05);
    private static readonly string[] Variants = ["control", "treatment"];

    [Fact]
    public void Evaluate_AaVariant_StopsNoMoreOftenThanTheStatedRate()
    {
        var stops = 0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var assignment = SyntheticServices.Assign(seed, Services);
            var blocks = SyntheticServices.Generate(assignment, Blocks, seed, slo: (_, _, r) => r.NextDouble() < 0.3 ? r.Next(1, 20) : 0);
            stops += SplitGuardrails.Evaluate(Variants, assignment, blocks, [Rule], (ulong)seed).Single().Stopped ? 1 : 0;
        }

        output.WriteLine($"A/A split stopped {stops}/{Seeds}");
        Assert.True((double)stops / Seeds <= 0.05, $"A/A stopped {stops}/{Seeds}");
    }

    [Fact]
    public void Evaluate_HarmExactlyAtTheLimit_StopsNoMoreOftenThanTheStatedRate()
    {
        var rule = Rule with { Limit = 5 };
        var stops = 0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var assignment = SyntheticServices.Assign(seed, Services);
            var blocks = SyntheticServices.Generate(assignment, Blocks, seed, slo: (v, _, r) => r.Next(0, 15) + (v == "treatment" ? 5 : 0));
            stops += SplitGuardrails.Evaluate(Variants, assignment, blocks, [rule], (ulong)seed).Single().Stopped ? 1 : 0;
        }

        output.WriteLine($"at the limit stopped {stops}/{Seeds}");
        Assert.True((double)stops / Seeds <= 0.05, $"at-the-limit variant stopped {stops}/{Seeds}");
    }

    [Fact]
    public void Evaluate_VariantHarmingTheSlo_IsStoppedEarly()
    {
        var stops = 0;
        var stoppedAt = new List<long>();
        for (var seed = 0; seed < Seeds; seed++)
        {
            var assignment = SyntheticServices.Assign(seed, Services);
            // The treatment adds about 6 violation minutes per hour on top of the same background.
            var blocks = SyntheticServices.Generate(assignment, Blocks, seed,
                slo: (v, _, r) => (r.NextDouble() < 0.3 ? r.Next(1, 20) : 0) + (v == "treatment" ? r.Next(2, 11) : 0));
            var status = SplitGuardrails.Evaluate(Variants, assignment, blocks, [Rule], (ulong)seed).Single();
            if (status.Stopped)
            {
                stops++;
                stoppedAt.Add(status.StoppedAtGroup!.Value);
            }
        }

        output.WriteLine($"harmful variant stopped {stops}/{Seeds}, mean at block {stoppedAt.DefaultIfEmpty(-1).Average():0.0} of {Blocks}");
        Assert.True(stops >= 0.9 * Seeds, $"harmful variant stopped {stops}/{Seeds}");
        Assert.True(stoppedAt.Average() < Blocks / 3.0, $"mean stop at block {stoppedAt.Average():0.0}");
    }

    [Fact]
    public void Spend_SumsToTheRateOverAnyNumberOfChecks()
    {
        var total = Enumerable.Range(1, 100_000).Sum(j => SplitGuardrails.Spend(0.05, j));
        Assert.InRange(total, 0.0499, 0.05);
    }
}
