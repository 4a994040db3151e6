using Dso.Abstractions.Cloud;

namespace Dso.Cloud.Aws;

/// <summary>
/// The <c>aws</c> provider's settings: <c>region</c> (else the SDK's resolution: AWS_REGION, the profile) and
/// <c>endpoint_url</c> (a VPC endpoint or an emulator). Credentials are never settings: the SDK's chain finds them.
/// </summary>
internal sealed record AwsSettings(string? Region, Uri? EndpointUrl)
{
    public const string RegionKey = "region";
    public const string EndpointKey = "endpoint_url";

    /// <summary>The tag each changed group gets, holding the decision id that last changed it.</summary>
    public const string DecisionTag = "dso:decision";

    /// <summary>The tag written before a group's capacity is set: <c>decision id|time|target capacity</c>.</summary>
    public const string IntentTag = "dso:intent";

    public static readonly IReadOnlyList<string> Known = [RegionKey, EndpointKey];

    public static IReadOnlyList<string> Validate(ProviderBinding binding)
    {
        var problems = new List<string>();
        foreach (var key in binding.Settings.Keys.Where(k => !Known.Contains(k, StringComparer.Ordinal)).Order(StringComparer.Ordinal))
        {
            problems.Add($"settings.{key}: unknown setting for provider 'aws' (known: {string.Join(", ", Known)}; credentials come from the SDK's chain, never from the policy)");
        }

        if (binding.Setting(RegionKey) is { } region && (region.Length == 0 || !region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
        {
            problems.Add($"settings.{RegionKey}: '{region}' is not a region name like us-east-1");
        }

        if (binding.Setting(EndpointKey) is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            problems.Add($"settings.{EndpointKey}: '{url}' is not an http(s) URL");
        }

        if (binding.Groups.Count == 0)
        {
            problems.Add("groups: map each offering to an Auto Scaling group (none given)");
        }

        foreach (var (offering, group) in binding.Groups.Where(g => g.Value.Length is 0 or > 255))
        {
            problems.Add($"groups.{offering}: '{group}' is not an Auto Scaling group name (1 to 255 characters)");
        }

        return problems;
    }

    public static AwsSettings Parse(ProviderBinding binding) =>
        new(binding.Setting(RegionKey), binding.Setting(EndpointKey) is { } url ? new Uri(url) : null);
}
