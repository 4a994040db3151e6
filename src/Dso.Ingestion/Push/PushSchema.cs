using System.Collections.Concurrent;
using Dso.Abstractions.Metrics;

namespace Dso.Ingestion.Push;

/// <summary>
/// Which KPIs a push service accepts and how text-format metric names map to them, from the policy's
/// <c>metrics.queries</c> (<c>kpi: metric_name</c>). With no queries declared, any well-formed KPI name is
/// accepted under its own name, so business KPIs need no configuration.
/// </summary>
public sealed class PushSchema
{
    public const int MaxKpiNameLength = 64;

    // Shared across schemas so a KPI name seen once is not allocated again per sample; capped against abuse.
    private static readonly ConcurrentDictionary<string, string> Interned = new(StringComparer.Ordinal);
    private const int MaxInterned = 10_000;

    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _kpis;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _metrics;

    public PushSchema(string service, IReadOnlyDictionary<string, string> declared)
    {
        Service = service;
        var kpis = declared.Keys.ToDictionary(k => k, k => k, StringComparer.Ordinal);
        var metrics = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (kpi, metric) in declared)
        {
            metrics[string.IsNullOrWhiteSpace(metric) ? kpi : metric.Trim()] = kpi;
        }

        _kpis = kpis.GetAlternateLookup<ReadOnlySpan<char>>();
        _metrics = metrics.GetAlternateLookup<ReadOnlySpan<char>>();
        KnownKpis = kpis.Keys.Order(StringComparer.Ordinal).ToArray();
        KnownNames = string.Join(", ", KnownKpis.Select(k => declared[k] is { } m && !string.IsNullOrWhiteSpace(m) && m.Trim() != k ? $"{k} (or {m.Trim()})" : k));
    }

    /// <summary>The accepted names for error messages: each KPI and the metric name mapped to it.</summary>
    public string KnownNames { get; }

    public string Service { get; }

    /// <summary>Empty when any KPI name is accepted.</summary>
    public IReadOnlyList<string> KnownKpis { get; }

    public bool AcceptsAnyKpi => KnownKpis.Count == 0;

    /// <summary>Resolves a JSON sample's KPI name.</summary>
    public bool TryResolveKpi(ReadOnlySpan<char> name, out string kpi)
    {
        if (_kpis.TryGetValue(name, out kpi!))
        {
            return true;
        }

        return AcceptsAnyKpi && TryIntern(name, out kpi);
    }

    /// <summary>Resolves a pushed name (JSON <c>kpi</c> or text-format metric): a declared mapping first, else the KPI of the same name.</summary>
    public bool TryResolveMetric(ReadOnlySpan<char> metric, out string kpi) =>
        _metrics.TryGetValue(metric, out kpi!) || TryResolveKpi(metric, out kpi);

    /// <summary>Counts, rates, latencies and sizes cannot be negative; business KPIs such as revenue may be.</summary>
    public static bool MustBeNonNegative(string kpi) =>
        kpi is KpiNames.RequestRate or KpiNames.LatencyP95Ms or KpiNames.ErrorRate or KpiNames.Cpu or KpiNames.QueueLength or KpiNames.ConversionRate
        || kpi.EndsWith("_total", StringComparison.Ordinal) || kpi.EndsWith("_count", StringComparison.Ordinal)
        || kpi.EndsWith("_rate", StringComparison.Ordinal) || kpi.EndsWith("_length", StringComparison.Ordinal)
        || kpi.EndsWith("_ms", StringComparison.Ordinal) || kpi.EndsWith("_seconds", StringComparison.Ordinal)
        || kpi.EndsWith("_bytes", StringComparison.Ordinal);

    public static bool IsValidName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > MaxKpiNameLength || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == ':'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryIntern(ReadOnlySpan<char> name, out string kpi)
    {
        if (!IsValidName(name))
        {
            kpi = "";
            return false;
        }

        var lookup = Interned.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(name, out kpi!))
        {
            return true;
        }

        kpi = name.ToString();
        if (Interned.Count < MaxInterned)
        {
            Interned.TryAdd(kpi, kpi);
        }

        return true;
    }
}
