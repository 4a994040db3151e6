namespace Dso.Abstractions.Decisions;

/// <summary>
/// The alert incidents that are open (an anomaly, a held fleet, a budget that constrains, a terminal cloud error),
/// kept beside the decision log so a restarted service neither pages again for an incident it already announced
/// nor leaves one open forever that ended while it was down: it sends the end at the service's first tick without it.
/// </summary>
public interface IIncidentStore
{
    Task<IReadOnlyList<OpenIncident>> OpenIncidentsAsync(CancellationToken cancellationToken);

    /// <summary>Records an incident as open (an incident already open stays as it was).</summary>
    Task OpenIncidentAsync(OpenIncident incident, CancellationToken cancellationToken);

    Task CloseIncidentAsync(string service, string kind, string subject, CancellationToken cancellationToken);
}

/// <summary>An open incident: which service, what kind and subject (the KPI of an anomaly, empty otherwise), since when.</summary>
public sealed record OpenIncident(string Service, string Kind, string Subject, DateTimeOffset Since);
