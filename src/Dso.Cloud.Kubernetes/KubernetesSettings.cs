using System.Text.RegularExpressions;
using Dso.Abstractions.Cloud;

namespace Dso.Cloud.Kubernetes;

/// <summary>
/// The <c>provider.settings</c> a Kubernetes binding accepts: the workload kind and namespace of every group, and
/// optionally a kubeconfig file and context (without them: in-cluster config, else the default kubeconfig).
/// </summary>
internal sealed partial record KubernetesSettings(WorkloadKind Kind, string Namespace, string? Kubeconfig, string? Context)
{
    public const string KindKey = "kind";
    public const string NamespaceKey = "namespace";
    public const string KubeconfigKey = "kubeconfig";
    public const string ContextKey = "context";

    public static readonly IReadOnlyList<string> Known = [KindKey, NamespaceKey, KubeconfigKey, ContextKey];

    /// <summary>Every problem with the binding, as "field: problem"; empty when it can be used.</summary>
    public static IReadOnlyList<string> Validate(ProviderBinding binding)
    {
        var problems = new List<string>();
        foreach (var key in binding.Settings.Keys.Where(k => !Known.Contains(k, StringComparer.Ordinal)).Order(StringComparer.Ordinal))
        {
            problems.Add($"settings.{key}: unknown setting for provider 'kubernetes' (known: {string.Join(", ", Known)})");
        }

        if (binding.Settings.TryGetValue(KindKey, out var kind) && !TryParseKind(kind, out _))
        {
            problems.Add($"settings.{KindKey}: must be Deployment or StatefulSet (was '{kind}')");
        }

        if (!binding.Settings.TryGetValue(NamespaceKey, out var ns) || string.IsNullOrWhiteSpace(ns))
        {
            problems.Add($"settings.{NamespaceKey}: required (the namespace of the workloads)");
        }
        else if (!IsDnsLabel(ns))
        {
            problems.Add($"settings.{NamespaceKey}: '{ns}' is not a valid namespace name (lowercase letters, digits and '-', at most 63)");
        }

        if (binding.Settings.TryGetValue(KubeconfigKey, out var path) && !File.Exists(path))
        {
            problems.Add($"settings.{KubeconfigKey}: file '{path}' does not exist");
        }

        if (binding.Settings.TryGetValue(ContextKey, out var context) && string.IsNullOrWhiteSpace(context))
        {
            problems.Add($"settings.{ContextKey}: must not be empty when given");
        }

        ValidateGroups(binding, problems);
        return problems;
    }

    public static KubernetesSettings Parse(ProviderBinding binding)
    {
        var problems = Validate(binding);
        if (problems.Count > 0)
        {
            throw new CloudProviderException($"provider 'kubernetes' for scale group '{binding.ScaleGroup}': {string.Join("; ", problems)}", CloudErrorKind.InvalidRequest);
        }

        TryParseKind(binding.Settings.GetValueOrDefault(KindKey), out var parsed);
        return new KubernetesSettings(parsed, binding.Settings[NamespaceKey], binding.Settings.GetValueOrDefault(KubeconfigKey), binding.Settings.GetValueOrDefault(ContextKey));
    }

    private static void ValidateGroups(ProviderBinding binding, List<string> problems)
    {
        if (binding.Groups.Count == 0)
        {
            problems.Add("groups: map each offering to a Deployment or StatefulSet (none given)");
        }

        foreach (var (offering, group) in binding.Groups.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (string.IsNullOrWhiteSpace(group) || group.Length > 253 || !DnsSubdomain().IsMatch(group))
            {
                problems.Add($"groups.{offering}: '{group}' is not a valid workload name (lowercase letters, digits, '-' and '.')");
            }
        }

        foreach (var shared in binding.Groups.GroupBy(g => g.Value, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"groups: offerings {string.Join(", ", shared.Select(g => $"'{g.Key}'"))} all map to '{shared.Key}'; each offering needs its own workload");
        }
    }

    private static bool TryParseKind(string? text, out WorkloadKind kind)
    {
        kind = WorkloadKind.Deployment;
        return text is null || !int.TryParse(text, out _) && Enum.TryParse(text, ignoreCase: true, out kind) && Enum.IsDefined(kind);
    }

    private static bool IsDnsLabel(string text) => text.Length <= 63 && DnsLabel().IsMatch(text);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();
}
