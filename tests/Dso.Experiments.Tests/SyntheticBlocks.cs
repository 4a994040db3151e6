using Dso.Experiments.Design;
using Dso.Experiments.Metrics;

namespace Dso.Experiments.Tests;

/// <summary>
/// Block outcomes whose truth is known: a daily cycle (hourly blocks), AR(1) noise that correlates neighbouring
/// blocks, and a multiplicative effect per variant. Hand-rolled Gaussian draws keep every seed reproducible.
/// </summary>
internal static class SyntheticBlocks
{
    public const double Base = 100;
    public const double DailyAmplitude = 0.3;
    public const double NoiseSd = 6;
    public const double NoiseCorrelation = 0.5;

    public static SwitchbackDesign Design(int seed, params string[] variants) => new()
    {
        Start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero),
        BlockLength = TimeSpan.FromHours(1),
        Washout = TimeSpan.FromMinutes(15),
        Variants = variants.Length > 0 ? variants : ["control", "treatment"],
        Seed = (ulong)seed,
    };

    /// <summary>Complete blocks 0..count-1 with cost = base × daily cycle × effect[variant] + noise.</summary>
    public static List<BlockMetrics> Generate(SwitchbackDesign design, int count, int seed, IReadOnlyDictionary<string, double>? effects = null, Func<long, string, double>? slo = null)
    {
        var random = new Random(seed * 7919 + 13);
        var noise = 0.0;
        var blocks = new List<BlockMetrics>(count);
        for (var b = 0; b < count; b++)
        {
            noise = NoiseCorrelation * noise + Math.Sqrt(1 - NoiseCorrelation * NoiseCorrelation) * Gaussian(random) * NoiseSd;
            var variant = design.VariantOf(b);
            var effect = effects is not null && effects.TryGetValue(variant, out var e) ? e : 1.0;
            var cost = Base * (1 + DailyAmplitude * Math.Sin(2 * Math.PI * b / 24)) * effect + noise;
            blocks.Add(new BlockMetrics
            {
                Block = b,
                Variant = variant,
                Start = design.BlockStart(b),
                MeasuredMinutes = 45,
                CostUsd = (decimal)cost,
                RequestsServed = 1e6,
                SloViolationMinutes = slo?.Invoke(b, variant) ?? 0,
                Complete = true,
            });
        }

        return blocks;
    }

    public static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
