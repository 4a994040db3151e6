using Dso.Abstractions.Cloud;
using Dso.Abstractions.Decisions;
using Dso.Optimization;

namespace Dso.Reconcile;

/// <summary>
/// Guarding: every proposal (decided, held or resumed) passes the plan guard, and the decision records the plan as
/// guarded: what the guard changed, the alternatives with the guarded fleet among them, and the budget status of
/// the fleet actually chosen (so a trim is in the log and in the budget alert).
/// </summary>
public sealed partial class ServiceLoop
{
    private ScalingDecision Guard(DateTimeOffset now, FleetState state, BudgetWindow budget, Proposal proposal)
    {
        var policy = PolicyOf(proposal);
        var guard = PlanGuard.Check(proposal.Plan, policy, proposal.Context);
        var plan = guard.Plan;
        var hourly = policy.Catalog.HourlyCost(plan.Target) + ServerlessHourly(plan.ServerlessRps);
        var alternatives = plan.Alternatives;
        if (guard.Changed && alternatives.Count > 0)
        {
            var capacity = policy.Catalog.Capacity(plan.Target) + plan.ServerlessRps;
            var demand = proposal.Context.ObservedDemand;
            var shortfall = double.IsFinite(demand) ? Math.Max(0, demand - capacity) : 0;
            alternatives = [.. alternatives, new PlanAlternative("guarded", plan.Target, hourly, capacity, shortfall, string.Join("; ", guard.Notes))];
        }

        var constrained = guard.SpendLimited || proposal.Plan.Budget is { Constrained: true };
        return new ScalingDecision
        {
            Id = DecisionId(now),
            Service = Policy.Name,
            Timestamp = now,
            PolicyVersion = PolicyVersion,
            Variant = VariantOf(proposal),
            Experiment = proposal.Arm?.Experiment,
            Block = proposal.Arm?.Block,
            Kpis = proposal.Kpis,
            Anomalies = proposal.Anomalies,
            Forecast = proposal.Forecast,
            Before = state.Fleet,
            Chosen = plan.Target,
            ChosenHourlyCost = hourly,
            ServerlessRps = plan.ServerlessRps,
            Alternatives = alternatives,
            BilledCapacityRps = KnownCapacity(state.Fleet),
            ReadyCapacityRps = KnownCapacity(state.Ready),
            Strategy = plan.Strategy,
            Reason = plan.Reason,
            Budget = budget.Status(now, hourly, constrained),
            GuardNotes = guard.Changed ? guard.Notes : null,
            Held = proposal.Held,
            Approval = proposal.Approval,
        };
    }

    /// <summary>For the log only: a type dropped from the policy while instances of it still run counts as unknown, not as an error.</summary>
    private double KnownCapacity(Abstractions.Catalog.Fleet fleet) =>
        fleet.Counts.Where(kv => Policy.Catalog.Contains(kv.Key)).Sum(kv => Policy.Catalog[kv.Key].CapacityRps * kv.Value);
}
