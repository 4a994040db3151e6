namespace Dso.Forecasting;

/// <summary>
/// An event calendar was rejected; <see cref="Errors"/> lists every bad entry, each at its file:line:column, so an
/// operator with three bad rows fixes them in one pass rather than one validate run each.
/// </summary>
public sealed class EventCalendarException(IReadOnlyList<EventCalendarError> errors)
    : Exception(string.Join(Environment.NewLine, errors.Select(e => e.ToString())))
{
    public IReadOnlyList<EventCalendarError> Errors { get; } = errors;
}
