using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Microsoft.Extensions.Time.Testing;

namespace Dso.Cloud.Resilience.Tests;

public sealed class ResilientCloudProviderTests
{
    private static readonly ApplyRequest Request = new("web", Fleet.Of(("c7g.large", 3)), "web@1");

    private static CloudResilienceOptions Options(int retries = 3) => new()
    {
        CallTimeout = TimeSpan.FromSeconds(5),
        MaxRetries = retries,
        BaseDelay = TimeSpan.FromMilliseconds(100),
        MaxDelay = TimeSpan.FromSeconds(30),
        BreakerMinimumThroughput = 100,
    };

    /// <summary>Runs a call on fake time, advancing the clock until it finishes; returns the result and the fake time it took.</summary>
    private static async Task<(Task Call, TimeSpan Took)> RunAsync(FakeTimeProvider time, Func<Task> call)
    {
        var start = time.GetUtcNow();
        var task = call();
        for (var i = 0; i < 10_000 && !task.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(1);
        }

        try
        {
            await task;
        }
        catch (Exception)
        {
            // the caller inspects the task
        }

        return (task, time.GetUtcNow() - start);
    }

    [Theory]
    [InlineData(CloudErrorKind.Throttled)]
    [InlineData(CloudErrorKind.Unavailable)]
    [InlineData(CloudErrorKind.Timeout)]
    [InlineData(CloudErrorKind.Conflict)]
    public async Task ApplyAsync_TransientKindTwice_RetriesAndSucceeds(CloudErrorKind kind)
    {
        var inner = new ScriptedProvider(new CloudProviderException("boom", kind), new CloudProviderException("boom", kind));
        var time = new FakeTimeProvider();
        var provider = new ResilientCloudProvider(inner, Options(), time: time);

        var (call, _) = await RunAsync(time, () => provider.ApplyAsync(Request, CancellationToken.None));

        Assert.True(call.IsCompletedSuccessfully, call.Exception?.ToString());
        Assert.Equal(3, inner.Calls);
    }

    [Theory]
    [InlineData(CloudErrorKind.Unauthorized)]
    [InlineData(CloudErrorKind.NotFound)]
    [InlineData(CloudErrorKind.InvalidRequest)]
    [InlineData(CloudErrorKind.InsufficientCapacity)]
    [InlineData(CloudErrorKind.Unknown)]
    public async Task ApplyAsync_TerminalKind_FailsAtOnceWithItsKind(CloudErrorKind kind)
    {
        var inner = new ScriptedProvider(new CloudProviderException("denied", kind));
        var time = new FakeTimeProvider();
        var provider = new ResilientCloudProvider(inner, Options(), time: time);

        var (call, _) = await RunAsync(time, () => provider.ApplyAsync(Request, CancellationToken.None));

        var error = Assert.IsType<CloudProviderException>(call.Exception?.InnerException);
        Assert.Equal(kind, error.Kind);
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task ApplyAsync_ThrottledWithRetryAfter_WaitsAsTheProviderAsked()
    {
        var retryAfter = TimeSpan.FromSeconds(4);
        var inner = new ScriptedProvider(new CloudProviderException("slow down", CloudErrorKind.Throttled, retryAfter: retryAfter));
        var time = new FakeTimeProvider();
        var provider = new ResilientCloudProvider(inner, Options(), time: time);

        var (call, took) = await RunAsync(time, () => provider.ApplyAsync(Request, CancellationToken.None));

        Assert.True(call.IsCompletedSuccessfully);
        Assert.True(took >= retryAfter, $"retried after {took}, the provider asked for {retryAfter}");
    }

    [Fact]
    public async Task ApplyAsync_ThrottledWithoutRetryAfter_BacksOffFromTheBaseDelay()
    {
        var inner = new ScriptedProvider(new CloudProviderException("slow down", CloudErrorKind.Throttled));
        var time = new FakeTimeProvider();
        var provider = new ResilientCloudProvider(inner, Options(), time: time);

        var (call, took) = await RunAsync(time, () => provider.ApplyAsync(Request, CancellationToken.None));

        Assert.True(call.IsCompletedSuccessfully);
        Assert.True(took < TimeSpan.FromSeconds(1), $"first retry of a 100 ms base delay took {took}");
    }

    [Fact]
    public async Task GetFleetAsync_ProviderHangs_TimesOutPerAttemptAndReportsTimeout()
    {
        var inner = new ScriptedProvider(null, null);
        var time = new FakeTimeProvider();
        var provider = new ResilientCloudProvider(inner, Options(retries: 1), time: time);

        var (call, took) = await RunAsync(time, () => provider.GetFleetAsync("web", CancellationToken.None));

        var error = Assert.IsType<CloudProviderException>(call.Exception?.InnerException);
        Assert.Equal(CloudErrorKind.Timeout, error.Kind);
        Assert.Contains("'web'", error.Message);
        Assert.Equal(2, inner.Calls);
        Assert.True(took >= TimeSpan.FromSeconds(10), $"two 5 s attempts took {took}");
    }

    [Fact]
    public async Task ApplyAsync_UnexpectedSdkException_BecomesTerminalCloudError()
    {
        var inner = new ScriptedProvider(new InvalidOperationException("sdk bug"));
        var time = new FakeTimeProvider();
        var provider = new ResilientCloudProvider(inner, Options(), time: time);

        var (call, _) = await RunAsync(time, () => provider.ApplyAsync(Request, CancellationToken.None));

        var error = Assert.IsType<CloudProviderException>(call.Exception?.InnerException);
        Assert.Equal(CloudErrorKind.Unknown, error.Kind);
        Assert.Contains("sdk bug", error.Message);
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task ApplyAsync_CallerCancels_CancellationEscapesWithoutRetry()
    {
        var inner = new ScriptedProvider([null]);
        var provider = new ResilientCloudProvider(inner, Options());
        using var cts = new CancellationTokenSource();

        var call = provider.ApplyAsync(Request, cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task ApplyAsync_RepeatedTransientFailures_OpenTheCircuitAndStopCallingTheProvider()
    {
        var inner = new ScriptedProvider { AlwaysThrow = new CloudProviderException("503", CloudErrorKind.Unavailable) };
        var time = new FakeTimeProvider();
        var options = Options(retries: 0);
        options.BreakerMinimumThroughput = 4;
        options.BreakerFailureRatio = 0.5;
        var provider = new ResilientCloudProvider(inner, options, time: time);

        var errors = new List<CloudProviderException>();
        for (var i = 0; i < 10; i++)
        {
            errors.Add(await Assert.ThrowsAsync<CloudProviderException>(() => provider.ApplyAsync(Request, CancellationToken.None)));
        }

        Assert.Equal(4, inner.Calls);
        Assert.Contains("circuit is open", errors[^1].Message);
        Assert.True(errors[^1].IsTransient);

        time.Advance(options.BreakDuration + TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<CloudProviderException>(() => provider.ApplyAsync(Request, CancellationToken.None));
        Assert.Equal(5, inner.Calls);
    }
}
