using System.Diagnostics;
using Dso.Abstractions.Catalog;
using Dso.Forecasting;
using Dso.Optimization;
using Dso.Policies.Model;

// Times one cost-optimizer decision: 6 instance types, a 2-hour forecast (120 one-minute steps), a planner warmed
// with a week of synthetic history so the calibrated demand envelope and seasonal features are all in use.
// Reports the distribution over many decisions of each kind (scale-out, hold, scale-in), all from the public API.
var catalog = new InstanceCatalog(
[
    new InstanceType("c7g.large", 2, 4, 0.0725m, 110),
    new InstanceType("c7g.xlarge", 4, 8, 0.1450m, 225),
    new InstanceType("c7g.2xlarge", 8, 16, 0.2900m, 455),
    new InstanceType("m7g.large", 2, 8, 0.0816m, 112),
    new InstanceType("c6i.large", 2, 4, 0.0850m, 100),
    new InstanceType("c6i.xlarge", 4, 8, 0.1700m, 205),
]);
var policy = new ServicePolicy
{
    Name = "bench",
    ScaleGroup = "bench",
    Slo = new SloPolicy(250),
    Catalog = catalog,
    Budget = new BudgetPolicy(2000, BudgetEnforcement.Hard),
    Limits = new LimitsPolicy { MinInstances = 2, MaxInstances = 400, MaxStepPerTick = 50 },
    Metrics = new MetricsPolicy("synthetic", new Dictionary<string, string>(), new Dictionary<string, string>(), null),
    Strategy = new StrategyPolicy("cost-optimizer", new Dictionary<string, double>()),
};
var planner = StrategyRegistry.CreateDefault().Get("cost-optimizer").CreatePlanner(policy);
var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
var random = new Random(42);
var fleet = Fleet.Of(("c7g.large", 4));
double Demand(int minute) => 800 + 600 * Math.Sin(minute * 2 * Math.PI / 1440) + random.NextDouble() * 150;

DemandForecast Forecast(DateTimeOffset now, int minute)
{
    const int steps = 120;
    var p50 = Enumerable.Range(1, steps).Select(k => 800 + 600 * Math.Sin((minute + k) * 2 * Math.PI / 1440) + 75).ToArray();
    return new DemandForecast(now, TimeSpan.FromMinutes(1), p50, [.. p50.Select(v => v * 0.9)], [.. p50.Select(v => v * 1.1)],
        (k, q) => p50[k] * (1 + (q - 0.5) * 0.4), "bench");
}

ScalingPlan Decide(int minute)
{
    var now = start.AddMinutes(minute);
    var context = new PlanningContext
    {
        Now = now,
        ObservedDemand = Demand(minute),
        Forecast = Forecast(now, minute),
        Current = fleet,
        Ready = fleet,
        Budget = new BudgetWindow(start, start.AddDays(30), 2000, 0.02m * minute / 60, true),
    };
    var plan = PlanGuard.Enforce(planner.Plan(context), policy, context);
    fleet = plan.Target;
    return plan;
}

const int warmMinutes = 7 * 1440;
for (var m = 0; m < warmMinutes; m++)
{
    Decide(m);
}

var times = new Dictionary<string, List<double>>();
for (var m = warmMinutes; m < warmMinutes + 1440; m++)
{
    var started = Stopwatch.GetTimestamp();
    var plan = Decide(m);
    var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    (times.TryGetValue(plan.Strategy, out var list) ? list : times[plan.Strategy] = []).Add(ms);
}

Console.WriteLine("one cost-optimizer decision (6 instance types, 120-step forecast), milliseconds");
Console.WriteLine($"{"step",-22} {"n",5} {"mean",8} {"p50",8} {"p95",8} {"p99",8} {"max",8}");
foreach (var (step, list) in times.Append(new("all", [.. times.Values.SelectMany(l => l)])).OrderBy(kv => kv.Key))
{
    list.Sort();
    double P(double q) => list[Math.Min(list.Count - 1, (int)(q * list.Count))];
    Console.WriteLine($"{step,-22} {list.Count,5} {list.Average(),8:0.000} {P(0.5),8:0.000} {P(0.95),8:0.000} {P(0.99),8:0.000} {list[^1],8:0.000}");
}
