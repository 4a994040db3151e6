using Xunit.Abstractions;
using Dso.Experiments.Guardrails;
using Dso.Experiments.Metrics;

namespace Dso.Experiments.Tests.Guardrails;

/// <summary>The guardrail is checked after every group; it must stop harm and rarely stop a harmless variant.</summary>
public sealed class SequentialGuardrailTests(ITestOutputHelper output)
{
    private const int Seeds = 400;
    private const int Blocks = 96;
    private static readonly GuardrailRule Rule = new(ExperimentMetric.SloViolationMinutes, Limit: 0, FalseStopRate: 0.05);

    [Fact]
    public void Evaluate_AaVariant_StopsNoMoreOftenThanTheStatedRate()
    {
        var stops = 0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var design = SyntheticBlocks.Design(seed);
            var random = new Random(seed);
            var blocks = SyntheticBlocks.Generate(design, Blocks, seed, slo: (_, _) => random.NextDouble() < 0.3 ? random.Next(1, 20) : 0);
            stops += Dso.Experiments.Guardrails.Guardrails.Evaluate(design, blocks, [Rule]).Single().Stopped ? 1 : 0;
        }

        output.WriteLine($"A/A stopped {stops}/{Seeds}");
        Assert.True((double)stops / Seeds <= 0.05, $"A/A stopped {stops}/{Seeds}");
    }

    [Fact]
    public void Evaluate_VariantHarmingTheSlo_IsStoppedEarly()
    {
        var stops = 0;
        var stoppedAt = new List<long>();
        for (var seed = 0; seed < Seeds; seed++)
        {
            var design = SyntheticBlocks.Design(seed);
            var random = new Random(seed);
            // The treatment adds about 6 violation minutes per hour on top of the same background.
            var blocks = SyntheticBlocks.Generate(design, Blocks, seed,
                slo: (_, v) => (random.NextDouble() < 0.3 ? random.Next(1, 20) : 0) + (v == "treatment" ? random.Next(2, 11) : 0));
            var status = Dso.Experiments.Guardrails.Guardrails.Evaluate(design, blocks, [Rule]).Single();
            if (status.Stopped)
            {
                stops++;
                stoppedAt.Add(status.StoppedAtGroup!.Value);
            }
        }

        output.WriteLine($"harmful variant stopped {stops}/{Seeds}, mean at group {stoppedAt.Average():0.0} of {Blocks / 2}");
        Assert.True(stops >= 0.9 * Seeds, $"harmful variant stopped {stops}/{Seeds}");
        Assert.True(stoppedAt.Average() < Blocks / 3.0, $"mean stop at group {stoppedAt.Average():0.0}");
    }

    [Fact]
    public void Evaluate_HarmExactlyAtTheLimit_StopsNoMoreOftenThanTheStatedRate()
    {
        var rule = Rule with { Limit = 5 };
        var stops = 0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var design = SyntheticBlocks.Design(seed);
            var random = new Random(seed);
            var blocks = SyntheticBlocks.Generate(design, Blocks, seed, slo: (_, v) => random.Next(0, 15) + (v == "treatment" ? 5 : 0));
            stops += Dso.Experiments.Guardrails.Guardrails.Evaluate(design, blocks, [rule]).Single().Stopped ? 1 : 0;
        }

        output.WriteLine($"at the limit stopped {stops}/{Seeds}");
        Assert.True((double)stops / Seeds <= 0.05, $"at-the-limit variant stopped {stops}/{Seeds}");
    }
}
