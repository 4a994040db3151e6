using Dso.Abstractions.Decisions;

namespace Dso.Testing;

/// <summary>The decision log as a list, for tests that read back what a loop decided.</summary>
public sealed class InMemoryDecisionLog : IDecisionLog, ISpendLog
{
    private readonly List<DecisionRecord> _records = [];

    public List<ScalingDecision> Decisions { get; } = [];

    public List<DecisionOutcome> Outcomes { get; } = [];

    public List<SpendEntry> Spend { get; } = [];

    public Task RecordSpendAsync(SpendEntry entry, CancellationToken cancellationToken)
    {
        Spend.Add(entry);
        return Task.CompletedTask;
    }

    public Task<SpendTotal> SpendSinceAsync(string service, string? target, DateTimeOffset since, CancellationToken cancellationToken) =>
        Task.FromResult(SpendTotals.Sum(
            service,
            Spend.LastOrDefault(e => e.Service == service),
            Spend.Where(e => (e.Service == service || (target is not null && e.Target == target)) && e.To >= since)));

    public Task AppendAsync(ScalingDecision decision, CancellationToken cancellationToken)
    {
        Decisions.Add(decision);
        _records.Add(new DecisionRecord(_records.Count + 1, decision, null));
        return Task.CompletedTask;
    }

    public Task RecordOutcomeAsync(DecisionOutcome outcome, CancellationToken cancellationToken)
    {
        Outcomes.Add(outcome);
        var index = _records.FindLastIndex(r => r.Decision.Id == outcome.DecisionId);
        if (index >= 0)
        {
            _records[index] = _records[index] with { Outcome = outcome };
        }

        return Task.CompletedTask;
    }

    public Task AppendEventAsync(string service, DateTimeOffset at, string kind, string message, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<DecisionRecord>> RecentAsync(string? service, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DecisionRecord>>(_records.AsEnumerable().Reverse().Take(limit).ToArray());

    public Task<DecisionRecord?> LastAsync(string service, CancellationToken cancellationToken) =>
        Task.FromResult(_records.LastOrDefault(r => r.Decision.Service == service));
}
