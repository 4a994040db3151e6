using System.Text.Json.Serialization;
using Dso.Abstractions.Catalog;

namespace Dso.Abstractions.Decisions;

/// <summary>
/// One tick's decision for one service, as data: what was seen, what was weighed, what was chosen and why.
/// It is written to the decision log before it is applied; <see cref="Id"/> is also the idempotency key the
/// cloud adapter gets, so a restart that re-applies it cannot act twice.
/// </summary>
public sealed record ScalingDecision
{
    public required string Id { get; init; }

    public required string Service { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>
    /// Content hash of the policy files in force, so an analyst can tell which edit made a decision; with a promoted
    /// experiment winner in force, followed by "+experiment:variant" per promotion.
    /// </summary>
    public required string PolicyVersion { get; init; }

    /// <summary>
    /// The policy variant that decided: the variant of the running block in an experiment, a promoted winner's name
    /// once the service runs it as its own policy (then without <see cref="Experiment"/> and <see cref="Block"/>, which
    /// mark measured blocks only), else "default".
    /// </summary>
    public string Variant { get; init; } = "default";

    /// <summary>The experiment this decision belongs to; omitted outside experiments.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Experiment { get; init; }

    /// <summary>The switchback block (0-based from the experiment's start); omitted outside experiments.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Block { get; init; }

    public required IReadOnlyDictionary<string, double> Kpis { get; init; }

    public IReadOnlyList<AnomalyEvent> Anomalies { get; init; } = [];

    public ForecastSummary? Forecast { get; init; }

    public required Fleet Before { get; init; }

    public required Fleet Chosen { get; init; }

    public required decimal ChosenHourlyCost { get; init; }

    /// <summary>
    /// Requests/s routed to the serverless offering until the next decision (its cost is in
    /// <see cref="ChosenHourlyCost"/>). Omitted from the JSON when zero, so rows logged before it existed read as 0
    /// and services without serverless log exactly what they did before.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double ServerlessRps { get; init; }

    public IReadOnlyList<PlanAlternative> Alternatives { get; init; } = [];

    /// <summary>
    /// Capacity (rps) of the fleet billed at decision time and of the part of it already serving (the rest is
    /// booting): the dashboard draws both against demand. Omitted when zero, so older rows read as unknown.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double BilledCapacityRps { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double ReadyCapacityRps { get; init; }

    /// <summary>The strategy whose plan was chosen (e.g. "emergency-scale-out", "target-tracking").</summary>
    public required string Strategy { get; init; }

    public required string Reason { get; init; }

    /// <summary>The budget after the plan guard: the projection of the fleet actually chosen, constrained if a spend limit cut it.</summary>
    public BudgetStatus? Budget { get; init; }

    /// <summary>What the plan guard changed in the strategy's plan (limits, hourly cap, hard budget, step); empty when nothing.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? GuardNotes { get; init; }

    /// <summary>True when the loop held the previous fleet because its inputs were missing.</summary>
    public bool Held { get; init; }

    /// <summary>Set when this decision applies a change an operator approved (mode <c>approve</c>): who and when.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DecisionApproval? Approval { get; init; }

    public bool IsChange => !Before.Equals(Chosen);
}
