namespace Dso.Abstractions.Cloud;

/// <summary>One provider group's desired capacity going from <paramref name="From"/> to <paramref name="To"/>.</summary>
public sealed record GroupChange(string Offering, string Group, int From, int To);
