using System.Globalization;
using System.Text.RegularExpressions;
using Dso.Abstractions.Cloud;

namespace Dso.Cloud.Azure;

/// <summary>
/// The <c>provider.settings</c> an Azure binding accepts: the subscription and resource group holding the scale
/// sets, optionally an Azure Resource Manager endpoint (sovereign clouds, tests) and how long to wait for a
/// capacity change's long-running operation before the next tick reads it back instead.
/// </summary>
internal sealed partial record AzureSettings(string SubscriptionId, string ResourceGroup, Uri? ArmEndpoint, TimeSpan OperationTimeout)
{
    public const string SubscriptionKey = "subscription_id";
    public const string ResourceGroupKey = "resource_group";
    public const string ArmEndpointKey = "arm_endpoint";
    public const string OperationTimeoutKey = "operation_timeout_seconds";

    /// <summary>
    /// Short on purpose: the change is accepted when the PATCH returns, and the tick (and the resilience pipeline's
    /// call timeout) should not wait minutes for VMs to provision; the next tick reads their state back.
    /// </summary>
    public static readonly TimeSpan DefaultOperationTimeout = TimeSpan.FromSeconds(15);

    public const int MaxOperationTimeoutSeconds = 3600;

    public static readonly IReadOnlyList<string> Known = [SubscriptionKey, ResourceGroupKey, ArmEndpointKey, OperationTimeoutKey];

    public static IReadOnlyList<string> Validate(ProviderBinding binding)
    {
        var problems = new List<string>();
        foreach (var key in binding.Settings.Keys.Where(k => !Known.Contains(k, StringComparer.Ordinal)).Order(StringComparer.Ordinal))
        {
            problems.Add($"settings.{key}: unknown setting for provider 'azure' (known: {string.Join(", ", Known)})");
        }

        if (!binding.Settings.TryGetValue(SubscriptionKey, out var subscription) || string.IsNullOrWhiteSpace(subscription))
        {
            problems.Add($"settings.{SubscriptionKey}: required (the subscription id holding the scale sets)");
        }
        else if (!Guid.TryParseExact(subscription, "D", out _))
        {
            problems.Add($"settings.{SubscriptionKey}: '{subscription}' is not a subscription id (a GUID like 00000000-0000-0000-0000-000000000000)");
        }

        if (!binding.Settings.TryGetValue(ResourceGroupKey, out var group) || string.IsNullOrWhiteSpace(group))
        {
            problems.Add($"settings.{ResourceGroupKey}: required (the resource group of the scale sets)");
        }
        else if (!ResourceGroupName().IsMatch(group))
        {
            problems.Add($"settings.{ResourceGroupKey}: '{group}' is not a resource group name (letters, digits, '-', '_', '.', '(', ')', at most 90, not ending in '.')");
        }

        if (binding.Settings.TryGetValue(ArmEndpointKey, out var endpoint)
            && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add($"settings.{ArmEndpointKey}: '{endpoint}' is not an https URL");
        }

        if (binding.Settings.TryGetValue(OperationTimeoutKey, out var timeout)
            && (!int.TryParse(timeout, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 1 || seconds > MaxOperationTimeoutSeconds))
        {
            problems.Add($"settings.{OperationTimeoutKey}: must be a whole number of seconds from 1 to {MaxOperationTimeoutSeconds} (was '{timeout}')");
        }

        if (binding.Groups.Count == 0)
        {
            problems.Add("groups: map each offering to a VM scale set (none given)");
        }

        foreach (var (offering, set) in binding.Groups.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            if (string.IsNullOrWhiteSpace(set) || !ScaleSetName().IsMatch(set))
            {
                problems.Add($"groups.{offering}: '{set}' is not a VM scale set name (letters, digits, '-', '_', '.', at most 64)");
            }
        }

        foreach (var shared in binding.Groups.GroupBy(g => g.Value, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add($"groups: offerings {string.Join(", ", shared.Select(g => $"'{g.Key}'"))} all map to scale set '{shared.Key}'; each offering needs its own scale set");
        }

        return problems;
    }

    public static AzureSettings Parse(ProviderBinding binding)
    {
        var problems = Validate(binding);
        if (problems.Count > 0)
        {
            throw new CloudProviderException($"provider 'azure' for scale group '{binding.ScaleGroup}': {string.Join("; ", problems)}", CloudErrorKind.InvalidRequest);
        }

        var s = binding.Settings;
        return new AzureSettings(
            s[SubscriptionKey],
            s[ResourceGroupKey],
            s.TryGetValue(ArmEndpointKey, out var endpoint) ? new Uri(endpoint) : null,
            s.TryGetValue(OperationTimeoutKey, out var timeout) ? TimeSpan.FromSeconds(int.Parse(timeout, CultureInfo.InvariantCulture)) : DefaultOperationTimeout);
    }

    [GeneratedRegex(@"^[-\w\._\(\)]{1,89}[-\w_\(\)]$|^[-\w_\(\)]$")]
    private static partial Regex ResourceGroupName();

    [GeneratedRegex(@"^[A-Za-z0-9][-A-Za-z0-9_\.]{0,63}$")]
    private static partial Regex ScaleSetName();
}
