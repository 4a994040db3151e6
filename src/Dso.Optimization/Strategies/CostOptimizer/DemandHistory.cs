namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// The observed request rate per tick, by absolute tick index, in a bounded ring: enough for "same time last week"
/// lookups without growing for a service that runs for months.
/// </summary>
internal sealed class DemandHistory(int capacity)
{
    private readonly double[] _ring = new double[Math.Max(capacity, 2)];

    /// <summary>Ticks observed so far; the latest has index <c>Count - 1</c>.</summary>
    public long Count { get; private set; }

    public long Latest => Count - 1;

    /// <summary>Ticks the ring keeps: the oldest still known has index <c>Count - Capacity</c>.</summary>
    public int Capacity => _ring.Length;

    public void Add(double demand)
    {
        _ring[Count % _ring.Length] = double.IsFinite(demand) ? Math.Max(0, demand) : 0;
        Count++;
    }

    /// <summary>Demand at an absolute tick index, or NaN when it is in the future or has left the ring.</summary>
    public double At(long index) =>
        index < 0 || index >= Count || index < Count - _ring.Length ? double.NaN : _ring[index % _ring.Length];

    /// <summary>Peak over ticks [from, to] that are known; NaN when none is.</summary>
    public double PeakBetween(long from, long to)
    {
        var peak = double.NaN;
        for (var i = Math.Max(from, Math.Max(0, Count - _ring.Length)); i <= Math.Min(to, Latest); i++)
        {
            var v = _ring[i % _ring.Length];
            peak = double.IsNaN(peak) ? v : Math.Max(peak, v);
        }

        return peak;
    }

    internal void Save(State.StateWriter w)
    {
        w.Write(Count);
        w.Write(_ring);
    }

    internal void Load(State.StateReader r)
    {
        var count = r.Long();
        r.Into(_ring);
        Count = count >= 0 ? count : throw new State.PlannerStateException($"a history of {count} ticks");
    }
}
