namespace Dso.Detection;

/// <summary>A calibrated score in [0,1] and whether it crosses the detector's alert threshold.</summary>
public readonly record struct AnomalyResult(double Score, bool IsAnomaly)
{
    /// <summary>The shape of the anomaly when <see cref="IsAnomaly"/> is true; <see cref="AnomalyKind.None"/> otherwise.</summary>
    public AnomalyKind Kind { get; init; }
}
