using Dso.Policies.Parameters;
using static Dso.Optimization.Strategies.CostOptimizer.CostOptimizerOptions;

namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// What a policy may set under the <c>cost-optimizer</c>'s <c>strategy.parameters</c>: the one definition of each
/// parameter's type, range, default and unit, read by the policy loader, by <see cref="CostOptimizerOptions.From"/> and by the README.
/// </summary>
internal static class CostOptimizerParameters
{
    private const double Hour = 3600;
    private const double Day = 24 * Hour;

    public static readonly IReadOnlyList<ParameterSpec> Declared =
    [
        new("coverage_quantile", ParameterType.Number, DefaultCoverageQuantile, "quantile", "cover this quantile of each coming interval's demand")
        {
            Min = 0.5, MinExclusive = true, Max = 1, MaxExclusive = true,
        },
        new("horizon", ParameterType.Duration, DefaultHorizonHours * Hour, "duration", "how long a launch is weighed against the fleet's price")
        {
            Min = 0, MinExclusive = true, Max = Day,
        },
        new("shortfall_penalty", ParameterType.Number, DefaultShortfallPenalty, "× dearest price per rps-hour", "price of unserved demand")
        {
            Min = 1, Max = 1e6,
        },
        new("emergency_headroom", ParameterType.Number, DefaultEmergencyHeadroom, "share of demand", "extra capacity over a flagged surge")
        {
            Min = 0, Max = 10,
        },
        new("scale_in_min_saving", ParameterType.Number, DefaultScaleInMinSaving, "share of hourly price", "scale in only when it saves at least this")
        {
            Min = 0, Max = 1, MaxExclusive = true,
        },
        new("consolidation_min_saving", ParameterType.Number, DefaultConsolidationMinSaving, "share of hourly price", "swap types only when it saves at least this (a like-for-like swap after a longer hold: the same dollars spread over the hold)")
        {
            Min = 0, Max = 1, MaxExclusive = true,
        },
        new("scale_in_band", ParameterType.Number, DefaultScaleInBand, "share of demand", "surplus beyond one instance needed before scaling in")
        {
            Min = 0, Max = 1, MaxExclusive = true,
        },
        new("sqrt_noise", ParameterType.Boolean, DefaultSqrtNoise, "", "also model noise as additive in √demand (counting noise)"),
        new("min_dwell", ParameterType.Duration, DefaultMinDwellMinutes * 60, "duration", "keep new capacity at least this long after a scale-out")
        {
            Min = 0, Max = Day,
        },
        new("scale_in_window", ParameterType.Duration, DefaultScaleInWindowMinutes * 60, "duration", "scale in no lower than the highest capacity the outlook asked for over this window (0s: off)")
        {
            Min = 0, Max = Day,
        },
        new("scale_in_margin", ParameterType.Number, DefaultScaleInMarginQuantile, "quantile", "scale in leaving room for the demand bound's one-tick rise at this quantile of its recent rises, unless a hard budget binds (0: off)")
        {
            Min = 0, Max = 1, MaxExclusive = true,
        },
        new("scale_in_margin_under_budget", ParameterType.Boolean, DefaultScaleInMarginUnderBudget, "", "keep the scale-in margin also while a hard budget binds"),
        new("scale_in_lookahead", ParameterType.Duration, DefaultScaleInLookaheadMinutes * 60, "duration", "scale in only as far as the outlook's bound this far past the planned rows allows (at least the next tick's new row; 0s: off)")
        {
            Min = 0, Max = Hour,
        },
        new("swap_dwell", ParameterType.Duration, DefaultSwapDwellMinutes * 60, "duration", "no swap to a cheaper instance mix this long after a scale-in, unless over the budget or cap (0s: off)")
        {
            Min = 0, Max = Day,
        },
        new("billing_minimum_hold", ParameterType.Boolean, DefaultBillingMinimumHold, "", "never remove an offering while one of it launched within the billing minimum runs"),
        new("scale_in_expected_hold", ParameterType.Boolean, DefaultScaleInExpectedHold, "", "scale-in keeps an instance for a tick while the odds that the next tick relaunches it (the bound's recent one-tick rises past the slack left) exceed tick / boot, where the relaunch's boot billed for nothing costs more than a tick of holding"),
        new("calibration_window", ParameterType.Duration, DefaultCalibrationHours * Hour, "duration", "own history the headroom model is calibrated on")
        {
            Min = 0, MinExclusive = true, Max = 90 * Day,
        },
        new("seasonal_window", ParameterType.Duration, DefaultSeasonalWindowMinutes * 60, "duration", "either side of same-time-yesterday/last-week taken for the seasonal peak")
        {
            Min = 0, Max = Hour,
        },
        new("warmup_headroom", ParameterType.Number, DefaultWarmupHeadroom, "× recent demand", "headroom while too little history exists to calibrate")
        {
            Min = 1, Max = 100,
        },
        new("budget_safety", ParameterType.Number, DefaultBudgetSafety, "share of budget", "reserve against billing the ledger does not see, released evenly over the period")
        {
            Min = 0, Max = 0.5, MaxExclusive = true,
        },
        new("budget_pacing", ParameterType.Boolean, DefaultBudgetPacing, "", "pace a hard budget by expected spend (false: never above the flat affordable rate)"),
        new("budget_ceiling", ParameterType.Boolean, DefaultBudgetCeiling, "", "when a hard budget binds, serve demand up to the capacity ceiling it pays for (false: flat rate, lower coverage everywhere)"),
        new("budget_realized_cost", ParameterType.Boolean, DefaultBudgetRealizedCost, "", "price the budget ceiling with what serving demand has really cost this period, from the spend ledger (false: the catalog's best usable price per rps)"),
        new("budget_release_bursts", ParameterType.Boolean, DefaultBudgetReleaseBursts, "", "under a binding budget ceiling, scale in to the latest demand instead of holding the stabilization window's peak"),
        new("budget_skip_short_bursts", ParameterType.Boolean, DefaultBudgetSkipShortBursts, "", "while a hard budget has no room, do not launch for a recurring burst past its usual end, nor for one that has just ended"),
        new("budget_expected_bursts", ParameterType.Boolean, DefaultBudgetExpectedBursts, "", "under a binding budget ceiling, bound the rows where recurring bursts carrying a quarter of the demand are expected at the burst, up to the ceiling"),
        new("budget_pace_cost", ParameterType.Boolean, DefaultBudgetPaceCost, "", "while month-to-date spend runs ahead of the period's elapsed share, price the budget ceiling with what serving a rps has really cost this period"),
        new("budget_overhead", ParameterType.Boolean, DefaultBudgetOverhead, "", "the budget ceiling prices demand with the overhead the fleet has really cost over it this period (billed spend over demand at the best usable price, where the budget's cap did not bite)"),
        new("budget_unbound_peak", ParameterType.Boolean, DefaultBudgetUnboundPeak, "", "while the budget ceiling finds all demand seen so far affordable, let the hourly cap pay for its peak"),
        new("surge_on_return", ParameterType.Boolean, DefaultSurgeOnReturn, "", "in the recovery after an outage, demand at twice the outlook's bound for the tick, above the ready capacity, starts a surge without a detector's flag"),
        new("budget_tight_scale_in", ParameterType.Boolean, DefaultBudgetTightScaleIn, "", "under a binding budget ceiling, scale in with the narrower budget_scale_in_band instead of scale_in_band"),
        new("budget_scale_in_band", ParameterType.Number, DefaultBudgetScaleInBand, "share of demand", "surplus beyond one instance needed before scaling in under a binding budget ceiling (budget_tight_scale_in; at most scale_in_band)")
        {
            Min = 0, Max = 1, MaxExclusive = true,
        },
        new("budget_scale_out_tolerance", ParameterType.Number, DefaultBudgetScaleOutTolerance, "share of the smallest instance", "while a budget ceiling binds (or the budget held the envelope below its target for three days), no launch for a gap below this share of the smallest type's capacity (0: launch for every gap)")
        {
            Min = 0, Max = 1,
        },
        new("budget_bound_quantile", ParameterType.Number, DefaultBudgetBoundQuantile, "probability", "coverage the envelope is fitted for at most while a budget ceiling binds (0: off, the coverage ladder alone)")
        {
            Min = 0, Max = 1, MaxExclusive = true,
        },
        new("budget_near_bind", ParameterType.Number, DefaultBudgetNearBind, "share of the hourly allowance", "a hard budget's ceiling binds, at the highest demand seen, once serving all demand seen would cost more than this share of what the budget allows per hour: the budget-bound rules (budget_bound_quantile, tight scale-in, no launch for small gaps) apply, no demand seen is cut (1: only above the allowance)")
        {
            Min = 0.5, Max = 1,
        },
        new("burst_min_hazard", ParameterType.Number, DefaultBurstMinHazard, "probability", "pre-scale a recurring-burst slot at least this likely")
        {
            Min = 0, MinExclusive = true, Max = 1,
        },
        new("self_correction", ParameterType.Boolean, DefaultSelfCorrection, "", "raise coverage while missing more than 1.25x the demand the reactive rule would, out of the saving against it; lower it when the budget binds, the saving is spent, or when safely ahead or dearer for the same service"),
        new("self_correction_insurance", ParameterType.Number, DefaultSelfCorrectionInsurance, "share of the rule's spend", "hold coverage one level up while this policy has spent less than this share of what the reactive rule would have, the budget has room and is spent behind its pace (self_correction; 0: off)")
        {
            Min = 0, Max = 1,
        },
    ];
}
