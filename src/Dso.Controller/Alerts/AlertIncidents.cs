using Dso.Abstractions.Decisions;

namespace Dso.Controller.Alerts;

/// <summary>
/// Turns each tick's conditions (an anomalous KPI, a held fleet, a budget that constrains) into incidents: an
/// alert when a condition appears and one when the first tick without it arrives, so a metrics outage of an hour
/// is two alerts, not sixty. Called from the ticks of every service, one tick of a service at a time. With a store,
/// the open incidents are written through to it and read back at the first tick after a start: a restart does not
/// page again for an incident it announced, and one that ended while the service was down ends at its first tick.
/// </summary>
/// <param name="store">Where open incidents are kept; null keeps them in memory (a restart forgets them).</param>
/// <param name="storeFailed">Told when the store cannot be read or written (the incident is then kept in memory only).</param>
internal sealed class AlertIncidents(IIncidentStore? store = null, Action<string>? storeFailed = null)
{
    private readonly Dictionary<(string Service, string Kind, string Subject), DateTimeOffset> _open = [];
    private readonly Lock _gate = new();
    private bool _loaded;

    /// <summary>Reads the incidents left open by the previous process, once (under the gate).</summary>
    private void Load()
    {
        if (_loaded || store is null)
        {
            return;
        }

        _loaded = true;
        Write("reading the open incidents", async () =>
        {
            foreach (var incident in await store.OpenIncidentsAsync(CancellationToken.None).ConfigureAwait(false))
            {
                _open.TryAdd((incident.Service, incident.Kind, incident.Subject), incident.Since);
            }
        });
    }

    private bool Open((string Service, string Kind, string Subject) key, DateTimeOffset at)
    {
        Load();
        if (!_open.TryAdd(key, at))
        {
            return false;
        }

        Write($"opening the {key.Kind} incident of {key.Service}", () => store!.OpenIncidentAsync(new OpenIncident(key.Service, key.Kind, key.Subject, at), CancellationToken.None));
        return true;
    }

    private bool Close((string Service, string Kind, string Subject) key, out DateTimeOffset since)
    {
        Load();
        if (!_open.Remove(key, out since))
        {
            return false;
        }

        Write($"closing the {key.Kind} incident of {key.Service}", () => store!.CloseIncidentAsync(key.Service, key.Kind, key.Subject, CancellationToken.None));
        return true;
    }

    /// <summary>
    /// A store write, waited for here: ticks call this synchronously, and the incident must be on record before its
    /// alert is queued. A failure keeps the incident in memory and is reported, never thrown into the tick.
    /// </summary>
    private void Write(string what, Func<Task> write)
    {
        if (store is null)
        {
            return;
        }

        try
        {
            write().GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            storeFailed?.Invoke($"{what}: {ex.Message}");
        }
    }

    /// <summary>The kind of the incident a terminal cloud error opens; it ends when the provider next takes an apply.</summary>
    public const string CloudErrorKind = "cloud_error";

    /// <summary>
    /// A terminal cloud error (not found, unauthorized, invalid request) starts an incident; later ticks with the
    /// same or another terminal error, or ticks that never reach the cloud (awaiting approval, dry-run), keep it open;
    /// it ends at the first tick whose apply the provider takes (or that finds nothing to do).
    /// </summary>
    public IReadOnlyList<Alert> ObserveCloud(string service, DateTimeOffset at, string decisionId, string? terminalError, bool answered)
    {
        var key = (service, CloudErrorKind, "");
        lock (_gate)
        {
            if (terminalError is not null)
            {
                return Open(key, at) ? [new Alert(service, at, CloudErrorKind, terminalError, decisionId)] : [];
            }

            if (answered && Close(key, out var since))
            {
                return [new Alert(service, at, CloudErrorKind, $"resolved: the cloud provider takes changes again (terminal errors since {since:yyyy-MM-dd HH:mm})", decisionId) { Phase = Alert.End }];
            }
        }

        return [];
    }

    public IReadOnlyList<Alert> Observe(ScalingDecision d)
    {
        var active = new Dictionary<(string Kind, string Subject), string>();
        foreach (var anomaly in d.Anomalies)
        {
            active.TryAdd(("anomaly", anomaly.Kpi), $"{anomaly.Kpi}={anomaly.Value:0.###} is anomalous (score {anomaly.Score:0.00}, {anomaly.Kind}): {anomaly.Action}");
        }

        if (d.Held)
        {
            active[("held", "")] = d.Reason;
        }

        if (d.Budget is { Constrained: true } budget)
        {
            active[("budget", "")] = $"budget constrains scaling: projected ${budget.ProjectedUsd:0.00} of ${budget.MonthlyUsd:0.00} ({budget.Enforcement})"
                + (d.GuardNotes is { Count: > 0 } notes ? $"; guard: {string.Join(", ", notes)}" : "");
        }

        var alerts = new List<Alert>();
        lock (_gate)
        {
            foreach (var ((kind, subject), message) in active)
            {
                if (Open((d.Service, kind, subject), d.Timestamp))
                {
                    alerts.Add(new Alert(d.Service, d.Timestamp, kind, message, d.Id) { Subject = subject });
                }
            }

            Load();
            foreach (var (key, since) in _open.Where(kv => kv.Key.Service == d.Service && kv.Key.Kind != CloudErrorKind && !active.ContainsKey((kv.Key.Kind, kv.Key.Subject))).ToArray())
            {
                Close(key, out _);
                var what = key.Subject.Length > 0 ? $"{key.Kind} on {key.Subject}" : key.Kind;
                alerts.Add(new Alert(d.Service, d.Timestamp, key.Kind, $"resolved: {what} since {since:yyyy-MM-dd HH:mm} ended", d.Id)
                {
                    Phase = Alert.End,
                    Subject = key.Subject,
                });
            }
        }

        return alerts;
    }
}
