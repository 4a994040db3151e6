namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>A solved <see cref="FleetProblem"/>: what to launch and remove now, and the fleet once transitions end.</summary>
internal sealed record FleetSolution(int[] Add, int[] RemoveNow, int[] RemoveLater, double[] RowShortfall, double SteadyShortfall, double ObjectiveUsd, string Solver)
{
    public int[] TargetNow(FleetProblem problem) =>
        [.. problem.Current.Select((c, t) => c + Add[t] - RemoveNow[t])];

    public int[] Final(FleetProblem problem) =>
        [.. problem.Current.Select((c, t) => c + Add[t] - RemoveNow[t] - RemoveLater[t])];

    public double MaxShortfall => Math.Max(SteadyShortfall, RowShortfall.Length == 0 ? 0 : RowShortfall.Max());

    public bool Launches => Add.Any(a => a > 0);

    public bool Removes => RemoveNow.Any(r => r > 0) || RemoveLater.Any(r => r > 0);
}
