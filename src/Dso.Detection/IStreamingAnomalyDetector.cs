namespace Dso.Detection;

/// <summary>
/// Scores one KPI series point by point, online: the score of a point depends only on it and the points before it.
/// One instance per series; not thread-safe.
/// </summary>
public interface IStreamingAnomalyDetector
{
    AnomalyResult Observe(DateTimeOffset timestamp, double value);
}
