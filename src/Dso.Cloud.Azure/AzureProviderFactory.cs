using Dso.Abstractions.Cloud;
using global::Azure.Core;
using global::Azure.Identity;
using global::Azure.ResourceManager;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dso.Cloud.Azure;

/// <summary>
/// The <c>azure</c> provider plug-in. Credentials come only from <see cref="DefaultAzureCredential"/> (environment,
/// workload identity, managed identity, Azure CLI, ...), shared by every binding so tokens are cached once.
/// The SDK's own retries are off: the resilience pipeline around every provider is the one place that retries,
/// honouring the Retry-After this adapter passes on.
/// </summary>
internal sealed class AzureProviderFactory : ICloudProviderFactory
{
    public const string ProviderName = "azure";

    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly Lazy<TokenCredential> _credential;
    private readonly Action<ArmClientOptions>? _configure;

    public AzureProviderFactory(TimeProvider time, ILoggerFactory? loggerFactory = null, TokenCredential? credential = null, Action<ArmClientOptions>? configure = null)
    {
        _time = time;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _credential = new Lazy<TokenCredential>(() => credential ?? new DefaultAzureCredential());
        _configure = configure;
    }

    public string Name => ProviderName;

    public IReadOnlyList<string> Validate(ProviderBinding binding) => AzureSettings.Validate(binding);

    /// <summary>ARM throttles per subscription (and principal), so services in one subscription share a limiter.</summary>
    public string AccountOf(ProviderBinding binding) =>
        $"{ProviderName}:{binding.Settings.GetValueOrDefault(AzureSettings.SubscriptionKey, "")}";

    public ICloudProvider Create(ProviderBinding binding)
    {
        var settings = AzureSettings.Parse(binding);
        var options = new ArmClientOptions();
        options.Retry.MaxRetries = 0;
        if (settings.ArmEndpoint is { } endpoint)
        {
            options.Environment = new ArmEnvironment(endpoint, endpoint.GetLeftPart(UriPartial.Authority) + "/");
        }

        _configure?.Invoke(options);
        var client = new ArmClient(_credential.Value, settings.SubscriptionId, options);
        return new AzureScaleSetProvider(binding, new ScaleSetApi(client, settings, _time), _time, _loggerFactory.CreateLogger<AzureScaleSetProvider>());
    }
}
