using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Microsoft.Extensions.Time.Testing;

namespace Dso.Cloud.Kubernetes.Tests;

/// <summary>The adapter driven through the real client (via a kubeconfig file) against a local API-server endpoint.</summary>
public sealed class KubernetesWorkloadProviderTests : IAsyncLifetime
{
    private const string Ns = "shop";
    private const string Large = "c7g.large";
    private const string XLarge = "c7g.xlarge";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly string _kubeconfig = Path.Combine(Path.GetTempPath(), $"dso-k8s-{Guid.NewGuid():N}.yaml");
    private FakeApiServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeApiServer.StartAsync();
        File.WriteAllText(_kubeconfig, Kubeconfig(_server.Url, FakeApiServer.Token));
        _server.Add(Ns, "deployments", "web-large", replicas: 1, ready: 1);
        _server.Add(Ns, "deployments", "web-xlarge", replicas: 0, ready: 0);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        File.Delete(_kubeconfig);
    }

    [Fact]
    public async Task ApplyAsync_ScaleOutAcrossTwoOfferings_SetsReplicasAndAnnotatesDecision()
    {
        var provider = Create();

        var result = await provider.ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 3), (XLarge, 2)), "web@t1"), default);

        Assert.Equal(ApplyStatus.Applied, result.Status);
        Assert.Equal(4, result.Launched);
        Assert.Equal(Fleet.Of((Large, 3), (XLarge, 2)), result.After);
        Assert.Equal(3, _server.Workloads[$"{Ns}/deployments/web-large"].Replicas);
        Assert.Equal(2, _server.Workloads[$"{Ns}/deployments/web-xlarge"].Replicas);
        Assert.Equal("web@t1", _server.Workloads[$"{Ns}/deployments/web-xlarge"].Annotations[KubernetesWorkloadProvider.DecisionAnnotation]);
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
    public async Task ApplyAsync_Replacement_LowersOldOfferingOnlyAfterReplacementsAreReady()
    {
        _server.Workloads[$"{Ns}/deployments/web-large"].Replicas = 3;
        _server.Workloads[$"{Ns}/deployments/web-large"].Ready = 3;
        var provider = Create();

        var first = await provider.ApplyAsync(new ApplyRequest("web", Fleet.Of((XLarge, 2)), "web@t1"), default);

        Assert.Equal(ApplyStatus.Partial, first.Status);
        Assert.Equal(3, _server.Workloads[$"{Ns}/deployments/web-large"].Replicas);
        Assert.Equal(2, _server.Workloads[$"{Ns}/deployments/web-xlarge"].Replicas);

        var stillBooting = await provider.ApplyAsync(new ApplyRequest("web", Fleet.Of((XLarge, 2)), "web@t2"), default);
        Assert.Equal(ApplyStatus.Partial, stillBooting.Status);
        Assert.Equal(3, _server.Workloads[$"{Ns}/deployments/web-large"].Replicas);

        _server.MakeAllReady();
        var second = await provider.ApplyAsync(new ApplyRequest("web", Fleet.Of((XLarge, 2)), "web@t3"), default);

        Assert.Equal(ApplyStatus.Applied, second.Status);
        Assert.Equal(0, _server.Workloads[$"{Ns}/deployments/web-large"].Replicas);
        Assert.Equal(Fleet.Of((XLarge, 2)), second.After);
    }

    [Fact]
    public async Task GetFleetAsync_AfterRestart_ReadsFleetAndLastAppliedDecision()
    {
        await Create().ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 2), (XLarge, 1)), "web@t1"), default);
        _time.Advance(TimeSpan.FromMinutes(1));
        _server.MakeAllReady();
        await Create().ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 2), (XLarge, 3)), "web@t2"), default);

        var restarted = Create();
        var state = await restarted.GetFleetAsync("web", default);

        Assert.Equal(Fleet.Of((Large, 2), (XLarge, 3)), state.Fleet);
        Assert.Equal(Fleet.Of((Large, 2), (XLarge, 1)), state.Ready);
        Assert.Equal("web@t2", state.LastAppliedKey);
    }

    [Fact]
    public async Task GetFleetAsync_ReplicasChangedButConfirmationNeverWritten_ReadsTheIntentAsLastApplied()
    {
        await Create().ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 2)), "web@t1"), default);
        _time.Advance(TimeSpan.FromMinutes(1));
        // As a crash right after the replicas change: the confirming annotation patch never lands.
        _server.BeforePut = _ => _server.Fail("PATCH", "/deployments/web-large", 500, times: 20);
        await Assert.ThrowsAsync<CloudProviderException>(() => Create().ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 4)), "web@t2"), default));
        _server.BeforePut = null;

        var state = await Create().GetFleetAsync("web", default);

        Assert.Equal(4, _server.Workloads[$"{Ns}/deployments/web-large"].Replicas);
        Assert.Equal("web@t1", _server.Workloads[$"{Ns}/deployments/web-large"].Annotations[KubernetesWorkloadProvider.DecisionAnnotation]);
        Assert.Equal("web@t2", state.LastAppliedKey);
    }

    [Fact]
    public async Task GetFleetAsync_IntentWrittenButReplicasNeverChanged_KeepsThePreviousDecision()
    {
        await Create().ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 2)), "web@t1"), default);
        _time.Advance(TimeSpan.FromMinutes(1));
        // As a crash between the intent annotation and the replicas change.
        _server.Fail("PUT", "/deployments/web-large/scale", 500, times: 20);
        await Assert.ThrowsAsync<CloudProviderException>(() => Create().ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 4)), "web@t2"), default));

        var state = await Create().GetFleetAsync("web", default);

        Assert.Equal(2, _server.Workloads[$"{Ns}/deployments/web-large"].Replicas);
        Assert.StartsWith("web@t2|", _server.Workloads[$"{Ns}/deployments/web-large"].Annotations[KubernetesWorkloadProvider.IntentAnnotation], StringComparison.Ordinal);
        Assert.Equal("web@t1", state.LastAppliedKey);
    }

    [Fact]
    public async Task ApplyAsync_SameRequestTwice_ChangesReplicasOnce()
    {
        var provider = Create();
        var request = new ApplyRequest("web", Fleet.Of((Large, 3)), "web@t1");

        await provider.ApplyAsync(request, default);
        var again = await provider.ApplyAsync(request, default);

        Assert.Equal(ApplyStatus.NoChange, again.Status);
        Assert.Single(_server.Changes);
    }

    [Fact]
    public async Task ApplyAsync_StaleResourceVersion_ReReadsAndChangesExactlyOnce()
    {
        var provider = Create();
        var raced = false;
        _server.BeforePut = w =>
        {
            // Another writer (an annotation, a label) bumps the resourceVersion between our read and our write, once.
            if (!raced && w.Name == "web-large")
            {
                raced = true;
                w.ResourceVersion = "9999";
            }
        };

        var result = await provider.ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 5)), "web@t1"), default);

        Assert.Equal(ApplyStatus.Applied, result.Status);
        Assert.Equal(2, _server.Requests.Count(r => r == $"PUT /apis/apps/v1/namespaces/{Ns}/deployments/web-large/scale"));
        Assert.Equal([("web-large", 1, 5)], _server.Changes);
    }

    [Fact]
    public async Task ApplyAsync_ConflictWhereTheOtherWriterSetTheTarget_WritesNothing()
    {
        var provider = Create();
        _server.BeforePut = w =>
        {
            w.Replicas = 5;
            w.ResourceVersion = "9999";
        };

        var result = await provider.ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 5)), "web@t1"), default);

        Assert.Equal(ApplyStatus.NoChange, result.Status);
        Assert.Empty(_server.Changes);
    }

    [Fact]
    public async Task ApplyAsync_ConflictEveryTime_IsATypedConflictAfterBoundedAttempts()
    {
        _server.Fail("PUT", "/web-large/scale", 409, times: KubernetesWorkloadProvider.MaxConflictAttempts);

        var ex = await Assert.ThrowsAsync<CloudProviderException>(() => Create().ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 5)), "web@t1"), default));

        Assert.Equal(CloudErrorKind.Conflict, ex.Kind);
        Assert.True(ex.IsTransient);
        Assert.Contains("web-large", ex.Message);
        Assert.Empty(_server.Changes);
    }

    [Fact]
    public async Task GetFleetAsync_WorkloadMissing_IsTypedNotFound()
    {
        _server.Workloads.Remove($"{Ns}/deployments/web-xlarge");

        var ex = await Assert.ThrowsAsync<CloudProviderException>(() => Create().GetFleetAsync("web", default));

        Assert.Equal(CloudErrorKind.NotFound, ex.Kind);
        Assert.False(ex.IsTransient);
        Assert.Contains("shop/web-xlarge", ex.Message);
        Assert.Equal("NotFound", ex.ProviderCode);
    }

    [Fact]
    public async Task GetFleetAsync_WrongToken_IsTypedUnauthorized()
    {
        File.WriteAllText(_kubeconfig, Kubeconfig(_server.Url, "stolen-or-expired"));

        var ex = await Assert.ThrowsAsync<CloudProviderException>(() => Create().GetFleetAsync("web", default));

        Assert.Equal(CloudErrorKind.Unauthorized, ex.Kind);
        Assert.DoesNotContain("stolen-or-expired", ex.ToString());
    }

    [Fact]
    public async Task ApplyAsync_Throttled_CarriesRetryAfterAndChangesNothing()
    {
        _server.Fail("PUT", "/web-large/scale", 429, retryAfterSeconds: 7);

        var ex = await Assert.ThrowsAsync<CloudProviderException>(() => Create().ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 2)), "web@t1"), default));

        Assert.Equal(CloudErrorKind.Throttled, ex.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
        Assert.Empty(_server.Changes);
    }

    [Fact]
    public async Task ApplyAsync_RetriedAfterThrottlingAndServerError_AppliesExactlyOnce()
    {
        var provider = Create();
        _server.Fail("PUT", "/web-large/scale", 429, retryAfterSeconds: 1);
        _server.Fail("GET", "/web-large/scale", 503);
        var request = new ApplyRequest("web", Fleet.Of((Large, 4)), "web@t1");

        var result = await RetryTransientAsync(() => provider.ApplyAsync(request, default));

        Assert.Equal(ApplyStatus.Applied, result.Status);
        Assert.Equal([("web-large", 1, 4)], _server.Changes);
    }

    [Fact]
    public async Task ApplyAsync_ServerError_IsTransientUnavailable()
    {
        _server.Fail("GET", "/deployments/web-large", 500);

        var ex = await Assert.ThrowsAsync<CloudProviderException>(() => Create().ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 2)), "web@t1"), default));

        Assert.Equal(CloudErrorKind.Unavailable, ex.Kind);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task ApplyAsync_OfferingWithoutWorkload_IsInvalidRequestAndChangesNothing()
    {
        var ex = await Assert.ThrowsAsync<CloudProviderException>(() => Create().ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 2), ("m7g.large", 1)), "web@t1"), default));

        Assert.Equal(CloudErrorKind.InvalidRequest, ex.Kind);
        Assert.Contains("'m7g.large'", ex.Message);
        Assert.Empty(_server.Changes);
    }

    [Fact]
    public async Task GetFleetAsync_GarbageAnswer_IsTypedErrorNotACrash()
    {
        _server.Fail("GET", "/deployments/web-large", 200, body: "{\"spec\": {\"replicas\": \"many\"");

        var ex = await Assert.ThrowsAsync<CloudProviderException>(() => Create().GetFleetAsync("web", default));

        Assert.Contains("reading Deployment 'shop/web-large'", ex.Message);
    }

    [Fact]
    public async Task GetFleetAsync_ApiServerDown_IsTransientUnavailable()
    {
        var provider = Create();
        await _server.DisposeAsync();

        var ex = await Assert.ThrowsAsync<CloudProviderException>(() => provider.GetFleetAsync("web", default));

        Assert.Equal(CloudErrorKind.Unavailable, ex.Kind);
        _server = await FakeApiServer.StartAsync();
    }

    [Fact]
    public async Task ApplyAsync_StatefulSets_ScaleThroughTheirSubresource()
    {
        _server.Add(Ns, "statefulsets", "db-large", replicas: 1, ready: 1);
        var provider = Create(kind: "StatefulSet", groups: new() { [Large] = "db-large" });

        var result = await provider.ApplyAsync(new ApplyRequest("web", Fleet.Of((Large, 3)), "web@t1"), default);

        Assert.Equal(ApplyStatus.Applied, result.Status);
        Assert.Equal(3, _server.Workloads[$"{Ns}/statefulsets/db-large"].Replicas);
        Assert.Contains($"PUT /apis/apps/v1/namespaces/{Ns}/statefulsets/db-large/scale", _server.Requests);
    }

    private static async Task<ApplyResult> RetryTransientAsync(Func<Task<ApplyResult>> call)
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
            }
        }
    }

    private ICloudProvider Create(string kind = "Deployment", Dictionary<string, string>? groups = null) =>
        new KubernetesProviderFactory(_time).Create(new ProviderBinding(
            "kubernetes",
            "web",
            groups ?? new Dictionary<string, string> { [Large] = "web-large", [XLarge] = "web-xlarge" },
            new Dictionary<string, string> { ["kind"] = kind, ["namespace"] = Ns, ["kubeconfig"] = _kubeconfig }));

    private static string Kubeconfig(string server, string token) => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster:
            server: {server}
        contexts:
        - name: test
          context:
            cluster: test
            user: test
        current-context: test
        users:
        - name: test
          user:
            token: {token}
        """;
}
