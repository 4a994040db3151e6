namespace Dso.Controller.Experiments;

/// <summary>The states an experiment's durable record passes through (the API shows them as they are).</summary>
internal static class ExperimentStates
{
    public const string Scheduled = "scheduled";
    public const string Running = "running";
    public const string Ended = "ended";
    public const string Stopped = "stopped";
    public const string Promoted = "promoted";
}
