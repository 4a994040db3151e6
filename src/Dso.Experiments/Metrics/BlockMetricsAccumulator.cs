using Dso.Experiments.Design;

namespace Dso.Experiments.Metrics;

/// <summary>
/// Turns per-interval observations (the same data the decision log holds: demand, ready capacity, billed fleet
/// cost, whether the fleet changed) into per-block metrics of a switchback, leaving out each block's washout.
/// An interval that straddles a washout end or block boundary is split in proportion to its time.
/// </summary>
public sealed class BlockMetricsAccumulator(SwitchbackDesign design, bool applyWashout = true)
{
    private readonly SortedDictionary<long, Totals> _blocks = new();
    private readonly Dictionary<long, string> _ran = [];

    public SwitchbackDesign Design => design;

    /// <summary>
    /// Records the interval [start, end): demand and ready capacity in requests/s, the billed fleet's USD per hour,
    /// and whether a scaling action was taken at its start. <paramref name="variant"/> is the variant that actually
    /// ran at <paramref name="start"/> when it may differ from the design's (a variant stopped by a guardrail runs
    /// control, a split runs one variant throughout); null takes the design's.
    /// </summary>
    public void Observe(DateTimeOffset start, DateTimeOffset end, double demandRps, double readyCapacityRps, decimal hourlyCostUsd, bool scalingAction, string? variant = null)
    {
        if (end <= start || end <= design.Start)
        {
            return;
        }

        if (variant is not null && start >= design.Start)
        {
            _ran.TryAdd(design.BlockAt(start), variant);
        }

        if (scalingAction && start >= design.Start && !(applyWashout && design.InWashout(start)))
        {
            TotalsOf(design.BlockAt(start)).Actions++;
        }

        var at = start < design.Start ? design.Start : start;
        while (at < end)
        {
            var block = design.BlockAt(at);
            var blockStart = design.BlockStart(block);
            var washoutEnd = blockStart + design.Washout;
            var cut = applyWashout && at < washoutEnd ? washoutEnd : design.BlockStart(block + 1);
            var pieceEnd = cut < end ? cut : end;
            var seconds = (pieceEnd - at).TotalSeconds;
            var totals = TotalsOf(block);
            if (applyWashout && at < washoutEnd)
            {
                totals.WashoutSeconds += seconds;
            }
            else
            {
                totals.Seconds += seconds;
                totals.Cost += hourlyCostUsd * (decimal)(seconds / 3600);
                var served = Math.Min(demandRps, readyCapacityRps);
                totals.Served += Math.Max(0, served) * seconds;
                if (demandRps > readyCapacityRps + 1e-9)
                {
                    totals.Unserved += (demandRps - readyCapacityRps) * seconds;
                    totals.ViolationSeconds += seconds;
                }
            }

            at = pieceEnd;
        }
    }

    /// <summary>
    /// Takes back a block's totals as they were recorded (a restart continues the block where it was), replacing
    /// whatever this accumulator held for it.
    /// </summary>
    public void Restore(BlockMetrics block)
    {
        _blocks[block.Block] = new Totals
        {
            Seconds = block.MeasuredMinutes * 60,
            WashoutSeconds = block.WashoutMinutes * 60,
            Cost = block.CostUsd,
            Served = block.RequestsServed,
            Unserved = block.UnservedRequests,
            ViolationSeconds = block.SloViolationMinutes * 60,
            Actions = block.ScalingActions,
        };
        _ran[block.Block] = block.Variant;
    }

    /// <summary>Blocks seen so far, complete or not, in time order.</summary>
    public IReadOnlyList<BlockMetrics> Blocks(DateTimeOffset now) =>
        _blocks.Select(kv => new BlockMetrics
        {
            Block = kv.Key,
            Variant = _ran.GetValueOrDefault(kv.Key) ?? design.VariantOf(kv.Key),
            Start = design.BlockStart(kv.Key),
            MeasuredMinutes = kv.Value.Seconds / 60,
            WashoutMinutes = kv.Value.WashoutSeconds / 60,
            CostUsd = decimal.Round(kv.Value.Cost, 6),
            RequestsServed = kv.Value.Served,
            UnservedRequests = kv.Value.Unserved,
            SloViolationMinutes = kv.Value.ViolationSeconds / 60,
            ScalingActions = kv.Value.Actions,
            Complete = design.BlockStart(kv.Key + 1) <= now,
        }).ToList();

    private Totals TotalsOf(long block)
    {
        if (!_blocks.TryGetValue(block, out var totals))
        {
            totals = new Totals();
            _blocks[block] = totals;
        }

        return totals;
    }

    private sealed class Totals
    {
        public double Seconds;
        public double WashoutSeconds;
        public decimal Cost;
        public double Served;
        public double Unserved;
        public double ViolationSeconds;
        public int Actions;
    }
}
