namespace Dso.Detection;

/// <summary>A calibrated score in [0,1] and whether it crosses the detector's alert threshold.</summary>
public readonly record struct AnomalyResult(double Score, bool IsAnomaly);
