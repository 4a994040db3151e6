namespace Dso.Policies.Model;

/// <summary>All services from all policy files, with a content hash that names this version.</summary>
public sealed record PolicySet(IReadOnlyList<ServicePolicy> Services, string Version)
{
    /// <summary>Experiments declared beside the policies (<c>experiments:</c>), each validated against its services.</summary>
    public IReadOnlyList<ExperimentPolicy> Experiments { get; init; } = [];

    public static readonly PolicySet Empty = new([], "empty");
}
