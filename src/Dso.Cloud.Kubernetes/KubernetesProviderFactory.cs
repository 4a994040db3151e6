using Dso.Abstractions.Cloud;
using k8s;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dso.Cloud.Kubernetes;

/// <summary>
/// The <c>kubernetes</c> provider plug-in. Credentials come from the cluster's own chain: the kubeconfig named in
/// the settings (with its context), else the pod's service account when running in the cluster, else the default
/// kubeconfig (<c>KUBECONFIG</c> or <c>~/.kube/config</c>). A price per replica comes from the policy's catalog.
/// </summary>
internal sealed class KubernetesProviderFactory(TimeProvider time, ILoggerFactory? loggerFactory = null) : ICloudProviderFactory
{
    public const string ProviderName = "kubernetes";

    public string Name => ProviderName;

    public IReadOnlyList<string> Validate(ProviderBinding binding) => KubernetesSettings.Validate(binding);

    /// <summary>The API server's priority and fairness limits apply per cluster and user: one limiter per kubeconfig and context.</summary>
    public string AccountOf(ProviderBinding binding) =>
        $"{ProviderName}:{binding.Settings.GetValueOrDefault(KubernetesSettings.KubeconfigKey, "default")}:{binding.Settings.GetValueOrDefault(KubernetesSettings.ContextKey, "")}";

    public ICloudProvider Create(ProviderBinding binding)
    {
        var settings = KubernetesSettings.Parse(binding);
        KubernetesClientConfiguration config;
        try
        {
            config = settings.Kubeconfig is not null
                ? KubernetesClientConfiguration.BuildConfigFromConfigFile(settings.Kubeconfig, settings.Context)
                : settings.Context is null && KubernetesClientConfiguration.IsInCluster()
                    ? KubernetesClientConfiguration.InClusterConfig()
                    : KubernetesClientConfiguration.BuildConfigFromConfigFile(currentContext: settings.Context);
        }
        catch (Exception ex) when (ex is k8s.Exceptions.KubeConfigException or IOException or UnauthorizedAccessException or YamlDotNet.Core.YamlException)
        {
            throw new CloudProviderException(
                $"connecting scale group '{binding.ScaleGroup}' to Kubernetes: no usable cluster configuration ({ex.Message})", CloudErrorKind.Unauthorized, ex);
        }

        var client = new k8s.Kubernetes(config);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<KubernetesWorkloadProvider>();
        return new KubernetesWorkloadProvider(binding, new WorkloadApi(client, settings.Kind, settings.Namespace), time, logger);
    }
}
