using Dso.Controller.Composition;
using Dso.Core.Tests.Reconcile;

namespace Dso.Core.Tests.Experiments;

/// <summary>
/// A split in the experiment host: twelve alike services on a hashed split, each logging a decision a minute. A
/// variant whose services miss demand is stopped by the split's guardrail and its services run control from then
/// on; a harmless variant is not stopped; the analysis names the services it would need.
/// </summary>
public sealed class SplitHostTests : IDisposable
{
    private static readonly string[] Services = [.. Enumerable.Range(0, 12).Select(i => $"svc{i:00}")];

    private readonly TestTraces _dir = new();

    /// <summary>The default policy's one service, copied twelve times under other names.</summary>
    private static string PolicyYaml()
    {
        var text = DefaultPolicy.Text().ReplaceLineEndings("\n");
        var shop = text[(text.IndexOf("services:\n", StringComparison.Ordinal) + "services:\n".Length)..];
        return "services:\n" + string.Concat(Services.Select(s => shop.Replace("name: shop", $"name: {s}", StringComparison.Ordinal)
            .Replace("scale_group: shop-web", $"scale_group: {s}-web", StringComparison.Ordinal).TrimEnd('\n') + "\n"));
    }

    private const string Experiment = """
        experiments:
          - name: lean
            services: [svc00, svc01, svc02, svc03, svc04, svc05, svc06, svc07, svc08, svc09, svc10, svc11]
            design: {kind: split, block: 30m, washout: 10m, seed: 5}
            primary_metric: cost
            guardrails:
              - {metric: slo_violation_minutes, limit: 2, false_stop_rate: 0.05}
            variants:
              - name: q98
              - name: q90
                overrides:
                  strategy: {parameters: {coverage_quantile: 0.9}}
        """;

    [Fact]
    public void Observe_SplitVariantMissingDemand_IsStoppedAndItsServicesRunControl()
    {
        using var h = new ExperimentHarness(_dir.Root, Experiment, policyYaml: PolicyYaml());
        var split = h.Run.Split!;
        var lean = Services.Where(s => split[s] == "q90").ToList();
        Assert.InRange(lean.Count, 4, 8);
        // q90's services leave 20 rps unserved every minute (20 violation minutes per measured block, limit 2).
        for (var minute = 0; minute < 6 * 60; minute++)
        {
            h.TickServices(Services, (variant, _) => (100, variant == "q90" ? 80 : 150, 1m));
        }

        Assert.Equal(["q90"], h.Run.Record.StoppedVariants);
        var guardrail = Assert.Single(h.Run.Detail(h.Clock.Now, null).Guardrails);
        Assert.True(guardrail.Stopped && guardrail.Evidence >= guardrail.Threshold, $"{guardrail}");
        Assert.All(lean, s => Assert.Equal("q98", h.Run.Arms[s].ArmAt(h.Clock.Now)!.Variant));
        Assert.All(Services.Except(lean), s => Assert.Equal("q98", h.Run.Arms[s].ArmAt(h.Clock.Now)!.Variant));
    }

    [Fact]
    public void Observe_SplitVariantAsGoodAsControl_IsNotStoppedAndTheAnalysisCountsServices()
    {
        using var h = new ExperimentHarness(_dir.Root, Experiment, policyYaml: PolicyYaml());
        var split = h.Run.Split!;
        for (var minute = 0; minute < 6 * 60; minute++)
        {
            // Both arms miss demand alike every third block.
            h.TickServices(Services, (_, block) => (100, block % 3 == 0 ? 90 : 150, 1m));
        }

        Assert.Empty(h.Run.Record.StoppedVariants);
        var detail = h.Run.Detail(h.Clock.Now, null);
        Assert.False(Assert.Single(detail.Guardrails).Stopped);
        var comparison = Assert.Single(detail.Comparisons);
        Assert.Equal(12, comparison.Services);
        Assert.NotNull(comparison.ServicesNeeded);
        Assert.All(Services, s => Assert.Equal(split[s], h.Run.Arms[s].ArmAt(h.Clock.Now)!.Variant));
    }

    public void Dispose() => _dir.Dispose();
}
