using Dso.Abstractions;
using System.Globalization;
using Dso.Experiments.Design;
using Dso.Experiments.Guardrails;
using Dso.Experiments.Metrics;
using Dso.Policies.Model;
using YamlDotNet.RepresentationModel;

namespace Dso.Policies.Loading;

/// <summary>
/// Reads <c>experiments:</c> entries against the services already read: each variant's overrides are laid over the
/// service's YAML and read by <see cref="ServicePolicyReader"/>, so a variant breaks no rule a policy may not break.
/// </summary>
internal static class ExperimentReader
{
    /// <summary>Keys a variant may change; the rest name the service or describe the world it runs in.</summary>
    public static readonly IReadOnlyList<string> Overridable = ["strategy", "limits", "budget", "spot", "serverless", "instance_types", "anomaly_actions"];

    private const double HoursPerMonth = 730;

    public static IReadOnlyList<ExperimentPolicy> ReadAll(
        IReadOnlyList<(string File, YamlSequenceNode List)> lists,
        IReadOnlyList<ServicePolicy> services,
        IReadOnlyDictionary<string, (string File, YamlMappingNode Node)> serviceNodes,
        PolicyVocabulary vocabulary,
        DateTimeOffset now,
        List<PolicyError> errors)
    {
        var experiments = new List<(ExperimentPolicy Policy, string File, YamlNode At)>();
        var byService = services.ToDictionary(s => s.Name, StringComparer.Ordinal);
        foreach (var (file, list) in lists)
        {
            foreach (var item in list)
            {
                if (item is not YamlMappingNode map)
                {
                    errors.Add(new PolicyError(file, (int)item.Start.Line, (int)item.Start.Column, "file", "experiments", "each experiment must be a mapping"));
                    continue;
                }

                var name = map.Children.TryGetValue(new YamlScalarNode("name"), out var n) ? (n as YamlScalarNode)?.Value : null;
                var reader = new MappingReader(map, file, $"experiment '{name ?? "?"}'", errors);
                if (Read(reader, file, byService, serviceNodes, vocabulary, errors) is { } experiment)
                {
                    experiments.Add((experiment, file, map));
                }
            }
        }

        CheckConflicts(experiments, now, errors);
        return experiments.Select(e => e.Policy).ToList();
    }

    private static ExperimentPolicy? Read(
        MappingReader r,
        string file,
        IReadOnlyDictionary<string, ServicePolicy> services,
        IReadOnlyDictionary<string, (string File, YamlMappingNode Node)> serviceNodes,
        PolicyVocabulary vocabulary,
        List<PolicyError> errors)
    {
        var before = r.ErrorCount;
        var name = r.String("name", required: true) ?? "?";
        var targets = ReadServices(r, services);
        var (design, block, washout, seed) = ReadDesign(r, name, targets);
        var start = ReadTime(r, "start");
        var end = ReadTime(r, "end");
        var duration = r.Duration("duration", min: TimeSpan.FromMinutes(1));
        var minDuration = r.Duration("min_duration") ?? TimeSpan.Zero;
        var metric = r.Enum<ExperimentMetric>("primary_metric") ?? ExperimentMetric.Cost;
        var alpha = r.Number("alpha", min: 0.0001, max: 0.5) ?? 0.05;
        var onEnd = r.Enum<ExperimentOnEnd>("on_end") ?? ExperimentOnEnd.Recommend;
        var guardrails = ReadGuardrails(r);
        var variants = ReadVariants(r, file, targets, services, serviceNodes, vocabulary, errors);
        r.RejectUnknownKeys();

        if (end is not null && duration is not null)
        {
            r.Error(r.Raw("duration")!, "duration", "give either end or duration, not both");
        }

        if (start is not null && end is not null && end <= start)
        {
            r.Error(r.Raw("end")!, "end", $"must be after start ({start:O})");
        }

        var length = duration ?? (start is not null && end is not null ? end - start : null);
        if (length is { } span && span > TimeSpan.Zero && minDuration > span)
        {
            r.Error(r.Raw("min_duration") ?? r.Node, "min_duration", $"is longer than the experiment ({CarryOver.Format(minDuration)} > {CarryOver.Format(span)})");
        }

        if (design == ExperimentDesignKind.Switchback && targets.Count > 0 && variants.Count >= 2)
        {
            foreach (var problem in CarryOverProblems(block, washout, targets, variants, services))
            {
                r.Error(r.Raw("design") ?? r.Node, "design", problem);
            }
        }

        if (r.ErrorCount > before)
        {
            return null;
        }

        return new ExperimentPolicy
        {
            Name = name,
            Services = targets,
            Design = design,
            BlockLength = block,
            Washout = washout ?? MinimumWashout(targets, variants, services),
            Seed = seed,
            Start = start,
            End = end,
            Duration = duration,
            MinDuration = minDuration,
            PrimaryMetric = metric,
            Alpha = alpha,
            OnEnd = onEnd,
            Guardrails = guardrails,
            Variants = variants,
            Origin = $"{file}:{r.Node.Start.Line}:{r.Node.Start.Column}",
        };
    }

