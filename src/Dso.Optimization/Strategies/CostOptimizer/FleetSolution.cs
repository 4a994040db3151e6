namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>A solved <see cref="FleetProblem"/>: what to launch and remove now, and the fleet once transitions end.</summary>
internal sealed record FleetSolution(int[] Add, int[] RemoveNow, int[] RemoveLater, double[] RowShortfall, double SteadyShortfall, double ObjectiveUsd, string Solver)
{
    public int[] TargetNow(FleetProblem problem) =>
        [.. problem.Current.Select((c, t) => c + Add[t] - RemoveNow[t])];

    public int[] Final(FleetProblem problem) =>
        [.. problem.Current.Select((c, t) => c + Add[t] - RemoveNow[t] - RemoveLater[t])];

    /// <summary>Requests/s routed to serverless in each row (empty without a serverless offering).</summary>
    public double[] RowOffload { get; init; } = [];

    /// <summary>Requests/s routed to serverless once transitions end.</summary>
    public double SteadyOffload { get; init; }

    /// <summary>Requests/s to route to serverless until the next decision (the first row's offload).</summary>
    public double OffloadNow => RowOffload.Length > 0 ? RowOffload[0] : 0;

    /// <summary>Hourly price of the final fleet plus its steady serverless offload.</summary>
    public double FinalHourlyUsd(FleetProblem problem) =>
        Final(problem).Select((n, t) => n * (double)problem.Types[t].PricePerHour).Sum() + (problem.Serverless is { } s ? SteadyOffload * s.UsdPerRpsHour : 0);

    public double MaxShortfall => Math.Max(SteadyShortfall, RowShortfall.Length == 0 ? 0 : RowShortfall.Max());

    public bool Launches => Add.Any(a => a > 0);

    public bool Removes => RemoveNow.Any(r => r > 0) || RemoveLater.Any(r => r > 0);
}
