namespace Dso.Abstractions.Decisions;

/// <summary>
/// How a service's spend in a period is summed from its own ledger entries and those other service names wrote on its
/// scale target, shared by every <see cref="ISpendLog"/> so the stores cannot disagree. The service's own entries count
/// whole, as before targets were recorded (its budget, showback and a restart read the same rows). Another name's entry
/// counts only for the part of its interval that nothing counted before it covers, at that entry's own rate: one group
/// billed over one interval is one bill, whichever names recorded it (two loops on the group during a reload, a rename
/// back to an earlier name). Other names' entries are taken oldest first.
/// </summary>
public static class SpendTotals
{
    /// <param name="service">The service whose spend is summed.</param>
    /// <param name="ownNewest">The service's newest entry ever (its ledger continues from it after a restart).</param>
    /// <param name="inPeriod">Its entries and the target's entries of other names that end in the period, in the order written.</param>
    public static SpendTotal Sum(string service, SpendEntry? ownNewest, IEnumerable<SpendEntry> inPeriod)
    {
        var own = new List<SpendEntry>();
        var others = new List<SpendEntry>();
        foreach (var entry in inPeriod)
        {
            (string.Equals(entry.Service, service, StringComparison.Ordinal) ? own : others).Add(entry);
        }

        var total = own.Sum(e => e.Usd);
        var covered = Merge(own);
        var carried = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var last = ownNewest;
        // Sorted by start, the earlier other entries cover exactly [start, frontier) of each later one.
        var frontier = long.MinValue;
        foreach (var entry in others.OrderBy(e => e.From).ThenBy(e => e.To))
        {
            var (from, to) = (entry.From.UtcTicks, entry.To.UtcTicks);
            var start = Math.Max(from, frontier);
            var uncovered = to > start ? to - start - Overlap(covered, start, to) : 0;
            // An empty interval (never written by a loop, whose entries span a tick) covers no time to count twice.
            var usd = to <= from || uncovered == to - from ? entry.Usd : entry.Usd * uncovered / (to - from);
            if (usd > 0)
            {
                total += usd;
                carried[entry.Service] = carried.GetValueOrDefault(entry.Service) + usd;
            }

            frontier = Math.Max(frontier, to);
            // The ledger continues from the newest billing of the group, whoever recorded it: the gap after it was billed too.
            if (last is null || entry.To > last.To)
            {
                last = entry;
            }
        }

        return new SpendTotal(total, last) { CarriedOver = carried };
    }

    /// <summary>The entries' intervals as disjoint [from, to) ranges of UTC ticks, in order.</summary>
    private static List<(long From, long To)> Merge(List<SpendEntry> entries)
    {
        var merged = new List<(long From, long To)>();
        foreach (var (from, to) in entries.Select(e => (e.From.UtcTicks, e.To.UtcTicks)).Where(r => r.Item2 > r.Item1).OrderBy(r => r.Item1))
        {
            if (merged.Count > 0 && from <= merged[^1].To)
            {
                merged[^1] = (merged[^1].From, Math.Max(merged[^1].To, to));
            }
            else
            {
                merged.Add((from, to));
            }
        }

        return merged;
    }

    /// <summary>How much of [from, to) the disjoint ordered ranges cover.</summary>
    private static long Overlap(List<(long From, long To)> ranges, long from, long to)
    {
        // The first range that ends after from; ranges are disjoint and ordered, so their ends are ordered too.
        var (lo, hi) = (0, ranges.Count);
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            (lo, hi) = ranges[mid].To <= from ? (mid + 1, hi) : (lo, mid);
        }

        var overlap = 0L;
        for (var i = lo; i < ranges.Count && ranges[i].From < to; i++)
        {
            overlap += Math.Min(to, ranges[i].To) - Math.Max(from, ranges[i].From);
        }

        return overlap;
    }
}