    private static List<string> ReadServices(MappingReader r, IReadOnlyDictionary<string, ServicePolicy> services)
    {
        var one = r.String("service");
        var many = r.Sequence("services");
        var names = new List<string>();
        if (one is not null && many is not null)
        {
            r.Error(r.Raw("services")!, "services", "give either service or services, not both");
        }
        else if (one is null && many is null)
        {
            r.Error(r.Node, "service", "is required (or services: for a split over several alike services)");
        }

        if (one is not null)
        {
            names.Add(one);
        }

        foreach (var item in many?.Children ?? [])
        {
            names.Add((item as YamlScalarNode)?.Value ?? "");
        }

        foreach (var service in names.Where(s => !services.ContainsKey(s)))
        {
            r.Error(r.Raw(one is not null ? "service" : "services")!, one is not null ? "service" : "services",
                $"unknown service '{service}' (known: {string.Join(", ", services.Keys.Order(StringComparer.Ordinal))})");
        }

        return names.Where(services.ContainsKey).Distinct(StringComparer.Ordinal).ToList();
    }

    private static (ExperimentDesignKind Kind, TimeSpan Block, TimeSpan? Washout, ulong Seed) ReadDesign(MappingReader r, string name, IReadOnlyList<string> targets)
    {
        var defaultSeed = (ulong)name.Aggregate(17L, (h, c) => unchecked(h * 31 + c));
        var node = r.Mapping("design");
        if (node is null)
        {
            return (targets.Count > 1 ? ExperimentDesignKind.Split : ExperimentDesignKind.Switchback, TimeSpan.FromHours(1), null, defaultSeed);
        }

        var d = r.Child(node, "design.");
        var kind = d.Enum<ExperimentDesignKind>("kind") ?? (targets.Count > 1 ? ExperimentDesignKind.Split : ExperimentDesignKind.Switchback);
        var block = d.Duration("block", min: TimeSpan.FromMinutes(1)) ?? TimeSpan.FromHours(1);
        var washout = d.Duration("washout");
        var seed = d.Number("seed", min: 0, max: 9e15) is { } s ? (ulong)s : defaultSeed;
        d.RejectUnknownKeys();
        if (kind == ExperimentDesignKind.Split && targets.Count < 2)
        {
            d.Error(node, "kind", "a split needs at least two services (use switchback for one service)");
        }

        return (kind, block, washout, seed);
    }

    private static DateTimeOffset? ReadTime(MappingReader r, string key)
    {
        var text = r.String(key);
        if (text is null)
        {
            return null;
        }

        if (DateOrder.Problem(text) is { } ambiguous)
        {
            r.Error(r.Raw(key)!, key, ambiguous);
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }

        r.Error(r.Raw(key)!, key, $"must be a UTC time such as 2026-12-01T00:00:00Z (was '{text}')");
        return null;
    }

    private static List<GuardrailRule> ReadGuardrails(MappingReader r)
    {
        var rules = new List<GuardrailRule>();
        foreach (var item in r.Sequence("guardrails")?.Children ?? [])
        {
            if (item is not YamlMappingNode map)
            {
                r.Error(item, "guardrails", "each guardrail must be a mapping such as {metric: slo_violation_minutes, limit: 2}");
                continue;
            }

            var g = r.Child(map, "guardrails.");
            var metric = g.Enum<ExperimentMetric>("metric", required: true);
            var limit = g.Number("limit", min: 0) ?? 0;
            var rate = g.Number("false_stop_rate", min: 0.0001, max: 0.5) ?? GuardrailRule.DefaultFalseStopRate;
            g.RejectUnknownKeys();
            if (metric is not null)
            {
                rules.Add(new GuardrailRule(metric.Value, limit, rate));
            }
        }

        return rules;
    }

