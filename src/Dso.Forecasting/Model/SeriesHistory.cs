namespace Dso.Forecasting.Model;

/// <summary>
/// The recent past of one series on a regular grid, as a ring buffer with running sums so any window mean is O(1):
/// features and the baseline read dozens of windows per tick, and the service ticks ~40k times per simulation.
/// Values are stored with planned-event multipliers divided out (see <see cref="EventCalendar"/>).
/// </summary>
internal sealed class SeriesHistory
{
    private const int StepInferencePoints = 3;
    private readonly int _capacity;
    private readonly double[] _values;
    private readonly double[] _weights;
    private readonly double[] _cumulative; // sum of values[0..i] inclusive, at slot i
    private readonly double[] _cumulativeAbsDiff; // sum of |values[j] - values[j-1]| for j in 1..i
    private readonly EventCalendar _events;
    private readonly List<(DateTimeOffset Timestamp, double Value, double Weight)> _unplaced = [];
    private TimeSpan _step;
    private int _stepsPerDay = StepsPerDayOf(TimeSpan.Zero);

    public SeriesHistory(int capacity, TimeSpan? step, EventCalendar events)
    {
        _capacity = capacity;
        _values = new double[capacity];
        _weights = new double[capacity];
        _cumulative = new double[capacity];
        _cumulativeAbsDiff = new double[capacity];
        _events = events;
        if (step is { } s)
        {
            Step = s;
        }
    }

    /// <summary>Grid step; zero until inferred.</summary>
    public TimeSpan Step
    {
        get => _step;
        private set
        {
            _step = value;
            _stepsPerDay = StepsPerDayOf(value);
        }
    }

    public DateTimeOffset Origin { get; private set; }

    /// <summary>Points ever placed on the grid; indices run 0..Count-1.</summary>
    public long Count { get; private set; }

    /// <summary>Smallest index a window may start at (one slot is kept for the running sums).</summary>
    public long FirstAvailable => Math.Max(0, Count - _capacity + 1);

    public bool HasGrid => Step > TimeSpan.Zero && (Count > 0 || _unplaced.Count == 0);

    /// <summary>Kept with the step: features read it dozens of times per tick, and a TimeSpan division there showed in profiles.</summary>
    public int StepsPerDay => _stepsPerDay;

    public int Capacity => _capacity;

    public bool NonNegative { get; private set; } = true;

    public DateTimeOffset TimeOf(long index) => Origin + (Step * index);

    public double EventMultiplier(long index) => _events.MultiplierAt(TimeOf(index));

    public double Value(long index) => _values[index % _capacity];

    public double Weight(long index) => _weights[index % _capacity];

    /// <summary>
    /// Adds an observation; returns how many grid points were appended (gaps are filled by interpolation at weight 0,
    /// a point at or before the last grid time is ignored). Until the step is known, the first points wait here.
    /// </summary>
    public int Add(DateTimeOffset timestamp, double value, double weight)
    {
        if (Step == TimeSpan.Zero || (Count == 0 && _unplaced.Count > 0))
        {
            _unplaced.Add((timestamp, value, weight));
            return _unplaced.Count >= StepInferencePoints || Step > TimeSpan.Zero ? PlaceUnplaced() : 0;
        }

        return Place(timestamp, value, weight);
    }

    /// <summary>Forces step inference from whatever is buffered (Predict calls this with few points); needs two points.</summary>
    public int Flush() => _unplaced.Count < 2 ? 0 : PlaceUnplaced();

    /// <summary>The only point seen so far, while a single one cannot tell the step.</summary>
    public (DateTimeOffset Timestamp, double Value)? LonePoint =>
        Count == 0 && _unplaced.Count == 1 ? (_unplaced[0].Timestamp, _unplaced[0].Value) : null;

    public double Mean(long from, long to)
    {
        from = Math.Max(from, FirstAvailable);
        to = Math.Min(to, Count);
        if (to <= from)
        {
            return double.NaN;
        }

        return (Cumulative(to - 1) - Cumulative(from - 1)) / (to - from);
    }

    /// <summary>Mean absolute one-step change over [from, to): the local noise-plus-motion level.</summary>
    public double MeanAbsChange(long from, long to)
    {
        from = Math.Max(from, FirstAvailable + 1);
        to = Math.Min(to, Count);
        if (to <= from)
        {
            return double.NaN;
        }

        return (_cumulativeAbsDiff[(to - 1) % _capacity] - _cumulativeAbsDiff[(from - 1) % _capacity]) / (to - from);
    }

    private static int StepsPerDayOf(TimeSpan step) => Math.Max(1, (int)Math.Round(TimeSpan.FromDays(1) / step));

    private double Cumulative(long index) => index < 0 ? 0.0 : _cumulative[index % _capacity];

    private int PlaceUnplaced()
    {
        if (Step == TimeSpan.Zero)
        {
            var deltas = _unplaced.Zip(_unplaced.Skip(1), (a, b) => b.Timestamp - a.Timestamp).Where(d => d > TimeSpan.Zero).ToList();
            // The smallest gap is the grid step: gaps in the data are multiples of it, never smaller.
            Step = deltas.Min();
        }

        var added = 0;
        foreach (var (timestamp, value, weight) in _unplaced)
        {
            added += Place(timestamp, value, weight);
        }

        _unplaced.Clear();
        return added;
    }

    private int Place(DateTimeOffset timestamp, double value, double weight)
    {
        if (Count == 0)
        {
            Origin = timestamp;
            Append(value / _events.MultiplierAt(timestamp), weight);
            return 1;
        }

        var index = (long)Math.Round((timestamp - Origin) / Step);
        if (index < Count)
        {
            return 0;
        }

        var adjusted = value / _events.MultiplierAt(timestamp);
        var last = Value(Count - 1);
        var gap = index - Count;

        // Only the last capacity's worth of filler is ever kept: a gap longer than the history (a trace that jumps years)
        // skips the rest instead of filling, and forecasting, every step of it.
        var fill = Math.Min(gap, _capacity);
        Count += gap - fill;
        for (var g = gap - fill + 1; g <= gap; g++)
        {
            // Interpolated filler keeps windows meaningful; weight 0 keeps it out of training targets.
            Append(last + ((adjusted - last) * g / (gap + 1)), 0.0);
        }

        Append(adjusted, weight);
        return (int)(fill + 1);
    }

    private void Append(double value, double weight)
    {
        var slot = Count % _capacity;
        var previousSum = Count == 0 ? 0.0 : _cumulative[(Count - 1) % _capacity];
        var previousAbs = Count == 0 ? 0.0 : _cumulativeAbsDiff[(Count - 1) % _capacity];
        var change = Count == 0 ? 0.0 : Math.Abs(value - _values[(Count - 1) % _capacity]);
        _values[slot] = value;
        _weights[slot] = Math.Clamp(weight, 0.0, 1.0);
        _cumulative[slot] = previousSum + value;
        _cumulativeAbsDiff[slot] = previousAbs + change;
        NonNegative &= value >= 0;
        Count++;
    }
}
