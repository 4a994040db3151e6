using Dso.Abstractions.Decisions;

namespace Dso.Controller.Web.Api;

/// <summary>One service on the overview: SLO, budget and its projection, this month's spend against the reactive counterfactual, recent trouble.</summary>
internal sealed record ServiceOverview(
    string Service,
    string Team,
    double? SloLatencyP95Ms,
    double? LatencyP95Ms,
    string SloStatus,
    BudgetStatus? Budget,
    decimal MonthSpentUsd,
    decimal MonthReactiveUsd,
    decimal MonthSavedUsd,
    int AnomaliesLastDay,
    int HeldLastDay,
    DateTimeOffset? LastDecisionAt);
