using System.Globalization;
using Dso.Cloud.Resilience;
using Microsoft.Extensions.Options;

namespace Dso.Controller.Settings;

/// <summary>
/// Checks each provider's own limit under <c>Cloud:RateLimits:Providers</c>, which the data annotations do not reach
/// (they stop at the section's own properties): every bad field of every provider, each named by its key.
/// </summary>
internal sealed class CloudRateLimitOptionsValidator : IValidateOptions<CloudRateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, CloudRateLimitOptions options)
    {
        var errors = new List<string>();
        foreach (var (provider, limit) in options.Providers.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var key = $"{CloudRateLimitOptions.Section}:Providers:{provider}";
            if (limit.PermitsPerSecond is not (>= 0 and <= 10_000))
            {
                errors.Add($"{key}:PermitsPerSecond must be 0-10000, 0 for no limit (was {limit.PermitsPerSecond.ToString(CultureInfo.InvariantCulture)})");
            }

            if (limit.Burst is not (>= 1 and <= 100_000))
            {
                errors.Add($"{key}:Burst must be 1-100000 (was {limit.Burst})");
            }

            if (limit.QueueLimit is not (>= 0 and <= 100_000))
            {
                errors.Add($"{key}:QueueLimit must be 0-100000 (was {limit.QueueLimit})");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
