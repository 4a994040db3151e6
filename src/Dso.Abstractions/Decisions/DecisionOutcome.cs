using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;

namespace Dso.Abstractions.Decisions;

/// <summary>What the cloud adapter reported after applying a decision.</summary>
public sealed record DecisionOutcome(string DecisionId, DateTimeOffset At, ApplyStatus Status, Fleet After, int Launched, int Terminated, string Message);
