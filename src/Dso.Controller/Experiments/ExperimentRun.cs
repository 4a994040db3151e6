using Dso.Abstractions.Decisions;
using Dso.Abstractions.Metrics;
using Dso.DecisionLog.Experiments;
using Dso.Experiments.Design;
using Dso.Experiments.Metrics;
using Dso.Optimization;
using Dso.Policies.Model;
using Dso.Reconcile.Experiments;

namespace Dso.Controller.Experiments;

/// <summary>
/// One experiment running in the service: its design (blocks from the durable start), the arms each of its services
/// decides with, and per service the block totals measured from each tick's decision (the interval since the
/// previous tick: that tick's fleet price, this tick's demand and ready capacity, as the decision log records them).
/// Guardrails and the analysis are re-evaluated when a block completes. Thread-safe: ticks of several services and
/// API reads may arrive at once.
/// </summary>
internal sealed partial class ExperimentRun
{
    /// <summary>Longer gaps between ticks (the host was down) are not measured, like the decision log's cost.</summary>
    public static readonly TimeSpan MaxGap = TimeSpan.FromHours(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, BlockMetricsAccumulator> _ledgers;
    private readonly Dictionary<string, (DateTimeOffset At, decimal Hourly, bool Change, string Variant)> _last = new(StringComparer.Ordinal);
    private ExperimentRecord _record;

    public ExperimentRun(ExperimentPolicy policy, string runId, ExperimentRecord record, StrategyRegistry strategies)
    {
        Policy = policy;
        RunId = runId;
        _record = record;
        var split = policy.Design == ExperimentDesignKind.Split;
        Design = new SwitchbackDesign
        {
            Start = record.Start,
            BlockLength = policy.BlockLength,
            Washout = split ? TimeSpan.Zero : policy.Washout,
            Variants = policy.VariantNames,
            Seed = policy.Seed,
        };
        Split = split ? StableSplit.Assign(policy.Name, policy.Seed, policy.Services, policy.VariantNames) : null;
        _ledgers = policy.Services.ToDictionary(s => s, _ => new BlockMetricsAccumulator(Design, applyWashout: !split), StringComparer.Ordinal);
        Arms = BuildArms(strategies);
    }

    public ExperimentPolicy Policy { get; private set; }

    public string RunId { get; }

    public SwitchbackDesign Design { get; }

    /// <summary>Service to variant for a split; null for a switchback.</summary>
    public IReadOnlyDictionary<string, string>? Split { get; }

    /// <summary>Per service, the arms its loop decides with (gated on this run being active).</summary>
    public IReadOnlyDictionary<string, GatedArms> Arms { get; private set; }

    public ExperimentRecord Record
    {
        get
        {
            lock (_gate)
            {
                return _record;
            }
        }
    }

    public bool Active => _record.State is ExperimentStates.Scheduled or ExperimentStates.Running;

    public DateTimeOffset? End => Policy.End ?? (Policy.Duration is { } d ? _record.Start + d : null);

    /// <summary>Takes a reloaded definition of the same design (guardrails, alpha, end, on_end may change); rebuilds the arms only when a variant's policy changed.</summary>
    public void Update(ExperimentPolicy policy, StrategyRegistry strategies)
    {
        lock (_gate)
        {
            var rebuild = ArmsKey(policy) != ArmsKey(Policy);
            Policy = policy;
            _analysis = null;
            if (rebuild)
            {
                Arms = BuildArms(strategies);
            }
        }
    }

    /// <summary>Takes back the blocks recorded before a restart (or by another replica).</summary>
    public void Restore(IEnumerable<ExperimentBlockRecord> blocks)
    {
        lock (_gate)
        {
            foreach (var b in blocks.Where(b => _ledgers.ContainsKey(b.Service)))
            {
                _ledgers[b.Service].Restore(new BlockMetrics
                {
                    Block = b.Block,
                    Variant = b.Variant,
                    Start = b.Start,
                    MeasuredMinutes = b.MeasuredSeconds / 60,
                    WashoutMinutes = b.WashoutSeconds / 60,
                    CostUsd = b.CostUsd,
                    RequestsServed = b.RequestsServed,
                    UnservedRequests = b.UnservedRequests,
                    SloViolationMinutes = b.ViolationSeconds / 60,
                    ScalingActions = b.ScalingActions,
                });
            }

            _analysis = null;
        }
    }

    /// <summary>Measures the interval since the service's previous tick, then re-checks guardrails, the end and promotion.</summary>
    public RunUpdate Observe(ScalingDecision d)
    {
        lock (_gate)
        {
            // A decision without an experiment still counts: it closes the last interval of the final block and
            // lets the run see its end (the arms name no variant from the end on).
            if (!Active || (d.Experiment is not null && d.Experiment != Policy.Name) || !_ledgers.TryGetValue(d.Service, out var ledger))
            {
                return RunUpdate.None;
            }

            var events = new List<RunEvent>();
            var changed = false;
            if (_record.State == ExperimentStates.Scheduled && d.Experiment is not null)
            {
                _record = _record with { State = ExperimentStates.Running, Updated = d.Timestamp };
                changed = true;
                events.Add(new RunEvent("experiment_running", d.Service, $"experiment '{Policy.Name}': first block {d.Block} runs variant '{d.Variant}'"));
            }

            var saved = new List<ExperimentBlockRecord>();
            if (_last.TryGetValue(d.Service, out var last) && d.Timestamp > last.At && d.Timestamp - last.At <= MaxGap)
            {
                // Held ticks have no demand: their interval is billed but serves and misses nothing measured.
                var demand = d.Kpis.TryGetValue(KpiNames.RequestRate, out var rps) && double.IsFinite(rps) ? rps : 0;
                ledger.Observe(last.At, d.Timestamp, demand, d.ReadyCapacityRps, last.Hourly, last.Change, last.Variant);
                var (from, to) = (Design.BlockAt(last.At), Design.BlockAt(d.Timestamp));
                saved.AddRange(ledger.Blocks(d.Timestamp).Where(b => b.Block >= from && b.Block <= to).Select(b => ToRecord(d.Service, b, d.Timestamp)));
            }

            if (d.Experiment is not null)
            {
                _last[d.Service] = (d.Timestamp, d.ChosenHourlyCost, d.IsChange, d.Variant);
            }
            else
            {
                _last.Remove(d.Service);
            }

            changed |= Evaluate(d.Timestamp, d.Service, events, out var reapply);
            return new RunUpdate(saved, events, changed, reapply);
        }
    }

    /// <summary>An operator's stop: the service goes back to its own policy now; the blocks so far stay readable.</summary>
    public RunUpdate Stop(DateTimeOffset now, string who)
    {
        lock (_gate)
        {
            if (!Active)
            {
                throw new InvalidOperationException($"experiment '{Policy.Name}' is {_record.State}, not running");
            }

            _record = _record with { State = ExperimentStates.Stopped, Updated = now, Note = $"stopped by {who}" };
            return new RunUpdate([], [new RunEvent("experiment_stopped", Policy.Services[0], $"experiment '{Policy.Name}' stopped by {who}; services run their own policy")], true, false);
        }
    }

    /// <summary>Promotes <paramref name="variant"/> (null: the recommended winner): the service runs its policy from the next reload on.</summary>
    public RunUpdate Promote(DateTimeOffset now, string? variant, string who)
    {
        lock (_gate)
        {
            if (_record.State is ExperimentStates.Stopped or ExperimentStates.Promoted)
            {
                throw new InvalidOperationException($"experiment '{Policy.Name}' is {_record.State}; only a running or ended experiment can be promoted");
            }

            // Keeping the control is a decision too: repeating it would log it again, and promoting a variant after
            // it would silently overrule it.
            if (_record.State == ExperimentStates.Ended && _record.Winner is { } decided)
            {
                throw new InvalidOperationException($"experiment '{Policy.Name}' is decided: {_record.Note ?? $"control '{decided}' kept"}; start a new experiment to test again");
            }

            var winner = variant ?? Recommend(now).Winner
                ?? throw new InvalidOperationException($"experiment '{Policy.Name}' has no winner to promote yet ({Recommend(now).Reason}); name a variant to promote it anyway");
            if (!Policy.VariantNames.Contains(winner, StringComparer.Ordinal))
            {
                throw new ArgumentException($"experiment '{Policy.Name}' has no variant '{winner}' (variants: {string.Join(", ", Policy.VariantNames)})");
            }

            var events = new List<RunEvent>();
            PromoteLocked(now, winner, who, events);
            return new RunUpdate([], events, true, true);
        }
    }

    private void PromoteLocked(DateTimeOffset now, string winner, string who, List<RunEvent> events)
    {
        var isControl = winner == Design.Control;
        _record = _record with
        {
            State = isControl ? ExperimentStates.Ended : ExperimentStates.Promoted,
            Winner = winner,
            Updated = now,
            Note = isControl ? $"control '{winner}' kept by {who}" : $"variant '{winner}' promoted by {who}",
        };
        _analysis = null;
        events.Add(new RunEvent(isControl ? "experiment_ended" : "experiment_promoted", Policy.Services[0],
            isControl
                ? $"experiment '{Policy.Name}': control '{winner}' kept ({who}); services run their own policy"
                : $"experiment '{Policy.Name}': variant '{winner}' promoted ({who}); services now run it through the policy reload. Fold into the policy file: {PolicyChange(winner)?.ReplaceLineEndings(" ")}",
            winner));
    }

    private ExperimentBlockRecord ToRecord(string service, BlockMetrics b, DateTimeOffset at) => new(
        Policy.Name, RunId, service, b.Block, b.Variant, b.Start, b.MeasuredMinutes * 60, b.WashoutMinutes * 60, b.CostUsd,
        b.RequestsServed, b.UnservedRequests, b.SloViolationMinutes * 60, b.ScalingActions, at);

    private Dictionary<string, GatedArms> BuildArms(StrategyRegistry strategies)
    {
        var arms = new Dictionary<string, GatedArms>(StringComparer.Ordinal);
        foreach (var service in Policy.Services)
        {
            IVariantArms inner = Split is { } split
                ? new SplitArm(Policy.Name, Design, split[service], Policy.Variants.First(v => v.Name == split[service]).Policies[service], strategies, End)
                {
                    ControlPolicy = Policy.Variants.First(v => v.Name == Design.Control).Policies[service],
                    Stopped = _record.StoppedVariants.ToHashSet(StringComparer.Ordinal),
                }
                : new SwitchbackArms(Policy.Name, Design, Policy.Variants.ToDictionary(v => v.Name, v => v.Policies[service], StringComparer.Ordinal), strategies, End)
                {
                    Stopped = _record.StoppedVariants.ToHashSet(StringComparer.Ordinal),
                };
            arms[service] = new GatedArms(this, inner);
        }

        return arms;
    }

    /// <summary>The variants' resolved policies as text: arms (and their planners' learned state) are rebuilt only when it changes.</summary>
    private static string ArmsKey(ExperimentPolicy policy) =>
        System.Text.Json.JsonSerializer.Serialize(policy.Variants.Select(v => v.Policies.Values.Select(p => p with { Origin = "" })));
}
