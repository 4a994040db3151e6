namespace Dso.Detection;

/// <summary>
/// Has the recent shape of the series been seen before? Values are quantised into a few levels between robust
/// bounds of the recent history, and the sequences of the last 1..K levels ending at each point are counted.
/// The raw surprise is the share of those sequences never seen before. Routine bursts (a spiky tweet volume,
/// a nightly batch job) stop being surprising once seen, while a new level or a new shape is surprising at once;
/// that is what residual-based scores miss on bursty KPIs. The idea follows contextual detectors such as CAD OSE.
/// </summary>
internal sealed class PatternNovelty
{
    private const double LowQuantile = 0.005;
    private const double HighQuantile = 0.995;

    private readonly int _levels;
    private readonly int _maxOrder;
    private readonly int _rebuildInterval;
    private readonly RingBuffer _history;
    private readonly Dictionary<long, int> _counts = new();
    private readonly int[] _recentLevels;
    private double _low;
    private double _high;
    private int _sinceRebuild;

    public PatternNovelty(int levels, int maxOrder, int historyPoints, int rebuildInterval)
    {
        _levels = levels;
        _maxOrder = maxOrder;
        _rebuildInterval = rebuildInterval;
        _history = new RingBuffer(historyPoints);
        _recentLevels = new int[maxOrder];
    }

    /// <summary>Adds a value; returns the share (0..1) of the sequences ending here that are new.</summary>
    public double Update(double value)
    {
        _history.Add(value);
        if (_history.Count == 1 || ++_sinceRebuild >= _rebuildInterval)
        {
            Rebuild();
            return 0;
        }

        Shift(Level(value));
        var available = Math.Min(_maxOrder, _history.Count);
        var novel = 0;
        for (var order = 1; order <= available; order++)
        {
            var key = Key(order);
            _counts.TryGetValue(key, out var count);
            if (count == 0)
            {
                novel++;
            }

            _counts[key] = count + 1;
        }

        return (double)novel / _maxOrder;
    }

    private int Level(double value)
    {
        if (!(_high > _low))
        {
            return value > _high ? _levels + 1 : value < _low ? 0 : 1;
        }

        // Levels 1.._levels inside the robust bounds, 0 and _levels + 1 for the tails beyond them.
        var position = (value - _low) / (_high - _low);
        return position < 0 ? 0 : position > 1 ? _levels + 1 : 1 + Math.Min((int)(position * _levels), _levels - 1);
    }

    private void Shift(int level)
    {
        Array.Copy(_recentLevels, 0, _recentLevels, 1, _maxOrder - 1);
        _recentLevels[0] = level;
    }

    private long Key(int order)
    {
        // 5 bits per level (up to 30 levels), the order in the top byte: unique for orders up to 11.
        long key = order;
        for (var k = 0; k < order; k++)
        {
            key = (key << 5) | (long)_recentLevels[k];
        }

        return key;
    }

    /// <summary>
    /// Re-derives the level bounds from the recent history and recounts every sequence in it. Bounds must follow
    /// the series (KPIs drift), and counting only the kept history lets old patterns be forgotten.
    /// </summary>
    private void Rebuild()
    {
        _sinceRebuild = 0;
        var n = _history.Count;
        var sorted = new double[n];
        _history.CopyLatest(n, sorted);
        Array.Sort(sorted);
        _low = sorted[(int)(LowQuantile * (n - 1))];
        _high = sorted[(int)Math.Ceiling(HighQuantile * (n - 1))];

        _counts.Clear();
        Array.Clear(_recentLevels);
        for (var i = 0; i < n; i++)
        {
            Shift(Level(_history[i]));
            for (var order = 1; order <= Math.Min(_maxOrder, i + 1); order++)
            {
                var key = Key(order);
                _counts[key] = _counts.GetValueOrDefault(key) + 1;
            }
        }
    }
}