    private static List<ExperimentVariant> ReadVariants(
        MappingReader r,
        string file,
        IReadOnlyList<string> targets,
        IReadOnlyDictionary<string, ServicePolicy> services,
        IReadOnlyDictionary<string, (string File, YamlMappingNode Node)> serviceNodes,
        PolicyVocabulary vocabulary,
        List<PolicyError> errors)
    {
        var list = r.Sequence("variants", required: true);
        var variants = new List<ExperimentVariant>();
        if (list is null)
        {
            return variants;
        }

        if (list.Children.Count < 2)
        {
            r.Error(list, "variants", $"needs at least two variants, the first being the control (has {list.Children.Count})");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list)
        {
            if (item is not YamlMappingNode map)
            {
                r.Error(item, "variants", "each variant must be a mapping with a name and optional overrides");
                continue;
            }

            var v = r.Child(map, "variants.");
            var name = v.String("name", required: true);
            var overrides = v.Mapping("overrides");
            v.RejectUnknownKeys();
            if (name is null)
            {
                continue;
            }

            if (!names.Add(name))
            {
                v.Error(map, "name", $"duplicate variant '{name}'");
                continue;
            }

            var policies = new Dictionary<string, ServicePolicy>(StringComparer.Ordinal);
            foreach (var service in targets)
            {
                var resolved = overrides is null
                    ? services[service]
                    : Resolve(r.Entity, name, file, overrides, services[service], serviceNodes[service], vocabulary, errors);
                if (resolved is not null)
                {
                    policies[service] = resolved;
                }
            }

            if (policies.Count == targets.Count)
            {
                variants.Add(new ExperimentVariant(name, policies) { Overrides = overrides });
            }
        }

        return variants;
    }

    /// <summary>The service's policy with the variant's overrides, read and validated like any policy.</summary>
    private static ServicePolicy? Resolve(
        string entity,
        string variant,
        string file,
        YamlMappingNode overrides,
        ServicePolicy basePolicy,
        (string File, YamlMappingNode Node) service,
        PolicyVocabulary vocabulary,
        List<PolicyError> errors)
    {
        var before = errors.Count;
        var label = $"{entity}: variant '{variant}' of service '{basePolicy.Name}'";
        foreach (var (key, _) in overrides.Children)
        {
            var k = (key as YamlScalarNode)?.Value ?? "?";
            if (!Overridable.Contains(k))
            {
                errors.Add(new PolicyError(file, (int)key.Start.Line, (int)key.Start.Column, label, "overrides." + k,
                    $"unknown override key (a variant may override: {string.Join(", ", Overridable)})"));
            }
        }

        // The allowed keys are still read, so one pass reports every problem of the variant.
        var allowed = new YamlMappingNode(overrides.Children.Where(kv => Overridable.Contains((kv.Key as YamlScalarNode)?.Value ?? "")));
        var locator = new NodeLocator();
        locator.Add(allowed, file, overrides.Start);
        var merged = PolicyMerge.Merge(service.Node, service.File, allowed, file, locator);
        var reader = new MappingReader(merged, service.File, label, errors, "", locator);
        var policy = ServicePolicyReader.Read(reader, vocabulary, basePolicy.Origin);
        if (policy is null || errors.Count > before)
        {
            return null;
        }

        policy = policy with { EventsFile = basePolicy.EventsFile, EventsFileHash = basePolicy.EventsFileHash };
        if (basePolicy.Budget.Enforcement == BudgetEnforcement.Hard && policy.Budget.MonthlyUsd > basePolicy.Budget.MonthlyUsd)
        {
            errors.Add(new PolicyError(file, (int)overrides.Start.Line, (int)overrides.Start.Column, label, "overrides.budget.monthly_usd",
                $"raises the service's hard budget ({policy.Budget.MonthlyUsd} > {basePolicy.Budget.MonthlyUsd} USD)"));
            return null;
        }

        // A soft budget only alerts: switching a hard one to soft raises it without limit.
        if (basePolicy.Budget.Enforcement == BudgetEnforcement.Hard && policy.Budget.Enforcement != BudgetEnforcement.Hard)
        {
            errors.Add(new PolicyError(file, (int)overrides.Start.Line, (int)overrides.Start.Column, label, "overrides.budget.enforcement",
                "makes the service's hard budget soft (a soft budget only alerts, so the variant could spend without limit)"));
            return null;
        }

        var cheapest = policy.Catalog.Types.Where(t => t.SpotOf is null).Min(t => t.PricePerHour);
        var floor = cheapest * policy.Limits.MinInstances * (decimal)HoursPerMonth;
        if (policy.Budget.Enforcement == BudgetEnforcement.Hard && floor > policy.Budget.MonthlyUsd)
        {
            errors.Add(new PolicyError(file, (int)overrides.Start.Line, (int)overrides.Start.Column, label, "overrides.limits.min_instances",
                $"its minimum fleet ({policy.Limits.MinInstances} × {cheapest} USD/h) costs {floor:0.##} USD a month, above the hard budget of {policy.Budget.MonthlyUsd} USD"));
            return null;
        }

        return policy;
    }

