namespace Dso.Forecasting;

/// <summary>
/// The planned events of one series. The forecaster divides past demand by the multiplier in force so the model
/// learns "demand without events", then multiplies forecasts by the multiplier at each future step: a known
/// campaign moves the forecast even when history has never seen one like it.
/// </summary>
public sealed class EventCalendar
{
    public static readonly EventCalendar Empty = new([]);

    public EventCalendar(IEnumerable<PlannedEvent> events)
    {
        Events = events.OrderBy(e => e.Start).ToArray();
    }

    public IReadOnlyList<PlannedEvent> Events { get; }

    /// <summary>Product of the multipliers of the events in force at <paramref name="timestamp"/> (1 when none).</summary>
    public double MultiplierAt(DateTimeOffset timestamp)
    {
        var multiplier = 1.0;
        foreach (var e in Events)
        {
            if (e.Start > timestamp)
            {
                break; // sorted by start: no later event can be active yet
            }

            if (e.IsActiveAt(timestamp))
            {
                multiplier *= e.Multiplier;
            }
        }

        return multiplier;
    }

    /// <summary>Events that overlap [from, to).</summary>
    public IReadOnlyList<PlannedEvent> Overlapping(DateTimeOffset from, DateTimeOffset to) =>
        Events.Where(e => e.Start < to && e.End > from).ToArray();
}
