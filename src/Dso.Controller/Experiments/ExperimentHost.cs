using System.Security.Cryptography;
using System.Text;
using Dso.Abstractions.Decisions;
using Dso.Controller.Alerts;
using Dso.Controller.Composition;
using Dso.Controller.Hosting;
using Dso.DecisionLog.Experiments;
using Dso.Policies.Model;
using Dso.Reconcile;

namespace Dso.Controller.Experiments;

/// <summary>
/// Runs the experiments of the policy set in force. On each accepted set (start and every hot reload) it takes each
/// experiment's durable record (or starts one), attaches its arms to the services' loops, and lays a promoted
/// winner's policy over its services; on each tick it measures, guards and ends experiments, persisting blocks and
/// state in the decision log's database and logging every step as a decision-log event.
/// </summary>
internal sealed partial class ExperimentHost(
    IExperimentStore store,
    IDecisionLog log,
    ServiceClock clock,
    WebhookAlertObserver alerts,
    ILogger<ExperimentHost> logger)
{
    private volatile IReadOnlyDictionary<string, ExperimentRun> _runs = new Dictionary<string, ExperimentRun>(StringComparer.Ordinal);
    private volatile bool _reapply;

    public IReadOnlyCollection<ExperimentRun> Runs => _runs.Values.ToArray();

    public bool TryGet(string name, out ExperimentRun run) => _runs.TryGetValue(name, out run!);

    /// <summary>Whether a promotion waits for the policy set to be applied again (the reloader polls this).</summary>
    public bool TakeReapplyRequest() => _reapply && !(_reapply = false);

    /// <summary>
    /// The set as it should run: each promoted experiment's services with the winner's resolved policy, labelled as such,
    /// and a version that says so (<see cref="PromotedVersion"/>). Reads only; nothing changes until
    /// <see cref="Commit"/>, so a set the registry then refuses leaves the experiments as they were.
    /// </summary>
    public PolicySet Overlay(PolicySet set)
    {
        var replaced = new Dictionary<string, ServicePolicy>(StringComparer.Ordinal);
        foreach (var experiment in set.Experiments)
        {
            var record = _runs.TryGetValue(experiment.Name, out var run) && run.RunId == RunIdOf(experiment)
                ? run.Record
                : store.FindExperimentAsync(experiment.Name, CancellationToken.None).GetAwaiter().GetResult();
            if (record is { State: ExperimentStates.Promoted, Winner: { } winner } && record.Run == RunIdOf(experiment)
                && experiment.Variants.FirstOrDefault(v => v.Name == winner) is { } variant)
            {
                foreach (var (service, policy) in variant.Policies)
                {
                    replaced[service] = policy with { Promoted = new PromotedVariant(experiment.Name, winner) };
                }
            }
        }

        if (replaced.Count == 0)
        {
            return set;
        }

        var services = set.Services.Select(s => replaced.GetValueOrDefault(s.Name) ?? s).ToList();
        return set with { Services = services, Version = PromotedVersion(set.Version, services) };
    }

    /// <summary>
    /// The files' version with each promotion in force appended ("3f2a9c1b7e40+coverage:q90"): the files alone no
    /// longer say which policy decided, and an analyst reading a decision's version must. Built from the files' version
    /// and the promotions only, in name order, so a restart running the same promotion gives the same version.
    /// </summary>
    internal static string PromotedVersion(string filesVersion, IEnumerable<ServicePolicy> services) =>
        string.Concat([filesVersion, .. services.Select(s => s.Promoted).OfType<PromotedVariant>().Distinct()
            .OrderBy(p => p.Experiment, StringComparer.Ordinal).ThenBy(p => p.Variant, StringComparer.Ordinal).Select(p => $"+{p}")]);

    /// <summary>Takes the set now in force: keeps runs whose design is unchanged, starts or resumes the others, and sets every loop's arms.</summary>
    public void Commit(PolicySet set, IReadOnlyCollection<ServiceLoop> loops)
    {
        var now = clock.Time.GetUtcNow();
        var runs = new Dictionary<string, ExperimentRun>(StringComparer.Ordinal);
        foreach (var experiment in set.Experiments)
        {
            var runId = RunIdOf(experiment);
            if (_runs.TryGetValue(experiment.Name, out var kept) && kept.RunId == runId)
            {
                kept.Update(experiment, Plugins.Strategies);
                runs[experiment.Name] = kept;
                continue;
            }

            var start = experiment.Start ?? now;
            var fresh = new ExperimentRecord(experiment.Name, runId, start, start > now ? ExperimentStates.Scheduled : ExperimentStates.Running, [], null, "", now);
            var existing = store.FindExperimentAsync(experiment.Name, CancellationToken.None).GetAwaiter().GetResult();
            var resumed = existing is not null && existing.Run == runId;
            var record = resumed ? existing! : existing is null ? store.StartExperimentAsync(fresh, CancellationToken.None).GetAwaiter().GetResult() : fresh;
            if (record.Run != runId || (existing is not null && !resumed))
            {
                // The design changed (or another design took the name): a new run with its own blocks.
                record = fresh;
                store.SaveExperimentAsync(record, CancellationToken.None).GetAwaiter().GetResult();
            }

            var run = new ExperimentRun(experiment, runId, record, Plugins.Strategies);
            run.Restore(store.BlocksAsync(experiment.Name, runId, CancellationToken.None).GetAwaiter().GetResult());
            runs[experiment.Name] = run;
            Report(run, [new RunEvent(resumed ? "experiment_resumed" : "experiment_started", experiment.Services[0],
                resumed
                    ? $"experiment '{experiment.Name}' resumed ({record.State}): run {runId} from {record.Start:O}"
                    : $"experiment '{experiment.Name}' started: run {runId}, blocks of {Dso.Experiments.Design.CarryOver.Format(experiment.BlockLength)} from {start:O}")], now);
        }

        foreach (var loop in loops)
        {
            loop.Arms = runs.Values.FirstOrDefault(r => r.Active && r.Arms.ContainsKey(loop.Policy.Name))?.Arms[loop.Policy.Name];
        }

        foreach (var gone in _runs.Keys.Except(runs.Keys))
        {
            ExperimentMetrics.Forget(gone);
        }

        _runs = runs;
        foreach (var run in runs.Values)
        {
            ExperimentMetrics.Publish(run, now);
        }
    }

    /// <summary>Measures a tick of a service in an experiment; nothing here may fail the tick's decision (it is already applied).</summary>
    public void Observe(ScalingDecision decision)
    {
        var run = decision.Experiment is { } name
            ? _runs.GetValueOrDefault(name)
            : _runs.Values.FirstOrDefault(r => r.Active && r.Arms.ContainsKey(decision.Service));
        if (run is null)
        {
            return;
        }

        var update = run.Observe(decision);
        Persist(run, update, decision.Timestamp);
        ExperimentMetrics.Publish(run, decision.Timestamp);
    }

    public void Stop(ExperimentRun run, string who)
    {
        var now = clock.Time.GetUtcNow();
        Persist(run, run.Stop(now, who), now);
        ExperimentMetrics.Publish(run, now);
    }

    public void Promote(ExperimentRun run, string? variant, string who)
    {
        var now = clock.Time.GetUtcNow();
        Persist(run, run.Promote(now, variant, who), now);
        ExperimentMetrics.Publish(run, now);
    }

    private void Persist(ExperimentRun run, RunUpdate update, DateTimeOffset at)
    {
        if (update.Blocks.Count > 0)
        {
            store.SaveBlocksAsync(update.Blocks, CancellationToken.None).GetAwaiter().GetResult();
        }

        if (update.RecordChanged)
        {
            store.SaveExperimentAsync(run.Record, CancellationToken.None).GetAwaiter().GetResult();
        }

        Report(run, update.Events, at);
        _reapply |= update.Reapply;
    }

    private void Report(ExperimentRun run, IReadOnlyList<RunEvent> events, DateTimeOffset at)
    {
        foreach (var e in events)
        {
            log.AppendEventAsync(e.Service, at, e.Kind, e.Message, CancellationToken.None).GetAwaiter().GetResult();
            LogEvent(e.Kind, run.Policy.Name, e.Message);
            if (e.Kind == "experiment_guardrail")
            {
                ExperimentMetrics.GuardrailBreach(run.Policy.Name, e.Variant ?? "", e.Metric ?? "");
                alerts.Raise(new Alert(e.Service, at, "experiment_guardrail", e.Message, "") { Subject = $"{run.Policy.Name}/{e.Variant}" });
            }
            else if (e.Kind == "experiment_promoted")
            {
                ExperimentMetrics.Promotion(run.Policy.Name, e.Variant ?? "");
            }
        }
    }

    /// <summary>The design's identity: services, variants with their overrides, seed, block, washout, kind and declared start.</summary>
    public static string RunIdOf(ExperimentPolicy e)
    {
        var text = string.Join("\n",
            e.Design, string.Join(",", e.Services), e.Seed, e.BlockLength.Ticks, e.Washout.Ticks, e.Start?.ToUnixTimeMilliseconds(),
            string.Join(";", e.Variants.Select(v => $"{v.Name}={(v.IsUnchanged ? "" : OverridesYaml.Format(v.Overrides!))}")));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "{Kind}: experiment {Experiment}: {Message}")]
    private partial void LogEvent(string kind, string experiment, string message);
}
