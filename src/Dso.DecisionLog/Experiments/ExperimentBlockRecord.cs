namespace Dso.DecisionLog.Experiments;

/// <summary>
/// One block of one service in an experiment run: the variant that ran and its totals so far (washout left out),
/// as the service measured them from each tick's decision (demand, ready capacity, the billed fleet's price).
/// </summary>
public sealed record ExperimentBlockRecord(
    string Experiment,
    string Run,
    string Service,
    long Block,
    string Variant,
    DateTimeOffset Start,
    double MeasuredSeconds,
    double WashoutSeconds,
    decimal CostUsd,
    double RequestsServed,
    double UnservedRequests,
    double ViolationSeconds,
    int ScalingActions,
    DateTimeOffset LastObserved);
