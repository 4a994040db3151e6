using Dso.Experiments.Design;
using Dso.Experiments.Metrics;

namespace Dso.Experiments.Tests;

/// <summary>
/// A split whose truth is known: alike services of somewhat different size (between-service spread), each running
/// the variant the stable hash gives it, with hourly blocks on a daily cycle, AR(1) noise and a multiplicative
/// effect per variant; optionally SLO-violation minutes per block.
/// </summary>
internal static class SyntheticServices
{
    public const double Base = 100;

    public static IReadOnlyList<string> Services(int count) => [.. Enumerable.Range(0, count).Select(i => $"svc-{i:00}")];

    public static IReadOnlyDictionary<string, string> Assign(int seed, int services, params string[] variants) =>
        StableSplit.Assign($"split-{seed}", (ulong)seed, Services(services), variants.Length > 0 ? variants : ["control", "treatment"]);

    public static List<(string Service, BlockMetrics Block)> Generate(
        IReadOnlyDictionary<string, string> assignment,
        int blocks,
        int seed,
        double betweenCv = 0.1,
        double noiseSd = 6,
        IReadOnlyDictionary<string, double>? effects = null,
        Func<string, long, Random, double>? slo = null)
    {
        var random = new Random(seed * 104_729 + 7);
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var result = new List<(string, BlockMetrics)>();
        foreach (var (service, variant) in assignment.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            var size = Base * Math.Max(0.2, 1 + betweenCv * SyntheticBlocks.Gaussian(random));
            var effect = effects is not null && effects.TryGetValue(variant, out var e) ? e : 1.0;
            var noise = 0.0;
            for (var b = 0; b < blocks; b++)
            {
                noise = 0.5 * noise + Math.Sqrt(0.75) * SyntheticBlocks.Gaussian(random) * noiseSd;
                var cost = size * (1 + 0.3 * Math.Sin(2 * Math.PI * b / 24)) * effect + noise;
                result.Add((service, new BlockMetrics
                {
                    Block = b,
                    Variant = variant,
                    Start = start.AddHours(b),
                    MeasuredMinutes = 60,
                    CostUsd = (decimal)cost,
                    RequestsServed = 1e6,
                    SloViolationMinutes = slo?.Invoke(variant, b, random) ?? 0,
                    Complete = true,
                }));
            }
        }

        return result;
    }
}
