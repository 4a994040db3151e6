using System.Net;
using System.Text;
using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Dso.Cloud.Aws;
using Dso.Cloud.Aws.AutoScaling;
using Dso.Integration.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dso.Integration.Tests.Aws;

/// <summary>Faults injected by an HTTP proxy between the client and moto: throttling (400) and 503 are retried and the change applied once.</summary>
public sealed class AwsFaultTests : IDisposable
{
    private readonly MotoServer _moto = new();
    private readonly MotoFleet _fleet;

    public AwsFaultTests() => _fleet = new MotoFleet(_moto);

    [Fact]
    public async Task Apply_ThrottledThenUnavailable_RetriedAndAppliedOnce()
    {
        await _fleet.CreateGroupsAsync(("shop-large", "t4g.large", 1));
        using var proxy = new CloudProxy(_moto.Url);
        var faults = new Queue<InjectedAnswer>([
            new InjectedAnswer(400, "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>"),
            new InjectedAnswer(503, "Service Unavailable", "text/plain"),
        ]);
        proxy.AnswerWhen(call => call.Action == "SetDesiredCapacity" && faults.TryDequeue(out var fault) ? fault : null);
        using var client = new AutoScalingClient(new AutoScalingClientOptions { Region = MotoServer.Region, ServiceUrl = proxy.Url, BackoffBase = TimeSpan.FromMilliseconds(10) });
        var binding = new ProviderBinding("aws", "shop", new Dictionary<string, string> { ["c7g.large"] = "shop-large" }, new Dictionary<string, string>());
        var provider = new AwsAutoScalingProvider(binding, new AutoScalingApi(client), TimeProvider.System, NullLogger<AwsAutoScalingProvider>.Instance);

        var result = await provider.ApplyAsync(new ApplyRequest("shop", Fleet.Of(("c7g.large", 5)), "shop@1"), default);

        Assert.Equal(ApplyStatus.Applied, result.Status);
        var sets = proxy.Calls.Where(c => c.Action == "SetDesiredCapacity").ToList();
        Assert.Equal(2, sets.Count(c => c.Injected is not null)); // the throttle and the 503 were answered by the proxy
        Assert.Single(sets, c => c.Injected is null); // and the retry reached moto exactly once
        Assert.Equal(5, await _fleet.DesiredAsync("shop-large"));
        Assert.Equal(5, await _fleet.RunningInstancesAsync());
    }

    public void Dispose()
    {
        _fleet.Dispose();
        _moto.Dispose();
    }
}
