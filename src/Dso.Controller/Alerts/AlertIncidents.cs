using Dso.Abstractions.Decisions;

namespace Dso.Controller.Alerts;

/// <summary>
/// Turns each tick's conditions (an anomalous KPI, a held fleet, a budget that constrains) into incidents: an
/// alert when a condition appears and one when the first tick without it arrives, so a metrics outage of an hour
/// is two alerts, not sixty. Called from the ticks of every service, one tick of a service at a time.
/// </summary>
internal sealed class AlertIncidents
{
    private readonly Dictionary<(string Service, string Kind, string Subject), DateTimeOffset> _open = [];
    private readonly Lock _gate = new();

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
                return _open.TryAdd(key, at) ? [new Alert(service, at, CloudErrorKind, terminalError, decisionId)] : [];
            }

            if (answered && _open.Remove(key, out var since))
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
                if (_open.TryAdd((d.Service, kind, subject), d.Timestamp))
                {
                    alerts.Add(new Alert(d.Service, d.Timestamp, kind, message, d.Id) { Subject = subject });
                }
            }

            foreach (var (key, since) in _open.Where(kv => kv.Key.Service == d.Service && kv.Key.Kind != CloudErrorKind && !active.ContainsKey((kv.Key.Kind, kv.Key.Subject))).ToArray())
            {
                _open.Remove(key);
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
