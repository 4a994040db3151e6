using Dso.Abstractions.Catalog;
using Dso.Policies.Model;
using YamlDotNet.RepresentationModel;

namespace Dso.Policies.Loading;

/// <summary>Reads a service's optional <c>spot:</c> and <c>serverless:</c> sections, collecting every error.</summary>
internal static class OfferingReader
{
    /// <summary>The spot policy and the on-demand types whose spot offering it allows.</summary>
    public sealed record SpotTerms(SpotPolicy Policy, IReadOnlySet<string> Types);

    public static SpotTerms? ReadSpot(MappingReader r, IReadOnlyList<CatalogReader.TypeEntry>? types, LimitsPolicy limits, IReadOnlySet<string> rejected)
    {
        var node = r.Mapping("spot");
        if (node is null)
        {
            return null;
        }

        var s = r.Child(node, "spot.");
        var maxShare = s.Number("max_share", required: true, min: 0, max: 1);
        var onDemandMin = s.Integer("on_demand_min", min: 0);
        if (onDemandMin > limits.MaxInstances)
        {
            s.Error(s.Raw("on_demand_min")!, "on_demand_min", $"must not exceed limits.max_instances ({onDemandMin} > {limits.MaxInstances})");
        }

        var priced = types?.Where(e => e.SpotPricePerHour is not null).Select(e => e.Type.Name).ToHashSet(StringComparer.Ordinal) ?? [];
        var allowed = new HashSet<string>(priced, StringComparer.Ordinal);
        if (s.Sequence("types") is { } list)
        {
            allowed.Clear();
            var index = 0;
            foreach (var item in list)
            {
                var field = $"types[{index++}]";
                var name = (item as YamlScalarNode)?.Value;
                if (name is null)
                {
                    s.Error(item, field, "must be an instance type name");
                }
                else if (types is not null && types.All(e => e.Type.Name != name))
                {
                    // A name instance_types declares in an entry it rejects is reported there, once.
                    if (!rejected.Contains(name))
                    {
                        s.Error(item, field, $"unknown instance type '{name}' (known: {string.Join(", ", types.Select(e => e.Type.Name))})");
                    }
                }
                else if (types is not null && !priced.Contains(name))
                {
                    s.Error(item, field, $"instance type '{name}' has no spot_price_per_hour, so it cannot run on spot");
                }
                else
                {
                    allowed.Add(name);
                }
            }
        }
        else if (types is not null && priced.Count == 0 && rejected.Count == 0)
        {
            // (Not while an entry is rejected: it may be the one with the spot price, and its own error says what to fix.)
            r.Error(node, "spot", "no instance type has a spot_price_per_hour, so nothing can run on spot");
        }

        s.RejectUnknownKeys();
        return maxShare is null ? null : new SpotTerms(new SpotPolicy { MaxShare = maxShare.Value, OnDemandMin = onDemandMin ?? SpotPolicy.DefaultOnDemandMin }, allowed);
    }

    public static ServerlessOffering? ReadServerless(MappingReader r)
    {
        var node = r.Mapping("serverless");
        if (node is null)
        {
            return null;
        }

        var s = r.Child(node, "serverless.");
        var name = s.String("name", required: true);
        var perMillion = s.Money("price_per_million_requests", required: true, positive: false);
        var perGbSecond = s.Money("price_per_gb_second", required: true, positive: false);
        var memory = s.Number("memory_gb", required: true, min: 0, exclusiveMin: true, max: 1024);
        var duration = s.Number("duration_ms", required: true, min: 0, exclusiveMin: true, max: 3_600_000);
        var concurrency = s.Integer("concurrency_limit", required: true, min: 1);
        var coldStart = s.Number("cold_start_ms", required: true, min: 0, max: 3_600_000);
        s.RejectUnknownKeys();
        return name is null || perMillion is null || perGbSecond is null || memory is null || duration is null || concurrency is null || coldStart is null
            ? null
            : new ServerlessOffering(name, perMillion.Value, perGbSecond.Value, memory.Value, duration.Value, concurrency.Value, coldStart.Value);
    }
}