    private static TimeSpan MinimumWashout(IReadOnlyList<string> targets, IReadOnlyList<ExperimentVariant> variants, IReadOnlyDictionary<string, ServicePolicy> services) =>
        targets.SelectMany(t => variants.Select(v => v.Policies.GetValueOrDefault(t) ?? services[t]))
            .Select(p => CarryOver.MinimumWashout(p.BootDelay, p.Limits.ScaleDownStabilization, p.Tick))
            .DefaultIfEmpty(TimeSpan.Zero).Max();

    private static IReadOnlyList<string> CarryOverProblems(TimeSpan block, TimeSpan? washout, IReadOnlyList<string> targets, IReadOnlyList<ExperimentVariant> variants, IReadOnlyDictionary<string, ServicePolicy> services)
    {
        var minimum = MinimumWashout(targets, variants, services);
        return CarryOver.Check(block, washout ?? minimum, minimum);
    }

    /// <summary>
    /// One fleet cannot run two policies at once: two experiments on a service must not overlap in time. An experiment
    /// without a start starts when loaded, so it is checked as starting <paramref name="now"/>: beside one that lies
    /// wholly in the past it is no conflict; beside one still running, open-ended or yet to come it is.
    /// </summary>
    private static void CheckConflicts(List<(ExperimentPolicy Policy, string File, YamlNode At)> experiments, DateTimeOffset now, List<PolicyError> errors)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < experiments.Count; i++)
        {
            var (a, fileA, atA) = experiments[i];
            if (!names.TryAdd(a.Name, a.Origin))
            {
                errors.Add(new PolicyError(fileA, (int)atA.Start.Line, (int)atA.Start.Column, $"experiment '{a.Name}'", "name", $"duplicate experiment (first declared at {names[a.Name]})"));
            }

            for (var j = 0; j < i; j++)
            {
                var b = experiments[j].Policy;
                var shared = a.Services.Intersect(b.Services, StringComparer.Ordinal).ToList();
                if (shared.Count > 0 && Overlap(a, b, now))
                {
                    errors.Add(new PolicyError(fileA, (int)atA.Start.Line, (int)atA.Start.Column, $"experiment '{a.Name}'", "service",
                        $"service '{shared[0]}' is already in experiment '{b.Name}' ({b.Origin}) over an overlapping period; one fleet runs one experiment at a time"));
                }
            }
        }
    }

    private static bool Overlap(ExperimentPolicy a, ExperimentPolicy b, DateTimeOffset now)
    {
        var (aStart, aEnd) = Window(a, now);
        var (bStart, bEnd) = Window(b, now);
        return aStart < bEnd && bStart < aEnd;
    }

    /// <summary>When the experiment runs: from its start (else from now, as it starts when loaded) to its end, start + duration, or open.</summary>
    private static (DateTimeOffset Start, DateTimeOffset End) Window(ExperimentPolicy e, DateTimeOffset now)
    {
        var start = e.Start ?? now;
        var end = e.End ?? (e.Duration is { } d && d < DateTimeOffset.MaxValue - start ? start + d : DateTimeOffset.MaxValue);
        return (start, end);
    }
}
