using Dso.Abstractions.Cloud;
using k8s;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dso.Cloud.Kubernetes;

/// <summary>
/// The <c>kubernetes</c> provider plug-in. Credentials come from the cluster's own chain: the kubeconfig named in
/// the settings (with its context), else the files in <c>KUBECONFIG</c>, else the pod's service account when running
/// in the cluster, else <c>~/.kube/config</c>. A price per replica comes from the policy's catalog.
/// </summary>
internal sealed class KubernetesProviderFactory(TimeProvider time, ILoggerFactory? loggerFactory = null) : ICloudProviderFactory
{
    public const string ProviderName = "kubernetes";

    /// <summary>The environment variable naming kubeconfig files, as for kubectl.</summary>
    public const string KubeconfigVariable = "KUBECONFIG";

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
            // BuildConfigFromConfigFile without a path reads only ~/.kube/config, so KUBECONFIG is honoured here, before
            // the in-cluster service account (of a ':'-separated list, the first file that exists; lists are not merged).
            config = settings.Kubeconfig is not null
                ? KubernetesClientConfiguration.BuildConfigFromConfigFile(settings.Kubeconfig, settings.Context)
                : Environment.GetEnvironmentVariable(KubeconfigVariable) is { Length: > 0 } list
                    ? KubernetesClientConfiguration.BuildConfigFromConfigFile(
                        list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(f => f.Trim('"')).FirstOrDefault(File.Exists)
                            ?? throw new IOException($"none of the files in {KubeconfigVariable} ({list}) exists"),
                        settings.Context)
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
