namespace Dso.Simulations.Dashboard;

/// <summary>One line of the table: a query's store time over the timed runs, in milliseconds.</summary>
internal sealed record BenchRow(string Store, long Rows, double SeedSeconds, string Query, double Median, double P95, double Max, int? TargetMs);
