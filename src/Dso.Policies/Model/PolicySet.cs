namespace Dso.Policies.Model;

/// <summary>All services from all policy files, with a content hash that names this version.</summary>
public sealed record PolicySet(IReadOnlyList<ServicePolicy> Services, string Version)
{
    public static readonly PolicySet Empty = new([], "empty");
}
