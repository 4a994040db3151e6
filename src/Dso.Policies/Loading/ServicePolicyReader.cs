using Dso.Abstractions;
using System.Globalization;
using System.Security.Cryptography;
using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Dso.Policies.Model;
using YamlDotNet.RepresentationModel;

namespace Dso.Policies.Loading;

/// <summary>Turns one <c>services:</c> entry into a <see cref="ServicePolicy"/>, collecting every error.</summary>
internal static class ServicePolicyReader
{
    public static ServicePolicy? Read(MappingReader r, PolicyVocabulary vocabulary, string origin)
    {
        var errorsBefore = ErrorCount(r);
        var name = ReadName(r);
        var (provider, cloud) = ProviderReader.Read(r, vocabulary);
        var scaleGroup = r.String("scale_group") ?? name;
        if (r.Raw("scale_group") is { } groupNode && string.IsNullOrWhiteSpace(scaleGroup))
        {
            // Blank, the service would have no group to scale: every adapter's first call would fail on it.
            r.Error(groupNode, "scale_group", "must name the group to scale (omit it to use the service's name)");
        }

        var team = ReadTeam(r);
        var tick = r.Duration("tick", min: TimeSpan.FromSeconds(1), max: PolicyLimits.MaxTick) ?? TimeSpan.FromMinutes(1);
        var slo = ReadSlo(r);
        var types = CatalogReader.ReadTypes(r, out var rejected);
        var bootDelay = ReadBootDelay(r, tick);
        var billingMinimum = r.Duration("billing_minimum") ?? TimeSpan.FromSeconds(60);
        var budget = ReadBudget(r);
        var limits = ReadLimits(r);
        var spot = OfferingReader.ReadSpot(r, types, limits, rejected);
        var catalog = types is null ? null : CatalogReader.Build(types, spot);
        var serverless = OfferingReader.ReadServerless(r);
        var initial = ReadInitialFleet(r, catalog, rejected);
        var metrics = ReadMetrics(r, vocabulary);
        var strategy = ReadStrategy(r, vocabulary);
        var anomalyActions = ReadAnomalyActions(r, metrics);
        var (eventsFile, eventsHash) = ReadEventsFile(r, origin);
        r.RejectUnknownKeys();

        if (catalog is not null)
        {
            var binding = new ProviderBinding(provider, scaleGroup, cloud.Groups, cloud.Settings)
            {
                Service = name,
                Catalog = catalog,
                BootDelay = bootDelay,
                BillingMinimum = billingMinimum,
                InitialFleet = initial,
                Serverless = serverless,
            };
            ProviderReader.Validate(r, binding, catalog, vocabulary, rejected);
        }

        if (ErrorCount(r) > errorsBefore || slo is null || catalog is null || budget is null || metrics is null || strategy is null)
        {
            return null;
        }

        return new ServicePolicy
        {
            Name = name,
            Provider = provider,
            Cloud = cloud,
            ScaleGroup = scaleGroup,
            Team = team,
            Tick = tick,
            Slo = slo,
            Catalog = catalog,
            BootDelay = bootDelay,
            BillingMinimum = billingMinimum,
            Budget = budget,
            Limits = limits,
            InitialFleet = initial,
            Spot = spot?.Policy,
            Serverless = serverless,
            Metrics = metrics,
            Strategy = strategy,
            AnomalyActions = anomalyActions,
            EventsFile = eventsFile,
            EventsFileHash = eventsHash,
            Origin = origin,
        };
    }

    private static int ErrorCount(MappingReader r) => r.ErrorCount;

