namespace Dso.DecisionLog.Experiments;

/// <summary>
/// Where a running experiment keeps what must outlive the process: its start, state, stopped variants and winner,
/// and every block's variant and results. It lives in the decision log's database (same migrations, both SQLite and
/// PostgreSQL), so a restarted service or another replica on the same log continues the same assignment.
/// </summary>
public interface IExperimentStore
{
    /// <summary>Creates the experiment's row unless one exists, and returns the row in force (the first writer's).</summary>
    Task<ExperimentRecord> StartExperimentAsync(ExperimentRecord record, CancellationToken cancellationToken);

    Task<ExperimentRecord?> FindExperimentAsync(string name, CancellationToken cancellationToken);

    /// <summary>Replaces the experiment's row (a new run, a stop, a guardrail, a promotion).</summary>
    Task SaveExperimentAsync(ExperimentRecord record, CancellationToken cancellationToken);

    /// <summary>Blocks of one run of an experiment, in block order.</summary>
    Task<IReadOnlyList<ExperimentBlockRecord>> BlocksAsync(string experiment, string run, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces the running totals of blocks (one per experiment, run, service and block).</summary>
    Task SaveBlocksAsync(IReadOnlyList<ExperimentBlockRecord> blocks, CancellationToken cancellationToken);
}
