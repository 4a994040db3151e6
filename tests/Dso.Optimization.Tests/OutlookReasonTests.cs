using System.Globalization;
using System.Text.RegularExpressions;
using Dso.Optimization.Strategies.CostOptimizer;

namespace Dso.Optimization.Tests;

/// <summary>The numbers a decision's reason prints add up to the demand bound it names.</summary>
public sealed partial class OutlookReasonTests
{
    [Theory]
    [InlineData(1000, 0.2, 3)]
    [InlineData(40, 0.05, 5)]
    [InlineData(480, 0.6, 7)]
    public void Describe_ArithmeticShown_GivesTheBoundShown(double level, double noise, int seed)
    {
        var random = new Random(seed);
        var outlook = new DemandOutlook(TimeSpan.FromMinutes(1), 5, new CostOptimizerOptions { CalibrationWindow = TimeSpan.FromHours(48) });
        var forms = new HashSet<string>();
        for (var i = 0; i < 4000; i++)
        {
            // Noise, a daily shape and an occasional burst, so several features and term shapes get to bind.
            var burst = i % 301 < 6 ? 4 : 1;
            var demand = Math.Max(0, level * burst * (1 + (0.3 * Math.Sin(i * 2 * Math.PI / 1440)) + (noise * (random.NextDouble() - 0.5))));
            var reason = outlook.Observe(demand, null).Describe();
            var (shown, computed, form) = Recompute(reason);
            forms.Add(form);
            Assert.True(Math.Abs(shown - computed) <= 0.15 + (0.002 * shown), $"tick {i}: '{reason}' shows {shown} but its arithmetic gives {computed:0.###}");
        }

        Assert.Contains("calibrated", forms);
    }

    [Fact]
    public void Describe_SqrtTerm_ShowsTheSumNotAMultiple()
    {
        // The issue's numbers: 483.2 + 26.33 * sqrt(483.2) = 1062; "483.2 rps x26.33" read as a product would be 12,723.
        var f = 483.2;
        var m = 26.33;
        var upper = f + (m * Math.Sqrt(f));
        var features = new double[DemandOutlook.FeatureNames.Length];
        Array.Fill(features, double.NaN);
        features[DemandOutlook.LevelFeature] = f;
        features[DemandOutlook.LatestFeature] = 700;
        var multipliers = new double[features.Length];
        Array.Fill(multipliers, double.NaN);
        multipliers[DemandOutlook.LevelFeature] = m;
        var result = new OutlookResult([upper], features, DemandOutlook.LevelFeature, true, 0.98, multipliers) { SqrtTerm = true, TargetQuantile = 0.98 };

        Assert.Equal("p98 demand 1062 rps (recent mean 483.2 rps + 26.33 x sqrt(483.2))", result.Describe());
    }

    private static (double Shown, double Computed, string Form) Recompute(string reason)
    {
        var head = Head().Match(reason);
        Assert.True(head.Success, reason);
        var shown = Number(head.Groups[1].Value);
        if (Floor().Match(reason) is { Success: true } floor)
        {
            return (shown, Math.Min(Number(floor.Groups[1].Value), Number(floor.Groups[2].Value)), "floor");
        }

        if (CapPeak().Match(reason) is { Success: true } peak)
        {
            return (shown, Number(peak.Groups[1].Value) * Number(peak.Groups[2].Value), "capped");
        }

        if (CapFeature().Match(reason) is { Success: true } feature)
        {
            return (shown, Number(feature.Groups[1].Value) * Number(feature.Groups[2].Value), "capped");
        }

        if (Warmup().Match(reason) is { Success: true } warm)
        {
            return (shown, Math.Max(Number(warm.Groups[1].Value), Number(warm.Groups[2].Value)) * Number(warm.Groups[3].Value), "warm-up");
        }

        if (Sqrt().Match(reason) is { Success: true } sqrt)
        {
            return (shown, Number(sqrt.Groups[1].Value) + (Number(sqrt.Groups[2].Value) * Math.Sqrt(Number(sqrt.Groups[3].Value))), "calibrated");
        }

        var times = Times().Match(reason);
        Assert.True(times.Success, $"no arithmetic in '{reason}'");
        return (shown, Number(times.Groups[1].Value) * Number(times.Groups[2].Value), "calibrated");
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^p[\d.]+ demand ([\d.]+) rps \(")]
    private static partial Regex Head();

    [GeneratedRegex(@"not below the demand served now, the lower of recent mean ([\d.]+) and latest peak ([\d.]+) rps")]
    private static partial Regex Floor();

    [GeneratedRegex(@"at most [\d.]+ x the highest demand seen, ([\d.]+) x ([\d.]+) rps")]
    private static partial Regex CapPeak();

    [GeneratedRegex(@"at most the largest feature, ([\d.]+) rps x([\d.]+)")]
    private static partial Regex CapFeature();

    [GeneratedRegex(@"warm-up: the higher of recent mean ([\d.]+) and latest peak ([\d.]+) rps x([\d.]+)")]
    private static partial Regex Warmup();

    [GeneratedRegex(@" ([\d.]+) rps \+ (-?[\d.]+) x sqrt\(([\d.]+)\)")]
    private static partial Regex Sqrt();

    [GeneratedRegex(@" ([\d.]+) rps x([\d.]+)")]
    private static partial Regex Times();
}
