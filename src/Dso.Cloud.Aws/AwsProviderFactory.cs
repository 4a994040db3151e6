using Amazon.Runtime;
using Dso.Abstractions.Cloud;
using Dso.Cloud.Aws.AutoScaling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dso.Cloud.Aws;

/// <summary>
/// The <c>aws</c> provider plug-in: one EC2 Auto Scaling group per offering. Credentials come from the SDK's
/// default chain (environment, shared profile, SSO, web identity, instance or task role); the region from the
/// settings or the SDK's resolution. <paramref name="time"/> stamps the decision tags (default: the system clock).
/// </summary>
public sealed class AwsProviderFactory(ILoggerFactory? loggers = null, TimeProvider? time = null) : ICloudProviderFactory
{
    public const string ProviderName = "aws";

    public string Name => ProviderName;

    public IReadOnlyList<string> Validate(ProviderBinding binding) => AwsSettings.Validate(binding);

    public string AccountOf(ProviderBinding binding) => $"aws:{binding.Setting(AwsSettings.RegionKey) ?? "default-region"}:{binding.Setting(AwsSettings.EndpointKey) ?? ""}";

    public ICloudProvider Create(ProviderBinding binding)
    {
        var settings = AwsSettings.Parse(binding);
        AutoScalingClient client;
        try
        {
            client = new AutoScalingClient(new AutoScalingClientOptions { Region = settings.Region, ServiceUrl = settings.EndpointUrl });
        }
        catch (AmazonClientException ex)
        {
            throw new CloudProviderException($"connecting scale group '{binding.ScaleGroup}' to AWS: {ex.Message}", CloudErrorKind.Unauthorized, ex);
        }

        return new AwsAutoScalingProvider(binding, new AutoScalingApi(client), time ?? TimeProvider.System, (loggers ?? NullLoggerFactory.Instance).CreateLogger<AwsAutoScalingProvider>());
    }
}
