using Dso.Abstractions.Cloud;

namespace Dso.Cloud.Kubernetes.Tests;

public sealed class KubernetesProviderFactoryTests
{
    private static readonly Dictionary<string, string> Groups = new() { ["c7g.large"] = "web-large" };

    [Fact]
    public void Validate_GoodBinding_HasNoProblems()
    {
        var problems = Factory().Validate(Binding(new() { ["namespace"] = "shop", ["kind"] = "statefulset" }));

        Assert.Empty(problems);
    }

    [Theory]
    [InlineData("region", "us-east-1", "settings.region: unknown setting for provider 'kubernetes'")]
    [InlineData("kind", "ReplicaSet", "settings.kind: must be Deployment or StatefulSet (was 'ReplicaSet')")]
    [InlineData("kind", "1", "settings.kind: must be Deployment or StatefulSet (was '1')")]
    [InlineData("kubeconfig", "/nonexistent/kubeconfig", "settings.kubeconfig: file '/nonexistent/kubeconfig' does not exist")]
    [InlineData("context", " ", "settings.context: must not be empty")]
    public void Validate_BadSetting_NamesTheSettingAndTheProblem(string key, string value, string expected)
    {
        var problems = Factory().Validate(Binding(new() { ["namespace"] = "shop", [key] = value }));

        Assert.Contains(problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_MissingNamespaceAndBadGroups_ReportsEveryProblemAtOnce()
    {
        var problems = Factory().Validate(new ProviderBinding("kubernetes", "web",
            new Dictionary<string, string> { ["c7g.large"] = "Web_Large", ["c7g.xlarge"] = "web", ["c7g.2xlarge"] = "web" },
            new Dictionary<string, string>()));

        Assert.Contains(problems, p => p.StartsWith("settings.namespace: required", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("groups.c7g.large: 'Web_Large' is not a valid workload name", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("all map to 'web'", StringComparison.Ordinal));
        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public void Validate_NoGroups_SaysToMapOfferings()
    {
        var problems = Factory().Validate(new ProviderBinding("kubernetes", "web", new Dictionary<string, string>(), new Dictionary<string, string> { ["namespace"] = "shop" }));

        Assert.Equal(["groups: map each offering to a Deployment or StatefulSet (none given)"], problems);
    }

    [Fact]
    public void Create_InvalidBinding_ThrowsTypedInvalidRequestInsteadOfCrashing()
    {
        var ex = Assert.Throws<CloudProviderException>(() => Factory().Create(Binding(new() { ["kind"] = "Pod" })));

        Assert.Equal(CloudErrorKind.InvalidRequest, ex.Kind);
        Assert.Contains("settings.namespace: required", ex.Message);
    }

    [Fact]
    public void Create_UnreadableKubeconfig_ThrowsTypedError()
    {
        var path = Path.GetTempFileName();
        File.WriteAllText(path, "clusters: [ {{ not yaml");
        try
        {
            var ex = Assert.Throws<CloudProviderException>(() => Factory().Create(Binding(new() { ["namespace"] = "shop", ["kubeconfig"] = path })));

            Assert.Contains("no usable cluster configuration", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static KubernetesProviderFactory Factory() => new(TimeProvider.System);

    private static ProviderBinding Binding(Dictionary<string, string> settings) => new("kubernetes", "web", Groups, settings);
}
