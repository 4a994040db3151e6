namespace Dso.Experiments.Design;

/// <summary>
/// How long a block's start is still shaped by the previous variant, and whether a block length leaves enough
/// clean time after it. Bojinov, Simchi-Levi and Zhao (Management Science, 2023) show that with a carry-over of m
/// periods the minimax-optimal switchback randomizes every m periods and estimates only from periods whose
/// previous m periods ran the same arm; leaving out a washout of at least m after each switch is that rule.
/// </summary>
public static class CarryOver
{
    /// <summary>Share of each block at most spent in washout: more leaves too little of the block to measure.</summary>
    public const double MaxWashoutShare = 0.5;

    /// <summary>
    /// The shortest washout that covers the carry-over: a launch the previous variant started serves only after the
    /// boot delay, and a scale-in it wanted is held back for the stabilization window, so for that long the fleet
    /// still reflects it. One tick more because the first decision of a block is taken a tick after it starts.
    /// </summary>
    public static TimeSpan MinimumWashout(TimeSpan bootDelay, TimeSpan scaleDownStabilization, TimeSpan tick) =>
        bootDelay + scaleDownStabilization + tick;

    /// <summary>Problems with a design's timing, empty when the block length and washout cover the carry-over.</summary>
    public static IReadOnlyList<string> Check(TimeSpan blockLength, TimeSpan washout, TimeSpan minimumWashout)
    {
        var problems = new List<string>();
        if (washout < minimumWashout)
        {
            problems.Add($"washout {Format(washout)} is shorter than the carry-over {Format(minimumWashout)} (boot delay + scale-down stabilization + one tick): blocks would be measured while the previous variant's fleet still serves");
        }

        if (blockLength.Ticks * MaxWashoutShare < washout.Ticks)
        {
            problems.Add($"block length {Format(blockLength)} must be at least {1 / MaxWashoutShare:0}x the washout {Format(washout)} so that most of each block is measured");
        }

        return problems;
    }

    public static string Format(TimeSpan span) =>
        span.TotalHours >= 1 && span.Minutes == 0 && span.Seconds == 0 ? $"{span.TotalHours:0.##}h"
        : span.TotalMinutes >= 1 && span.Seconds == 0 ? $"{span.TotalMinutes:0.##}m"
        : $"{span.TotalSeconds:0.##}s";
}
