namespace Dso.Reconcile;

/// <summary>What a tick does with the reading it took (<see cref="ZeroTrafficGuard.Triage"/>).</summary>
internal enum ReadingUse
{
    /// <summary>No finite request rate, or the source says it is down: the tick holds the fleet.</summary>
    Missing,

    /// <summary>An exact zero right after traffic, read as a dead exporter: the tick holds the fleet.</summary>
    ZeroTraffic,

    /// <summary>A usable request rate: the tick senses it (detectors, forecaster) and plans.</summary>
    Sense,
}
