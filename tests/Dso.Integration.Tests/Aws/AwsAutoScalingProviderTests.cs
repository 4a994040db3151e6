using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Dso.Cloud.Aws;
using Dso.Integration.Tests.Infrastructure;

namespace Dso.Integration.Tests.Aws;

/// <summary>The aws provider against the real AWS emulator: groups, instances and tags are moto's, read back through the API.</summary>
public sealed class AwsAutoScalingProviderTests : IDisposable
{
    private const string Large = "c7g.large";
    private const string Spot = "c7g.large/spot";
    private const string XLarge = "c7g.xlarge";

    private readonly MotoServer _moto = new();
    private readonly MotoFleet _fleet;

    public AwsAutoScalingProviderTests() => _fleet = new MotoFleet(_moto);

    private ProviderBinding Binding(string largeGroup = "shop-large", Uri? endpoint = null) => new(
        "aws",
        "shop",
        new Dictionary<string, string> { [Large] = largeGroup, [Spot] = "shop-large-spot", [XLarge] = "shop-xlarge" },
        new Dictionary<string, string> { ["region"] = MotoServer.Region, ["endpoint_url"] = (endpoint ?? _moto.Url).ToString() })
    {
        Service = "shop",
    };

    private ICloudProvider NewProvider(ProviderBinding? binding = null) => new AwsProviderFactory().Create(binding ?? Binding());

    private Task CreateGroupsAsync() =>
        _fleet.CreateGroupsAsync(("shop-large", "t4g.large", 1), ("shop-large-spot", "t4g.large", 0), ("shop-xlarge", "t4g.xlarge", 0));

    [Fact]
    public async Task Apply_ScaleOutAcrossTwoTypesAndSpot_ThenIn_GroupsAndInstancesFollow()
    {
        await CreateGroupsAsync();
        var provider = NewProvider();

        var up = await provider.ApplyAsync(new ApplyRequest("shop", Fleet.Of((Large, 3), (Spot, 2), (XLarge, 1)), "shop@1"), default);
        Assert.Equal(ApplyStatus.Applied, up.Status);
        Assert.Equal((3, 2, 1), (await _fleet.DesiredAsync("shop-large"), await _fleet.DesiredAsync("shop-large-spot"), await _fleet.DesiredAsync("shop-xlarge")));
        Assert.Equal(6, await _fleet.RunningInstancesAsync());
        var state = await provider.GetFleetAsync("shop", default);
        Assert.Equal(Fleet.Of((Large, 3), (Spot, 2), (XLarge, 1)), state.Fleet);
        Assert.Equal(state.Fleet, state.Ready);

        var down = await provider.ApplyAsync(new ApplyRequest("shop", Fleet.Of((Large, 1), (XLarge, 1)), "shop@2"), default);
        Assert.Equal(ApplyStatus.Applied, down.Status);
        Assert.Equal(4, down.Terminated);
        Assert.Equal(2, await _fleet.RunningInstancesAsync());
        Assert.Equal(Fleet.Of((Large, 1), (XLarge, 1)), (await provider.GetFleetAsync("shop", default)).Fleet);
    }

    [Fact]
    public async Task Apply_SameRequestTwice_LaunchesOnce()
    {
        await CreateGroupsAsync();
        var provider = NewProvider();
        var request = new ApplyRequest("shop", Fleet.Of((Large, 4)), "shop@1");
        await provider.ApplyAsync(request, default);
        var again = await provider.ApplyAsync(request, default);
        Assert.Equal(ApplyStatus.NoChange, again.Status);
        Assert.Equal(4, await _fleet.RunningInstancesAsync());
    }

