namespace Dso.Reconcile.Simulation;

/// <summary>A scenario file is unusable; the message names the file and the key.</summary>
public sealed class ScenarioException(string message) : Exception(message);
