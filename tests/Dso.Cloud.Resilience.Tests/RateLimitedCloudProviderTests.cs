using System.Diagnostics;
using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;

namespace Dso.Cloud.Resilience.Tests;

/// <summary>One token bucket per provider account, shared by the services on it and by no one else.</summary>
public sealed class RateLimitedCloudProviderTests
{
    [Fact]
    public async Task Calls_TwoServicesOnOneAccount_ShareTheBucket_AnotherAccountHasItsOwn()
    {
        // Three tokens and practically no refill, no queue: the fourth call on an account is refused at once.
        using var limiters = new CloudRateLimiters(new CloudRateLimitOptions { PermitsPerSecond = 0.0001, Burst = 3, QueueLimit = 0 });
        var checkout = new ScriptedProvider().WithRateLimit(limiters, "aws", "aws:us-east-1");
        var search = new ScriptedProvider().WithRateLimit(limiters, "aws", "aws:us-east-1");
        var europe = new ScriptedProvider().WithRateLimit(limiters, "aws", "aws:eu-west-1");

        await checkout.GetFleetAsync("checkout", default);
        await checkout.ApplyAsync(new ApplyRequest("checkout", Fleet.Of(("m", 2)), "k1"), default);
        await search.GetFleetAsync("search", default);
        var refused = await Assert.ThrowsAsync<CloudProviderException>(() => search.GetFleetAsync("search", default));
        Assert.Equal(CloudErrorKind.Throttled, refused.Kind);
        Assert.True(refused.IsTransient);
        Assert.Contains("aws:us-east-1", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<CloudProviderException>(() => checkout.GetFleetAsync("checkout", default));

        for (var i = 0; i < 3; i++)
        {
            await europe.GetFleetAsync("europe", default);
        }
    }

    [Fact]
    public async Task Calls_BeyondTheBurst_WaitForTokensAcrossServices()
    {
        // 20 calls/s, burst 1: 20 calls from two services on one account need about 19 refills (~0.95 s).
        using var limiters = new CloudRateLimiters(new CloudRateLimitOptions { PermitsPerSecond = 20, Burst = 1, QueueLimit = 100 });
        var a = new ScriptedProvider();
        var b = new ScriptedProvider();
        var limitedA = a.WithRateLimit(limiters, "kubernetes", "k8s:prod");
        var limitedB = b.WithRateLimit(limiters, "kubernetes", "k8s:prod");
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 10).SelectMany(_ => new[] { limitedA.GetFleetAsync("a", default), limitedB.GetFleetAsync("b", default) }));
        Assert.Equal(20, a.Calls + b.Calls);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.8), $"20 calls at 20/s with burst 1 took only {clock.Elapsed.TotalSeconds:0.00}s");
    }

    [Fact]
    public void WithRateLimit_SimulatedOrZeroRate_IsNotWrapped()
    {
        using var limiters = new CloudRateLimiters(new CloudRateLimitOptions());
        var simulated = new ScriptedProvider();
        Assert.Same(simulated, simulated.WithRateLimit(limiters, "simulated", "simulated"));
        using var off = new CloudRateLimiters(new CloudRateLimitOptions { Providers = { ["aws"] = new CloudRateLimit { PermitsPerSecond = 0 } } });
        var aws = new ScriptedProvider();
        Assert.Same(aws, aws.WithRateLimit(off, "aws", "aws:us-east-1"));
        Assert.NotSame(aws, aws.WithRateLimit(limiters, "aws", "aws:us-east-1"));
    }
}