    /// <summary>A showback label: lower-case letters, digits, '-', '_' and '.', so it groups the same in every report and URL.</summary>
    private static string? ReadTeam(MappingReader r)
    {
        var team = r.String("team");
        if (team is not null && (team.Length is 0 or > 63 || !team.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.')))
        {
            r.Error(r.Raw("team")!, "team", $"must be 1-63 characters of a-z, 0-9, '-', '_' or '.' (was '{team}')");
            return null;
        }

        return team;
    }

    private static SloPolicy? ReadSlo(MappingReader r)
    {
        var node = r.Mapping("slo", required: true);
        if (node is null)
        {
            return null;
        }

        var s = r.Child(node, "slo.");
        var latency = s.Number("latency_p95_ms", required: true, min: 0, exclusiveMin: true, max: 3_600_000);
        s.RejectUnknownKeys();
        return latency is null ? null : new SloPolicy(latency.Value);
    }

    private static BudgetPolicy? ReadBudget(MappingReader r)
    {
        var node = r.Mapping("budget", required: true);
        if (node is null)
        {
            return null;
        }

        var b = r.Child(node, "budget.");
        var monthly = b.Money("monthly_usd", required: true);
        var enforcement = b.Enum<BudgetEnforcement>("enforcement") ?? BudgetEnforcement.Hard;
        b.RejectUnknownKeys();
        return monthly is null ? null : new BudgetPolicy(monthly.Value, enforcement);
    }

    private static LimitsPolicy ReadLimits(MappingReader r)
    {
        var defaults = new LimitsPolicy();
        var node = r.Mapping("limits");
        if (node is null)
        {
            return defaults;
        }

        var l = r.Child(node, "limits.");
        var limits = new LimitsPolicy
        {
            MinInstances = l.Integer("min_instances", min: 0) ?? defaults.MinInstances,
            MaxInstances = l.Integer("max_instances", min: 1) ?? defaults.MaxInstances,
            MaxStepPerTick = l.Integer("max_step", min: 1) ?? defaults.MaxStepPerTick,
            ScaleUpCooldown = l.Duration("scale_up_cooldown") ?? defaults.ScaleUpCooldown,
            ScaleDownStabilization = l.Duration("scale_down_stabilization") ?? defaults.ScaleDownStabilization,
            MaxHourlyUsd = l.Money("max_hourly_usd"),
        };
        if (limits.MinInstances > limits.MaxInstances)
        {
            l.Error(node, "min_instances", $"must not exceed max_instances ({limits.MinInstances} > {limits.MaxInstances})");
        }

        l.RejectUnknownKeys();
        return limits;
    }

    /// <param name="r">The service's mapping.</param>
    /// <param name="catalog">The valid instance types (null when none is).</param>
    /// <param name="rejected">Names of instance_types entries that were rejected (each is reported at its own entry).</param>
    private static Fleet ReadInitialFleet(MappingReader r, InstanceCatalog? catalog, IReadOnlySet<string> rejected)
    {
        var node = r.Mapping("initial_fleet");
        if (node is null)
        {
            return Fleet.Empty;
        }

        var counts = new List<KeyValuePair<string, int>>();
        foreach (var (key, value) in node.Children)
        {
            var type = (key as YamlScalarNode)?.Value ?? "";
            if (catalog is not null && rejected.Contains(type))
            {
                continue; // its entry in instance_types is rejected, and says why
            }

            if (catalog is not null && !catalog.Contains(type))
            {
                r.Error(key, "initial_fleet", $"unknown instance type '{type}' (known: {string.Join(", ", catalog.Offerings.Select(t => t.Name))})");
            }
            else if (value is not YamlScalarNode { Value: { } text } || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                r.Error(value, "initial_fleet", $"count for '{type}' must be a whole number of zero or more");
            }
            else
            {
                counts.Add(new(type, count));
            }
        }

        // Not held to max_instances: the group's starting fleet is shared by an experiment's variants, one of which may
        // narrow the limit below it (the guard trims it at the first tick).
        return Fleet.Of(counts);
    }

    private static MetricsPolicy? ReadMetrics(MappingReader r, PolicyVocabulary vocabulary)
    {
        var node = r.Mapping("metrics");
        if (node is null)
        {
            return new MetricsPolicy("synthetic", new Dictionary<string, string>(), new Dictionary<string, string>(), null);
        }

        var m = r.Child(node, "metrics.");
        var source = m.String("source", required: true);
        if (source is not null && !vocabulary.Sources.Contains(source))
        {
            m.Error(m.Raw("source")!, "source", $"unknown metric source '{source}' (known: {string.Join(", ", vocabulary.Sources)})");
        }

        var options = ReadStringMap(m, "options");
        if (source is not null && vocabulary.SourceOptions?.GetValueOrDefault(source) is { } known
            && m.Node.Children.TryGetValue(new YamlScalarNode("options"), out var optionsValue) && optionsValue is YamlMappingNode optionsNode)
        {
            foreach (var (key, _) in optionsNode.Children)
            {
                var name = (key as YamlScalarNode)?.Value ?? "?";
                if (!known.Contains(name))
                {
                    m.Error(key, "options." + name, $"unknown option for source '{source}' (known: {string.Join(", ", known)}; credentials such as tokens or passwords come from the environment, never from a policy file)");
                }
            }
        }

        var queries = ReadStringMap(m, "queries");
        var fallback = m.Integer("fallback_instances", min: 0);
        var zeroHold = m.Duration("zero_traffic_hold", min: TimeSpan.Zero);
        m.RejectUnknownKeys();
        // Where each value was written, so that a source refusing one is reported there: the options' and queries'
        // values, the source's name and the sections themselves (for a problem with a section as a whole).
        var origins = new Dictionary<string, string>(StringComparer.Ordinal);
        if (m.Raw("source") is { } sourceNode)
        {
            origins["source"] = m.Where(sourceNode);
        }

        foreach (var section in new[] { "options", "queries" })
        {
            if (m.Node.Children.TryGetValue(new YamlScalarNode(section), out var sectionValue))
            {
                origins[section] = m.Where(sectionValue);
            }

            if (sectionValue is YamlMappingNode sectionNode)
            {
                foreach (var (key, value) in sectionNode.Children)
                {
                    origins[$"{section}.{(key as YamlScalarNode)?.Value}"] = m.Where(value);
                }
            }
        }

        return source is null ? null : new MetricsPolicy(source, options, queries, fallback, zeroHold) { Origins = origins };
    }

    private static StrategyPolicy? ReadStrategy(MappingReader r, PolicyVocabulary vocabulary)
    {
        // The short form names the strategy with its default parameters, as 'provider: aws' does for a provider.
        if (r.Raw("strategy") is YamlScalarNode { Value: { Length: > 0 } shortName } raw)
        {
            if (!vocabulary.Strategies.Contains(shortName))
            {
                r.Error(raw, "strategy", $"unknown strategy '{shortName}' (known: {string.Join(", ", vocabulary.Strategies)})");
                return null;
            }

            return new StrategyPolicy(shortName, new Dictionary<string, double>());
        }

        var node = r.Mapping("strategy");
        if (node is null)
        {
            return new StrategyPolicy("cost-optimizer", new Dictionary<string, double>());
        }

        var s = r.Child(node, "strategy.");
        var name = s.String("name", required: true);
        if (name is not null && !vocabulary.Strategies.Contains(name))
        {
            s.Error(s.Raw("name")!, "name", $"unknown strategy '{name}' (known: {string.Join(", ", vocabulary.Strategies)})");
        }

        var parameters = new Dictionary<string, double>(StringComparer.Ordinal);
        if (s.Mapping("parameters") is { } p)
        {
            var pr = s.Child(p, "parameters.");
            if (name is not null && vocabulary.StrategyParameters?.GetValueOrDefault(name) is { } declared)
            {
                StrategyParameterReader.Read(pr, p, name, declared, parameters);
            }
            else
            {
                foreach (var (key, _) in p.Children)
                {
                    var k = (key as YamlScalarNode)?.Value ?? "";
                    if (pr.Number(k) is { } v)
                    {
                        parameters[k] = v;
                    }
                }
            }
        }

        s.RejectUnknownKeys();
        return name is null ? null : new StrategyPolicy(name, parameters);
    }

    /// <summary>The KPIs every source may report (business KPIs beyond them are named in <c>metrics.queries</c> or pushed as they are).</summary>
    private static readonly string[] WellKnownKpis =
    [
        Dso.Abstractions.Metrics.KpiNames.RequestRate, Dso.Abstractions.Metrics.KpiNames.LatencyP95Ms, Dso.Abstractions.Metrics.KpiNames.ErrorRate,
        Dso.Abstractions.Metrics.KpiNames.Cpu, Dso.Abstractions.Metrics.KpiNames.QueueLength, Dso.Abstractions.Metrics.KpiNames.ConversionRate,
        Dso.Abstractions.Metrics.KpiNames.RevenuePerTransaction,
    ];

    private static Dictionary<string, AnomalyAction> ReadAnomalyActions(MappingReader r, MetricsPolicy? metrics)
    {
        var result = new Dictionary<string, AnomalyAction>(StringComparer.Ordinal);
        if (r.Mapping("anomaly_actions") is not { } node)
        {
            return result;
        }

        var a = r.Child(node, "anomaly_actions.");
        foreach (var (key, _) in node.Children)
        {
            var kpi = (key as YamlScalarNode)?.Value ?? "";
            // Any KPI may be named (a business KPI the source reports), but one a letter or two from a KPI the service
            // reads is a typo whose action would never fire.
            var reads = WellKnownKpis.Concat(metrics?.Queries.Keys ?? []).Distinct(StringComparer.Ordinal).ToList();
            if (!reads.Contains(kpi, StringComparer.Ordinal) && StrategyParameterReader.Nearest(kpi, reads) is { } nearest)
            {
                a.Error(key, kpi, $"not a KPI this service reads: did you mean '{nearest}'? (KPIs: {string.Join(", ", reads)})");
                continue;
            }

            if (a.Enum<AnomalyAction>(kpi) is { } action)
            {
                result[kpi] = action;
            }
        }

        return result;
    }

    /// <summary>The events file's absolute path and the hash of its content (the calendar is read again on every load).</summary>
    private static (string? Path, string? Hash) ReadEventsFile(MappingReader r, string origin)
    {
        var text = r.String("events_file");
        if (text is null)
        {
            return (null, null);
        }

        var file = origin[..origin.LastIndexOf(':', origin.LastIndexOf(':') - 1)];
        var folder = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
        var path = Path.GetFullPath(text, folder);
        if (!File.Exists(path))
        {
            r.Error(r.Raw("events_file")!, "events_file", $"no such file '{text}' (looked in {folder})");
            return (null, null);
        }

        try
        {
            return (path, Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(TextFile.ReadAll(path)))));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            r.Error(r.Raw("events_file")!, "events_file", $"cannot read '{path}': {ex.Message}");
            return (null, null);
        }
    }

