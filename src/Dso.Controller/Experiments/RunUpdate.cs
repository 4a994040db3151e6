using Dso.DecisionLog.Experiments;

namespace Dso.Controller.Experiments;

/// <summary>What observing one tick changed in a run, for the host to persist, log, alert and export.</summary>
internal sealed record RunUpdate(IReadOnlyList<ExperimentBlockRecord> Blocks, IReadOnlyList<RunEvent> Events, bool RecordChanged, bool Reapply)
{
    public static readonly RunUpdate None = new([], [], false, false);
}

/// <summary>Something worth a decision-log event (and, for a guardrail, an alert): <see cref="Kind"/> is the event kind.</summary>
internal sealed record RunEvent(string Kind, string Service, string Message, string? Variant = null, string? Metric = null);
