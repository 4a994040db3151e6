using Dso.Abstractions.Decisions;

namespace Dso.DecisionLog.Queries;

/// <summary>One page of a decision query; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record DecisionPage(IReadOnlyList<DecisionRecord> Items, long? NextCursor);
