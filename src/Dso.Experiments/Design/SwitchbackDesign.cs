namespace Dso.Experiments.Design;

/// <summary>
/// A switchback: time from <see cref="Start"/> is cut into blocks of <see cref="BlockLength"/>, and each block runs
/// one variant. Blocks come in groups of as many blocks as there are variants; each group runs every variant once,
/// in an order drawn from <see cref="Seed"/> (permuted blocks). Compared with an independent coin per block
/// (Bojinov, Simchi-Levi and Zhao's regular switchback) this keeps the arms balanced at every group boundary and
/// pairs each variant's block with a control block a few hours away, which removes slow drift from the comparison;
/// the randomization test re-draws exactly this kind of assignment, so its p-values stay exact.
/// The first <see cref="Washout"/> of every block is measured but left out of the estimate: the fleet a block
/// inherits was shaped by the previous variant (carry-over).
/// </summary>
public sealed record SwitchbackDesign
{
    public required DateTimeOffset Start { get; init; }

    public required TimeSpan BlockLength { get; init; }

    public required TimeSpan Washout { get; init; }

    /// <summary>Variant names; the first is the control every other variant is compared with.</summary>
    public required IReadOnlyList<string> Variants { get; init; }

    public required ulong Seed { get; init; }

    public string Control => Variants[0];

    /// <summary>Index of the block holding <paramref name="at"/>; negative before the start.</summary>
    public long BlockAt(DateTimeOffset at) =>
        at < Start ? -1 : (long)Math.Floor((at - Start).Ticks / (double)BlockLength.Ticks);

    public DateTimeOffset BlockStart(long block) => Start + TimeSpan.FromTicks(BlockLength.Ticks * block);

    /// <summary>The group of blocks a block belongs to: the unit the design randomizes and the analysis pairs.</summary>
    public long GroupOf(long block) => block / Variants.Count;

    public bool InWashout(DateTimeOffset at)
    {
        var block = BlockAt(at);
        return block >= 0 && at - BlockStart(block) < Washout;
    }

    /// <summary>The variant of a block: position <c>block mod k</c> of its group's seeded permutation.</summary>
    public string VariantOf(long block) => Variants[PermutationOf(GroupOf(block))[(int)(block % Variants.Count)]];

    public string VariantAt(DateTimeOffset at) => VariantOf(Math.Max(0, BlockAt(at)));

    /// <summary>Fisher–Yates shuffle of 0..k-1 seeded by (seed, group), so any block is computable on its own.</summary>
    internal int[] PermutationOf(long group)
    {
        var order = Enumerable.Range(0, Variants.Count).ToArray();
        var rng = new SplitMix64(SplitMix64.Mix(Seed, (ulong)group));
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = rng.Below(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }
}
