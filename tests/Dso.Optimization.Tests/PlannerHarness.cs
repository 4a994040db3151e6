using Dso.Abstractions.Catalog;
using Dso.Forecasting;
using Dso.Optimization.Strategies.CostOptimizer;
using Dso.Policies.Model;

namespace Dso.Optimization.Tests;

/// <summary>
/// A minimal closed loop for planner tests: instances boot after the policy's delay, spend accrues per tick, and
/// every plan goes through <see cref="PlanGuard"/> as in the service loop. Checks hooks see the raw and guarded plans.
/// </summary>
internal sealed class PlannerHarness(ServicePolicy policy, DateTimeOffset start, TimeSpan span, bool hardBudget, DateTimeOffset? windowStart = null)
{
    /// <summary>The budget period's start: earlier than the first tick when the run joins a period already under way.</summary>
    private readonly DateTimeOffset _windowStart = windowStart ?? start;

    private readonly List<Instance> _instances = [];

    /// <summary>
    /// Whether a launch is billed its minimum at once, as the simulated cloud and the evaluator bill it (an instance
    /// removed inside its minimum is billed the whole of it): only where the minimum outlasts the tick; otherwise spend
    /// accrues per tick for the fleet held, as before.
    /// </summary>
    private readonly bool _minimumBilled = policy.BillingMinimum > policy.Tick;

    private sealed class Instance(string type, DateTimeOffset readyAt, DateTimeOffset launched)
    {
        public string Type { get; } = type;

        public DateTimeOffset ReadyAt { get; } = readyAt;

        public DateTimeOffset Launched { get; } = launched;

        public decimal Billed { get; set; }
    }

    /// <summary>Bills an instance up to <paramref name="now"/>, at least its billing minimum (minimum-billed mode).</summary>
    private void Bill(Instance instance, DateTimeOffset now)
    {
        var hours = (decimal)Math.Max((now - instance.Launched).TotalHours, policy.BillingMinimum.TotalHours);
        var due = policy.Catalog[instance.Type].PricePerHour * hours;
        Spent += due - instance.Billed;
        instance.Billed = due;
    }

    /// <summary>Spend in the period so far (set it to join a period under way).</summary>
    public decimal Spent { get; set; }

    public Fleet Current => Fleet.Of(_instances.GroupBy(i => i.Type).Select(g => new KeyValuePair<string, int>(g.Key, g.Count())));

    public static ServicePolicy Policy(InstanceCatalog catalog, LimitsPolicy limits, decimal monthlyUsd, TimeSpan boot, IReadOnlyDictionary<string, double>? parameters = null) => new()
    {
        Name = "svc",
        ScaleGroup = "svc",
        Slo = new SloPolicy(250),
        Catalog = catalog,
        BootDelay = boot,
        BillingMinimum = TimeSpan.FromSeconds(60),
        Budget = new BudgetPolicy(monthlyUsd, BudgetEnforcement.Hard),
        Limits = limits,
        Metrics = new MetricsPolicy("synthetic", new Dictionary<string, string>(), new Dictionary<string, string>(), null),
        Strategy = new StrategyPolicy(CostOptimizerStrategy.StrategyName, parameters ?? new Dictionary<string, double>()),
    };

    public void Seed(Fleet fleet)
    {
        foreach (var (type, count) in fleet.Counts)
        {
            for (var i = 0; i < count; i++)
            {
                // Past its billing minimum at the start: it accrues per tick from there.
                var seeded = new Instance(type, start - policy.BootDelay, start - policy.BillingMinimum);
                seeded.Billed = policy.Catalog[type].PricePerHour * (decimal)policy.BillingMinimum.TotalHours;
                _instances.Add(seeded);
            }
        }
    }

    public void Run(IScalingPlanner planner, IReadOnlyList<double> demand, Action<int, PlanningContext, ScalingPlan, ScalingPlan> check,
        Func<int, (bool ScaleUpNow, bool HoldScaleIn)>? anomalies = null, Func<int, DemandForecast?>? forecast = null, bool shadow = false,
        int from = 0, int? to = null)
    {
        for (var i = from; i < (to ?? demand.Count); i++)
        {
            var now = start + policy.Tick * (i + 1);
            if (_minimumBilled)
            {
                _instances.ForEach(x => Bill(x, now));
            }
            else
            {
                Spent += policy.Catalog.HourlyCost(Current) * (decimal)policy.Tick.TotalHours;
            }

            var ready = Fleet.Of(_instances.Where(x => x.ReadyAt <= now).GroupBy(x => x.Type).Select(g => new KeyValuePair<string, int>(g.Key, g.Count())));
            var (up, hold) = anomalies?.Invoke(i) ?? (false, false);
            var context = new PlanningContext
            {
                Now = now,
                ObservedDemand = demand[i],
                Forecast = forecast?.Invoke(i),
                Current = Current,
                Ready = ready,
                ScaleUpNow = up,
                HoldScaleIn = hold,
                Budget = new BudgetWindow(_windowStart, start + span, policy.Budget.MonthlyUsd, Spent, hardBudget),
                Shadow = shadow,
            };
            var raw = planner.Plan(context);
            var guarded = PlanGuard.Enforce(raw, policy, context);
            check(i, context, raw, guarded);
            Apply(guarded.Target, now);
        }
    }

    private void Apply(Fleet target, DateTimeOffset now)
    {
        foreach (var type in target.Counts.Keys.Union(Current.Counts.Keys).ToList())
        {
            var have = _instances.Count(x => x.Type == type);
            for (var n = have; n < target[type]; n++)
            {
                var launched = new Instance(type, now + policy.BootDelay, now);
                _instances.Add(launched);
                if (_minimumBilled)
                {
                    Bill(launched, now);
                }
            }

            for (var n = have; n > target[type]; n--)
            {
                // Booting, newest first, as the evaluator removes them.
                var victim = _instances.Where(x => x.Type == type).OrderByDescending(x => x.ReadyAt).First();
                _instances.Remove(victim);
            }
        }
    }
}
