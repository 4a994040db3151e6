using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Prometheus;

namespace Dso.Cloud.Resilience.Tests;

public sealed class MeteredCloudProviderTests
{
    [Fact]
    public async Task Calls_AreCountedByOperationAndOutcome_AndTimed()
    {
        var registry = Metrics.NewCustomRegistry();
        var inner = new ScriptedProvider(new CloudProviderException("slow down", CloudErrorKind.Throttled), new InvalidOperationException("sdk bug"));
        var provider = new MeteredCloudProvider(inner, registry);
        var request = new ApplyRequest("web", Fleet.Of(("c7g.large", 2)), "web@1");

        await Assert.ThrowsAsync<CloudProviderException>(() => provider.ApplyAsync(request, CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => provider.ApplyAsync(request, CancellationToken.None));
        await provider.ApplyAsync(request, CancellationToken.None);
        await provider.GetFleetAsync("web", CancellationToken.None);

        var factory = Metrics.WithCustomRegistry(registry);
        var calls = factory.CreateCounter("dso_cloud_calls_total", "", "provider", "operation", "outcome");
        Assert.Equal(1, calls.WithLabels("scripted", "apply", "throttled").Value);
        Assert.Equal(1, calls.WithLabels("scripted", "apply", "error").Value);
        Assert.Equal(1, calls.WithLabels("scripted", "apply", "applied").Value);
        Assert.Equal(1, calls.WithLabels("scripted", "get_fleet", "ok").Value);
        var duration = factory.CreateHistogram("dso_cloud_call_duration_seconds", "", new HistogramConfiguration { LabelNames = ["provider", "operation"] });
        Assert.Equal(3, duration.WithLabels("scripted", "apply").Count);
    }
}
