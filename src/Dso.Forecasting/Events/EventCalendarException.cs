namespace Dso.Forecasting;

/// <summary>An event calendar could not be read; the message names the file and line.</summary>
public sealed class EventCalendarException(string message) : Exception(message);
