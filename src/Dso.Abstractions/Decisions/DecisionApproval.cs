namespace Dso.Abstractions.Decisions;

/// <summary>On a decision that applies an operator-approved change: which request, who approved it and when.</summary>
public sealed record DecisionApproval(string Id, string ApprovedBy, DateTimeOffset ApprovedAt);
