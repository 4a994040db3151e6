namespace Dso.Controller.Experiments.Views;

/// <summary>One block of one service: the variant that ran and what it measured after the washout.</summary>
public sealed record ExperimentBlockView(
    long Block,
    string Service,
    string Variant,
    DateTimeOffset Start,
    DateTimeOffset End,
    bool Complete,
    double MeasuredMinutes,
    double WashoutMinutes,
    decimal CostUsd,
    double RequestsServed,
    double UnservedRequests,
    double CostPer1000Served,
    double SloViolationMinutes,
    int ScalingActions);
