using Dso.Abstractions.Catalog;

namespace Dso.Abstractions.Cloud;

/// <summary>What an adapter did: launched and stopped counts, and the fleet it reports afterwards.</summary>
public sealed record ApplyResult(ApplyStatus Status, Fleet After, int Launched, int Terminated, string Message);
