namespace Dso.Abstractions.Series;

/// <summary>One observation of one series: the value measured over the interval that starts at <paramref name="Timestamp"/>.</summary>
public readonly record struct TimeSeriesPoint(DateTimeOffset Timestamp, double Value);