    [Fact]
    public async Task GetFleet_AfterRestart_ReadsStateAndTheLastAppliedDecision()
    {
        await CreateGroupsAsync();
        await NewProvider().ApplyAsync(new ApplyRequest("shop", Fleet.Of((Large, 2), (Spot, 1)), "shop@2026-11-30T10:00:00.000Z"), default);
        await NewProvider().ApplyAsync(new ApplyRequest("shop", Fleet.Of((Large, 2), (Spot, 1), (XLarge, 1)), "shop@2026-11-30T10:01:00.000Z"), default);

        var restarted = await NewProvider().GetFleetAsync("shop", default);
        Assert.Equal("shop@2026-11-30T10:01:00.000Z", restarted.LastAppliedKey);
        Assert.Equal(Fleet.Of((Large, 2), (Spot, 1), (XLarge, 1)), restarted.Fleet);
    }

    [Fact]
    public async Task GetFleet_CapacitySetButConfirmingTagNeverWritten_ReadsTheIntentAsLastApplied()
    {
        await CreateGroupsAsync();
        await NewProvider().ApplyAsync(new ApplyRequest("shop", Fleet.Of((Large, 2)), "shop@1"), default);
        using var proxy = new CloudProxy(_moto.Url);
        // As a crash right after SetDesiredCapacity: the confirming tag never reaches AWS.
        proxy.RefuseWhen(c => c.Action == "CreateOrUpdateTags" && c.Form("Tags.member.1.Key") == AwsSettings.DecisionTag);
        await Assert.ThrowsAsync<CloudProviderException>(() => NewProvider(Binding(endpoint: proxy.Url)).ApplyAsync(new ApplyRequest("shop", Fleet.Of((Large, 3)), "shop@2"), default));

        var restarted = await NewProvider().GetFleetAsync("shop", default);
        Assert.Equal(3, await _fleet.DesiredAsync("shop-large"));
        Assert.Equal("shop@2", restarted.LastAppliedKey);
    }

    [Fact]
    public async Task GetFleet_IntentWrittenButCapacityNeverSet_KeepsThePreviousDecision()
    {
        await CreateGroupsAsync();
        await NewProvider().ApplyAsync(new ApplyRequest("shop", Fleet.Of((Large, 2)), "shop@1"), default);
        using var proxy = new CloudProxy(_moto.Url);
        // As a crash between writing the intent and setting the capacity.
        proxy.RefuseWhen(c => c.Action == "SetDesiredCapacity");
        await Assert.ThrowsAsync<CloudProviderException>(() => NewProvider(Binding(endpoint: proxy.Url)).ApplyAsync(new ApplyRequest("shop", Fleet.Of((Large, 3)), "shop@2"), default));

        var restarted = await NewProvider().GetFleetAsync("shop", default);
        Assert.Equal(2, await _fleet.DesiredAsync("shop-large"));
        Assert.StartsWith("shop@2|", (await _fleet.GroupsAsync("shop-large"))["shop-large"].Tags[AwsSettings.IntentTag], StringComparison.Ordinal);
        Assert.Equal("shop@1", restarted.LastAppliedKey);
    }

    [Fact]
    public async Task GetFleet_GroupThatDoesNotExist_IsTypedNotFound()
    {
        await CreateGroupsAsync();
        var ex = await Assert.ThrowsAsync<CloudProviderException>(() => NewProvider(Binding(largeGroup: "no-such-group")).GetFleetAsync("shop", default));
        Assert.Equal(CloudErrorKind.NotFound, ex.Kind);
        Assert.False(ex.IsTransient);
        Assert.Contains("'no-such-group' (offering c7g.large) not found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_OfferingWithoutGroup_IsInvalidRequestAndChangesNothing()
    {
        await CreateGroupsAsync();
        var ex = await Assert.ThrowsAsync<CloudProviderException>(() => NewProvider().ApplyAsync(new ApplyRequest("shop", Fleet.Of(("m7g.large", 3)), "shop@1"), default));
        Assert.Equal(CloudErrorKind.InvalidRequest, ex.Kind);
        Assert.Equal(1, await _fleet.RunningInstancesAsync());
    }

    public void Dispose()
    {
        _fleet.Dispose();
        _moto.Dispose();
    }
}
