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
/// Spend belongs to the scale target billed, not only to the name: a service renamed in its policy (same provider and
/// scale group), on a reload or across a restart, continues from the old name's month-to-date spend and its last entry.
/// </summary>
public sealed partial class ServiceLoop
{
    /// <summary>Event kind of a loop start whose month-to-date spend includes other service names' spend on its scale target.</summary>
    public const string SpendCarriedOverEvent = "spend_carried_over";

    private readonly BudgetLedger _ledger = new();

    /// <summary>What the start found carried over from other names, until a tick result reports it.</summary>
    private string? _spendCarriedOver;

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
        var total = await spend.SpendSinceAsync(Policy.Name, Policy.ScaleTarget, start, cancellationToken).ConfigureAwait(false);
        if (total.Last is { } last)
        {
            _ledger.Restore(last.To, total.Usd);
            // The interval the service was down is counted against the reactive rule's rate of the last interval
            // recorded, not against what was billed (that would report no saving or loss for it).
            if (last.ReactiveUsd is { } reactive && last.To > last.From)
            {
                _reactiveHourly = reactive / (decimal)(last.To - last.From).TotalHours;
            }
        }

        if (total.CarriedOver.Count > 0)
        {
            // A renamed service (or a group taken over from another one) is not a fresh budget: say so where an analyst
            // looks (the events) and where an operator does (the host's log, from the tick result).
            var names = string.Join(", ", total.CarriedOver.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"'{kv.Key}' {kv.Value:0.00} USD"));
            _spendCarriedOver = $"month-to-date spend on scale target '{Policy.ScaleTarget}' includes spend recorded under other service names ({names}); " +
                $"the budget of '{Policy.Name}' counts it ({total.Usd:0.00} USD in all)";
            await _deps.Log.AppendEventAsync(Policy.Name, now, SpendCarriedOverEvent, _spendCarriedOver, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AccrueSpendAsync(DateTimeOffset now, FleetState state, CancellationToken cancellationToken)
    {
        var hourly = Policy.Catalog.HourlyCost(state.Fleet) + ServerlessHourly(state.ServerlessRps);
        var entry = _ledger.Accrue(now, hourly);
        if (entry is { } accrued && SpendLog is { } spend)
        {
            // What a reactive autoscaler would have run over the same interval (after a restart, at the rate of the last
            // interval recorded); without a reactive alternative (a held tick, the reactive strategy itself, a first
            // start) the counterfactual is what was actually billed.
            var reactive = _reactiveHourly is { } r ? r * (decimal)(now - accrued.From).TotalHours : accrued.Usd;
            await spend.RecordSpendAsync(new SpendEntry(Policy.Name, accrued.From, now, accrued.Usd, hourly, reactive) { Target = Policy.ScaleTarget }, cancellationToken)
                .ConfigureAwait(false);
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
