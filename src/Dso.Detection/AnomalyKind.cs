namespace Dso.Detection;

/// <summary>
/// What an alert looks like, so the control loop can react differently to a one-off spike (ignore it when
/// scaling) and to a level shift (re-baseline forecasts). Cheap to compute from the residual sign and the
/// detector that fired; <see cref="None"/> whenever the point is not an anomaly.
/// </summary>
public enum AnomalyKind
{
    None = 0,
    SpikeUp,
    SpikeDown,
    LevelShiftUp,
    LevelShiftDown,

    /// <summary>The point is unusual but neither a clear spike nor a shift: a variance change or a broken seasonal pattern.</summary>
    PatternChange,
}
