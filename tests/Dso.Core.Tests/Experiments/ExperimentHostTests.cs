using Dso.Controller.Experiments;
using Dso.Core.Tests.Reconcile;
using Dso.DecisionLog;

namespace Dso.Core.Tests.Experiments;

/// <summary>
/// The experiment host on a real SQLite log with decisions fed a minute apart: guardrails stop a harmful variant
/// online (and not a harmless one), an experiment that says so promotes its winner at the end through a re-apply,
/// and a restart resumes the same run with its blocks.
/// </summary>
public sealed class ExperimentHostTests : IDisposable
{
    private readonly TestTraces _dir = new();

    private static string Experiment(string extra = "", int seed = 7) => """
        experiments:
          - name: coverage
            service: shop
            design: {kind: switchback, block: 30m, washout: 10m, seed: SEED}
            primary_metric: cost
            guardrails:
              - {metric: slo_violation_minutes, limit: 2, false_stop_rate: 0.05}
        EXTRA
            variants:
              - name: q98
              - name: q90
                overrides:
                  strategy: {parameters: {coverage_quantile: 0.9}}
        """.Replace("SEED", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("EXTRA", extra, StringComparison.Ordinal);

    [Fact]
    public async Task Observe_VariantCausingSloViolations_IsStoppedLoggedAndItsBlocksRunControl()
    {
        using var h = new ExperimentHarness(_dir.Root, Experiment());
        // q90 leaves 20 rps unserved every minute (20 violation minutes per measured block, limit 2); q98 serves all.
        h.Ticks(20 * 60, (variant, _) => (100, variant == "q90" ? 80 : 150, 1m));

        Assert.Equal(["q90"], h.Run.Record.StoppedVariants);
        var events = await h.Store.EventsAsync("shop", "experiment_guardrail", null, null, 10, CancellationToken.None);
        Assert.Contains("variant 'q90' stopped by the slo_violation_minutes guardrail", Assert.Single(events).Message);

        // From the stop on, blocks the design gives q90 run control (the arm and the recorded block say so).
        var design = h.Run.Design;
        var next = Enumerable.Range(1, 10).Select(i => design.BlockAt(h.Clock.Now) + i).First(b => design.VariantOf(b) == "q90");
        Assert.Equal("q98", h.Run.Arms["shop"].ArmAt(design.BlockStart(next) + TimeSpan.FromMinutes(15))!.Variant);
        var detail = h.Run.Detail(h.Clock.Now, null);
        var guardrail = Assert.Single(detail.Guardrails);
        Assert.True(guardrail.Stopped);
        Assert.True(guardrail.Evidence >= guardrail.Threshold);
        Assert.Contains(detail.Blocks, b => b.Variant == "q98" && design.VariantOf(b.Block) == "q90");
    }

    [Fact]
    public void Observe_VariantWithinItsLimit_IsNotStopped()
    {
        using var h = new ExperimentHarness(_dir.Root, Experiment());
        // Both miss demand alike (A/A on the SLO): the guardrail must not stop either.
        h.Ticks(20 * 60, (_, block) => (100, block % 3 == 0 ? 90 : 150, 1m));

        Assert.Empty(h.Run.Record.StoppedVariants);
        Assert.False(Assert.Single(h.Run.Detail(h.Clock.Now, null).Guardrails).Stopped);
    }

    [Fact]
    public async Task End_OnEndPromote_PromotesTheCheaperVariantThroughAReapplyAndKeepsItAfterRestart()
    {
        var yaml = Experiment("    duration: 1d\n    min_duration: 12h\n    on_end: promote");
        using (var h = new ExperimentHarness(_dir.Root, yaml))
        {
            // q90 is 20 % cheaper in every block, with a block-to-block swing both share.
            h.Ticks(24 * 60 + 1, (variant, block) => (100, 150, (variant == "q90" ? 0.8m : 1m) * (1 + block % 5 / 10m)));

            Assert.True(h.Run.Record.State == ExperimentStates.Promoted, $"{h.Run.Record.State}: {h.Run.Record.Note} / {System.Text.Json.JsonSerializer.Serialize(h.Run.Detail(h.Clock.Now, null).Comparisons)}");
            Assert.Equal("q90", h.Run.Record.Winner);
            Assert.True(h.Host.TakeReapplyRequest(), "a promotion must ask for the policy set to be applied again");
            Assert.Equal(0.98, h.Applied.Services.Single(s => s.Name == "shop").Strategy.Get("coverage_quantile", 0));
            h.Reapply();
            Assert.Equal(0.9, h.Applied.Services.Single(s => s.Name == "shop").Strategy.Get("coverage_quantile", 0));
            Assert.Null(h.Run.Arms["shop"].ArmAt(h.Clock.Now));
            var promoted = await h.Store.EventsAsync("shop", "experiment_promoted", null, null, 10, CancellationToken.None);
            Assert.Contains("coverage_quantile: 0.9", Assert.Single(promoted).Message);
            var recommendation = h.Run.Summary(h.Clock.Now).Recommendation;
            Assert.Equal("promoted", recommendation.Action);
            Assert.Contains("coverage_quantile: 0.9", recommendation.PolicyChange);
        }

        // A restarted service (same log) runs the winner from its first apply.
        using var again = new ExperimentHarness(_dir.Root, yaml);
        Assert.Equal(0.9, again.Applied.Services.Single(s => s.Name == "shop").Strategy.Get("coverage_quantile", 0));
    }

    [Fact]
    public void Detail_VariantWithoutACompleteBlock_HasNullEstimateInTheApiJson_AndThePageShowsADash()
    {
        using var h = new ExperimentHarness(_dir.Root, Experiment());
        // 45 minutes: block 0 is complete, block 1 is not, so one of the two variants has no complete block.
        h.Ticks(45, (_, _) => (100, 150, 1m));

        var detail = h.Run.Detail(h.Clock.Now, null);
        Assert.Equal(1, detail.Variants.Sum(v => v.Blocks));
        var empty = detail.Variants.Single(v => v.Blocks == 0).Name;
        var json = System.Text.Json.JsonSerializer.SerializeToElement(detail, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        var comparison = Assert.Single(json.GetProperty("comparisons").EnumerateArray());
        foreach (var field in new[] { "difference", "low", "high", "relativeDifference", "relativeLow", "relativeHigh" })
        {
            Assert.True(comparison.GetProperty(field).ValueKind == System.Text.Json.JsonValueKind.Null, $"{field}: {comparison.GetProperty(field)} (no complete {empty} block)");
        }

        var means = json.GetProperty("variants").EnumerateArray().Single(v => v.GetProperty("name").GetString() == empty).GetProperty("meanPerBlock");
        Assert.All(means.EnumerateObject(), m => Assert.Equal(System.Text.Json.JsonValueKind.Null, m.Value.ValueKind));

        var page = (Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult)Dso.Controller.Web.Pages.ExperimentPage.Render(
            "coverage", new Microsoft.AspNetCore.Http.DefaultHttpContext().Request, h.Host, new Dso.Controller.Hosting.ServiceClock(h.Clock, 1));
        Assert.Contains("<td class=\"num\">—</td><td class=\"num interval\">[—, —]</td><td class=\"num\">— [—, —]</td>", page.ResponseContent);
        Assert.Contains("id=\"estimate-none\"", page.ResponseContent);
    }

    [Fact]
    public void Commit_AfterRestart_ResumesTheSameRunWithItsBlocks_AndANewDesignStartsAfresh()
    {
        DateTimeOffset start;
        int blocks;
        using (var h = new ExperimentHarness(_dir.Root, Experiment()))
        {
            h.Ticks(5 * 60, (_, _) => (100, 150, 1m));
            start = h.Run.Record.Start;
            blocks = h.Run.Detail(h.Clock.Now, null).Blocks.Count;
            Assert.True(blocks >= 9);
        }

        using (var h = new ExperimentHarness(_dir.Root, Experiment()))
        {
            h.Clock.Now = ExperimentHarness.T0 + TimeSpan.FromHours(5);
            Assert.Equal(start, h.Run.Record.Start);
            Assert.Equal(blocks, h.Run.Detail(h.Clock.Now, null).Blocks.Count);
            h.Ticks(60, (_, _) => (100, 150, 1m));
            Assert.True(h.Run.Detail(h.Clock.Now, null).Blocks.Count > blocks);
        }

        using var changed = new ExperimentHarness(_dir.Root, Experiment(seed: 8));
        Assert.Empty(changed.Run.Detail(changed.Clock.Now, null).Blocks);
        Assert.Equal(ExperimentHarness.T0, changed.Run.Record.Start);
    }

    public void Dispose() => _dir.Dispose();
}
