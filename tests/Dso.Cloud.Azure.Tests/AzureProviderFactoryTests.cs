using Dso.Abstractions.Cloud;

namespace Dso.Cloud.Azure.Tests;

public sealed class AzureProviderFactoryTests
{
    private const string Subscription = "00000000-1111-2222-3333-444444444444";
    private static readonly Dictionary<string, string> Groups = new() { ["Standard_D2s_v5"] = "web-d2" };

    [Fact]
    public void Validate_GoodBinding_HasNoProblems()
    {
        var problems = Factory().Validate(Binding(new()
        {
            ["subscription_id"] = Subscription,
            ["resource_group"] = "shop-rg",
            ["arm_endpoint"] = "https://management.usgovcloudapi.net/",
            ["operation_timeout_seconds"] = "30",
        }));

        Assert.Empty(problems);
    }

    [Theory]
    [InlineData("region", "westeurope", "settings.region: unknown setting for provider 'azure'")]
    [InlineData("client_secret", "hunter2", "settings.client_secret: unknown setting for provider 'azure'")]
    [InlineData("subscription_id", "my-subscription", "settings.subscription_id: 'my-subscription' is not a subscription id")]
    [InlineData("resource_group", "bad/group", "settings.resource_group: 'bad/group' is not a resource group name")]
    [InlineData("arm_endpoint", "http://management.azure.com", "settings.arm_endpoint: 'http://management.azure.com' is not an https URL")]
    [InlineData("operation_timeout_seconds", "0", "settings.operation_timeout_seconds: must be a whole number of seconds from 1 to 3600 (was '0')")]
    [InlineData("operation_timeout_seconds", "soon", "settings.operation_timeout_seconds: must be a whole number")]
    public void Validate_BadSetting_NamesTheSettingAndTheProblem(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string> { ["subscription_id"] = Subscription, ["resource_group"] = "shop-rg", [key] = value };

        var problems = Factory().Validate(Binding(settings));

        Assert.Contains(problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_MissingSettingsAndSharedScaleSet_ReportsEveryProblemAtOnce()
    {
        var problems = Factory().Validate(new ProviderBinding("azure", "web",
            new Dictionary<string, string> { ["Standard_D2s_v5"] = "web", ["Standard_D2s_v5/spot"] = "WEB" },
            new Dictionary<string, string>()));

        Assert.Contains(problems, p => p.StartsWith("settings.subscription_id: required", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("settings.resource_group: required", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("all map to scale set 'web'", StringComparison.Ordinal));
        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public void Validate_NoGroups_SaysToMapOfferings()
    {
        var problems = Factory().Validate(new ProviderBinding("azure", "web", new Dictionary<string, string>(),
            new Dictionary<string, string> { ["subscription_id"] = Subscription, ["resource_group"] = "shop-rg" }));

        Assert.Equal(["groups: map each offering to a VM scale set (none given)"], problems);
    }

    [Fact]
    public void Create_InvalidBinding_ThrowsTypedInvalidRequestInsteadOfCrashing()
    {
        var ex = Assert.Throws<CloudProviderException>(() => Factory().Create(Binding(new() { ["resource_group"] = "shop-rg" })));

        Assert.Equal(CloudErrorKind.InvalidRequest, ex.Kind);
        Assert.Contains("settings.subscription_id: required", ex.Message);
    }

    [Theory]
    [InlineData(429, null, "", CloudErrorKind.Throttled)]
    [InlineData(409, "OperationNotAllowed", "Operation could not be completed as it results in exceeding approved standardDSv5Family Cores quota.", CloudErrorKind.InsufficientCapacity)]
    [InlineData(200, "ZonalAllocationFailed", "", CloudErrorKind.InsufficientCapacity)]
    [InlineData(502, null, "", CloudErrorKind.Unavailable)]
    [InlineData(404, "ResourceGroupNotFound", "", CloudErrorKind.NotFound)]
    [InlineData(401, "InvalidAuthenticationToken", "", CloudErrorKind.Unauthorized)]
    public void Classify_ArmStatusAndCode_GivesTheKind(int status, string? code, string message, CloudErrorKind expected)
    {
        Assert.Equal(expected, ArmErrors.Classify(status, code, message));
    }

    private static AzureProviderFactory Factory() => new(TimeProvider.System);

    private static ProviderBinding Binding(Dictionary<string, string> settings) => new("azure", "web", Groups, settings);
}