    private static Dictionary<string, string> ReadStringMap(MappingReader r, string key)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (r.Mapping(key) is not { } node)
        {
            return result;
        }

        var m = r.Child(node, key + ".");
        foreach (var (k, _) in node.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            if (m.String(name) is { } value)
            {
                result[name] = value;
            }
        }

        return result;
    }

    /// <summary>
    /// The service name, which names its model directory, its push URL (<c>/api/v1/push/NAME</c>), its metric labels
    /// and, by default, its scale group: letters, digits, '.', '-' and '_', starting with a letter or digit.
    /// </summary>
    private static string ReadName(MappingReader r)
    {
        var name = r.String("name", required: true);
        if (name is null)
        {
            return "?";
        }

        if (name.Length == 0 || name.Length > PolicyLimits.MaxNameLength || !char.IsAsciiLetterOrDigit(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
        {
            var shown = name.Length > 40 ? name[..40] + "…" : name;
            r.Error(r.Raw("name")!, "name", $"must be 1-{PolicyLimits.MaxNameLength} letters, digits, '.', '-' or '_', starting with a letter or digit (was '{shown}'): it names the service's model directory, push URL and metric labels");
        }

        return name;
    }

    private static TimeSpan ReadBootDelay(MappingReader r, TimeSpan tick)
    {
        var bootDelay = r.Duration("boot_delay", max: PolicyLimits.MaxBootDelay) ?? TimeSpan.FromMinutes(4);
        if (tick > TimeSpan.Zero && bootDelay / tick > PolicyLimits.MaxBootTicks)
        {
            r.Error(r.Raw("boot_delay")!, "boot_delay", $"spans {bootDelay / tick:0} ticks of {Parameters.PolicyDuration.Format(tick)}; at most {PolicyLimits.MaxBootTicks} (a longer tick, or a shorter boot delay)");
        }

        return bootDelay;
    }
}
