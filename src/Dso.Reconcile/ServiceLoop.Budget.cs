using Dso.Abstractions.Cloud;
using Dso.Abstractions.Decisions;
using Dso.Optimization;
using Dso.Policies.Model;

namespace Dso.Reconcile;

/// <summary>
/// Budget window: month-to-date spend and the period it counts in. Spend is accrued each tick from the billed
/// fleet (booting instances included) and the serverless routing, and written to the durable spend log, from
/// which a restarted loop rebuilds it before its first decision; the time the service was down is billed at the
/// rate of the fleet found running. Where the cloud can say what it billed (the simulated cloud), that is used.
/// </summary>
public sealed partial class ServiceLoop
{
    private readonly BudgetLedger _ledger = new();

    /// <summary>The hourly cost of the last decision's reactive alternative: the counterfactual for the next interval.</summary>
    private decimal? _reactiveHourly;

    private ISpendLog? SpendLog => _deps.BilledSpendUsd is null ? _deps.Spend ?? _deps.Log as ISpendLog : null;

    private async Task LoadSpendAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (SpendLog is not { } spend)
        {
            return;
        }

        var (start, _, _) = Period(now);
        var total = await spend.SpendSinceAsync(Policy.Name, start, cancellationToken).ConfigureAwait(false);
        if (total.Last is { } last)
        {
            _ledger.Restore(last.To, total.Usd);
        }
    }

    private async Task AccrueSpendAsync(DateTimeOffset now, FleetState state, CancellationToken cancellationToken)
    {
        var hourly = Policy.Catalog.HourlyCost(state.Fleet) + ServerlessHourly(state.ServerlessRps);
        var entry = _ledger.Accrue(now, hourly);
        if (entry is { } accrued && SpendLog is { } spend)
        {
            // What a reactive autoscaler would have run over the same interval; without a reactive alternative (a held
            // tick, the reactive strategy itself, a restart) the counterfactual is what was actually billed.
            var reactive = _reactiveHourly is { } r ? r * (decimal)(now - accrued.From).TotalHours : accrued.Usd;
            await spend.RecordSpendAsync(new SpendEntry(Policy.Name, accrued.From, now, accrued.Usd, hourly, reactive), cancellationToken).ConfigureAwait(false);
        }
    }

    private void RememberReactiveRate(ScalingDecision decision) =>
        _reactiveHourly = decision.Alternatives.FirstOrDefault(a => a.Name == "reactive")?.HourlyCost;

    private BudgetWindow BudgetWindowAt(DateTimeOffset now)
    {
        var (start, end, budget) = Period(now);
        return new BudgetWindow(start, end, budget, _deps.BilledSpendUsd?.Invoke() ?? _ledger.SpentSince(start), Policy.Budget.Enforcement == BudgetEnforcement.Hard);
    }

    private (DateTimeOffset Start, DateTimeOffset End, decimal BudgetUsd) Period(DateTimeOffset now)
    {
        var month = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return _deps.BudgetPeriod?.Invoke(now, Policy.Budget.MonthlyUsd) ?? (month, month.AddMonths(1), Policy.Budget.MonthlyUsd);
    }
}
