using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using global::Azure.Core;
using global::Azure.Core.Pipeline;
using Microsoft.Extensions.Time.Testing;

namespace Dso.Cloud.Azure.Tests;

/// <summary>The adapter driven through the real Azure SDK (ArmClient, LRO poller) against a local HTTPS ARM endpoint.</summary>
public sealed class AzureScaleSetProviderTests : IAsyncLifetime
{
    private const string Subscription = "00000000-1111-2222-3333-444444444444";
    private const string ResourceGroup = "shop-rg";
    private const string Large = "Standard_D2s_v5";
    private const string XLarge = "Standard_D4s_v5";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private FakeArmServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeArmServer.StartAsync();
        _server.Add("web-d2", capacity: 1, succeeded: 1);
        _server.Add("web-d4", capacity: 0, succeeded: 0);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ApplyAsync_ScaleOutAcrossTwoOfferings_PatchesCapacityAndTagsDecision()
    {
        var provider = Create();

        var result = await provider.ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 3), (XLarge, 2)), "web@t1"), default);

        Assert.Equal(ApplyStatus.Applied, result.Status);
        Assert.Equal(4, result.Launched);
        Assert.Equal(Fleet.Of((Large, 3), (XLarge, 2)), result.After);
        Assert.Equal(3, _server.Sets["web-d2"].Capacity);
        Assert.Equal(2, _server.Sets["web-d4"].Capacity);
        Assert.Equal("web@t1", _server.Sets["web-d4"].Tags[AzureScaleSetProvider.DecisionTag]);
        Assert.Equal("shop-team", _server.Sets["web-d4"].Tags["owner"]);
        Assert.Equal("Succeeded", _server.Sets["web-d4"].ProvisioningState);
        var state = await provider.GetFleetAsync("web", default);
        Assert.Equal(Fleet.Of((Large, 1)), state.Ready);
    }

    [Fact]
    public async Task ApplyAsync_ScaleInWithEverythingReady_LowersAtOnce()
    {
        var provider = Create();
        await provider.ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 4), (XLarge, 2)), "web@t1"), default);
        _server.MakeAllReady();

        var result = await provider.ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 2), (XLarge, 1)), "web@t2"), default);

        Assert.Equal(ApplyStatus.Applied, result.Status);
        Assert.Equal(3, result.Terminated);
        Assert.Equal(Fleet.Of((Large, 2), (XLarge, 1)), (await provider.GetFleetAsync("web", default)).Fleet);
    }

    [Fact]
    public async Task ApplyAsync_Replacement_LowersOldSetOnlyAfterReplacementsSucceeded()
    {
        _server.Sets["web-d2"].Capacity = 3;
        _server.Sets["web-d2"].Succeeded = 3;
        var provider = Create();

        var first = await provider.ApplyAsync(new ApplyRequest("web", Fleet.Of((XLarge, 2)), "web@t1"), default);

        Assert.Equal(ApplyStatus.Partial, first.Status);
        Assert.Equal(3, _server.Sets["web-d2"].Capacity);
        Assert.Equal(2, _server.Sets["web-d4"].Capacity);

        _server.MakeAllReady();
        var second = await provider.ApplyAsync(new ApplyRequest("web", Fleet.Of((XLarge, 2)), "web@t2"), default);

        Assert.Equal(ApplyStatus.Applied, second.Status);
        Assert.Equal(0, _server.Sets["web-d2"].Capacity);
        Assert.Equal(Fleet.Of((XLarge, 2)), second.After);
    }

    [Fact]
    public async Task GetFleetAsync_AfterRestart_ReadsFleetAndLastAppliedDecision()
    {
        await Create().ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 2), (XLarge, 1)), "web@t1"), default);
        _time.Advance(TimeSpan.FromMinutes(1));
        _server.MakeAllReady();
        await Create().ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 2), (XLarge, 3)), "web@t2"), default);

        var state = await Create().GetFleetAsync("web", default);

        Assert.Equal(Fleet.Of((Large, 2), (XLarge, 3)), state.Fleet);
        Assert.Equal(Fleet.Of((Large, 2), (XLarge, 1)), state.Ready);
        Assert.Equal("web@t2", state.LastAppliedKey);
    }

    [Fact]
    public async Task ApplyAsync_SameRequestTwice_PatchesOnce()
    {
        var provider = Create();
        var request = new ApplyRequest("web", Fleet.Of((Large, 3)), "web@t1");

        await provider.ApplyAsync(request, default);
        var again = await provider.ApplyAsync(request, default);

        Assert.Equal(ApplyStatus.NoChange, again.Status);
        Assert.Single(_server.Changes);
    }

    [Fact]
    public async Task ApplyAsync_ThrottledThenConflictThenRetried_ChangesCapacityExactlyOnce()
    {
        var provider = Create();
        _server.Fail("PATCH", "/web-d2", 429, "TooManyRequests", "Too many requests", retryAfterSeconds: 3);
        _server.Fail("PATCH", "/web-d2", 409, "OperationNotAllowed", "Another operation is in progress on the scale set.");
        var request = new ApplyRequest("web", Fleet.Of((Large, 4)), "web@t1");

        var kinds = new List<CloudErrorKind>();
        var result = await RetryTransientAsync(() => provider.ApplyAsync(request, default), kinds);

        Assert.Equal([CloudErrorKind.Throttled, CloudErrorKind.Conflict], kinds);
        Assert.Equal(ApplyStatus.Applied, result.Status);
        Assert.Equal([("web-d2", 1L, 4L)], _server.Changes);
    }

    [Fact]
    public async Task ApplyAsync_AnswerLostAfterThePatchTookEffect_RetryChangesNothingMore()
    {
        var provider = Create();
        _server.Fail("PATCH", "/web-d2", 500, "InternalServerError", "The answer was lost.", afterApplying: true);
        var request = new ApplyRequest("web", Fleet.Of((Large, 3)), "web@t1");

        var kinds = new List<CloudErrorKind>();
        var result = await RetryTransientAsync(() => provider.ApplyAsync(request, default), kinds);

        Assert.Equal([CloudErrorKind.Unavailable], kinds);
        Assert.Equal(Fleet.Of((Large, 3)), result.After);
        Assert.Equal([("web-d2", 1L, 3L)], _server.Changes);
    }

    [Fact]
    public async Task ApplyAsync_Throttled_CarriesRetryAfterFromTheSdk()
    {
        _server.Fail("PATCH", "/web-d2", 429, "TooManyRequests", "Too many requests", retryAfterSeconds: 17);

        var ex = await Assert.ThrowsAsync<CloudProviderException>(() => Create().ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 2)), "web@t1"), default));

        Assert.Equal(CloudErrorKind.Throttled, ex.Kind);
        Assert.Equal(TimeSpan.FromSeconds(17), ex.RetryAfter);
        Assert.Equal("TooManyRequests", ex.ProviderCode);
        Assert.Contains("setting VM scale set 'shop-rg/web-d2' to capacity 2", ex.Message);
        Assert.Empty(_server.Changes);
    }

    [Fact]
    public async Task GetFleetAsync_ScaleSetMissing_IsTypedNotFound()
    {
        _server.Sets.Remove("web-d4");

        var ex = await Assert.ThrowsAsync<CloudProviderException>(() => Create().GetFleetAsync("web", default));

        Assert.Equal(CloudErrorKind.NotFound, ex.Kind);
        Assert.False(ex.IsTransient);
        Assert.Equal("ResourceNotFound", ex.ProviderCode);
        Assert.Contains("shop-rg/web-d4", ex.Message);
    }

    [Fact]
    public async Task GetFleetAsync_RejectedToken_IsTypedUnauthorizedWithoutTheToken()
    {
        var ex = await Assert.ThrowsAsync<CloudProviderException>(() => Create(token: "expired-secret-token").GetFleetAsync("web", default));

        Assert.Equal(CloudErrorKind.Unauthorized, ex.Kind);
        Assert.Equal("InvalidAuthenticationToken", ex.ProviderCode);
        Assert.DoesNotContain("expired-secret-token", ex.ToString());
    }

    [Theory]
    [InlineData(503, "ServiceUnavailable", CloudErrorKind.Unavailable)]
    [InlineData(400, "InvalidParameter", CloudErrorKind.InvalidRequest)]
    [InlineData(409, "SkuNotAvailable", CloudErrorKind.InsufficientCapacity)]
    [InlineData(409, "OperationNotAllowed", CloudErrorKind.Conflict)]
    [InlineData(403, "AuthorizationFailed", CloudErrorKind.Unauthorized)]
    public async Task ApplyAsync_ArmError_IsMappedToItsKind(int status, string code, CloudErrorKind expected)
    {
        _server.Fail("PATCH", "/web-d2", status, code);

        var ex = await Assert.ThrowsAsync<CloudProviderException>(() => Create().ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 2)), "web@t1"), default));

        Assert.Equal(expected, ex.Kind);
        Assert.Equal(code, ex.ProviderCode);
    }

    [Fact]
    public async Task ApplyAsync_OperationFailsWithAllocationFailure_IsInsufficientCapacity()
    {
        _server.FailOperationWith = "AllocationFailed";

        var ex = await Assert.ThrowsAsync<CloudProviderException>(() => Create().ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 5)), "web@t1"), default));

        Assert.Equal(CloudErrorKind.InsufficientCapacity, ex.Kind);
        Assert.Equal("AllocationFailed", ex.ProviderCode);
    }

    [Fact]
    public async Task ApplyAsync_OperationOutlastsTimeout_ReturnsAndNextTickReadsItBack()
    {
        _server.PollsInProgress = -1;
        var provider = Create(time: TimeProvider.System, timeoutSeconds: 1);

        var result = await provider.ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 3)), "web@t1"), default);

        Assert.Equal(ApplyStatus.Applied, result.Status);
        Assert.Contains("still provisioning: web-d2", result.Message);
        Assert.Equal(Fleet.Of((Large, 3)), (await provider.GetFleetAsync("web", default)).Fleet);
    }

    [Fact]
    public async Task ApplyAsync_OfferingWithoutScaleSet_IsInvalidRequestAndPatchesNothing()
    {
        var ex = await Assert.ThrowsAsync<CloudProviderException>(() => Create().ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 2), ("Standard_F2s_v2", 1)), "web@t1"), default));

        Assert.Equal(CloudErrorKind.InvalidRequest, ex.Kind);
        Assert.Contains("'Standard_F2s_v2'", ex.Message);
        Assert.Empty(_server.Changes);
    }

    [Fact]
    public async Task GetFleetAsync_EndpointDown_IsTransientUnavailable()
    {
        var provider = Create();
        await _server.DisposeAsync();

        var ex = await Assert.ThrowsAsync<CloudProviderException>(() => provider.GetFleetAsync("web", default));

        Assert.True(ex.IsTransient, ex.Kind.ToString());
        _server = await FakeArmServer.StartAsync();
    }

    private static async Task<ApplyResult> RetryTransientAsync(Func<Task<ApplyResult>> call, List<CloudErrorKind> seen)
    {
        // Stands in for the resilience pipeline: transient kinds are retried, the adapter must stay level-based.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (CloudProviderException ex) when (ex.IsTransient && attempt < 5)
            {
                seen.Add(ex.Kind);
            }
        }
    }

    private ICloudProvider Create(string token = FakeArmServer.Token, TimeProvider? time = null, int? timeoutSeconds = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["subscription_id"] = Subscription,
            ["resource_group"] = ResourceGroup,
            ["arm_endpoint"] = _server.Url,
        };
        if (timeoutSeconds is { } seconds)
        {
            settings["operation_timeout_seconds"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var thumbprint = _server.Certificate.Thumbprint;
        var factory = new AzureProviderFactory(time ?? _time, credential: new StaticTokenCredential(token), configure: options =>
            options.Transport = new HttpClientTransport(new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == thumbprint,
            }));
        return factory.Create(new ProviderBinding("azure", "web", new Dictionary<string, string> { [Large] = "web-d2", [XLarge] = "web-d4" }, settings));
    }

    private sealed class StaticTokenCredential(string token) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
