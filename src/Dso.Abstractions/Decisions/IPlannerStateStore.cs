namespace Dso.Abstractions.Decisions;

/// <summary>
/// Where a service's planner keeps what it learned between ticks (its demand record, launch times, the reactive
/// counterfactual and self-correction level, budget pacing), so a restarted service, or another replica taking it
/// over, continues from it instead of learning afresh. One row per service, replaced after every decision; it lives in
/// the decision log's database (SQLite or PostgreSQL), like the spend ledger and the approval queue.
/// </summary>
public interface IPlannerStateStore
{
    /// <summary>Replaces the service's saved state.</summary>
    Task SavePlannerStateAsync(PlannerStateRecord record, CancellationToken cancellationToken);

    /// <summary>The service's saved state, or null when none was saved.</summary>
    Task<PlannerStateRecord?> LoadPlannerStateAsync(string service, CancellationToken cancellationToken);
}

/// <summary>One service's saved planner state.</summary>
/// <param name="Service">The service, as its policy names it.</param>
/// <param name="SavedAt">The tick the state was saved after.</param>
/// <param name="Lineage">What the state was learned under (the policy's settings, as hashes), so a restart under an edited policy keeps what a reload would.</param>
/// <param name="State">The planner's own self-checking bytes.</param>
public sealed record PlannerStateRecord(string Service, DateTimeOffset SavedAt, string Lineage, byte[] State);
