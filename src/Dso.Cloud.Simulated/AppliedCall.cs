using Dso.Abstractions.Cloud;

namespace Dso.Cloud.Simulated;

/// <summary>One apply that changed a group: its idempotency key, when, and what it launched and stopped.</summary>
public sealed record AppliedCall(string Key, DateTimeOffset At, int Launched, int Terminated, ApplyStatus Status);
