namespace Dso.DecisionLog.Queries;

/// <summary>A point on a chart worth a mark: a fleet change, a held tick or an anomaly, with its decision id.</summary>
public sealed record SeriesMarker(DateTimeOffset At, string Kind, string DecisionId, string Label);
