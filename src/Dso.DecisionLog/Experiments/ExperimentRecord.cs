namespace Dso.DecisionLog.Experiments;

/// <summary>
/// One experiment's durable state. <see cref="Run"/> names the design it runs (a hash of its services, variants,
/// seed, block and washout): a changed design starts a new run with fresh blocks, any other edit continues it.
/// </summary>
public sealed record ExperimentRecord(
    string Name,
    string Run,
    DateTimeOffset Start,
    string State,
    IReadOnlyList<string> StoppedVariants,
    string? Winner,
    string Note,
    DateTimeOffset Updated);
