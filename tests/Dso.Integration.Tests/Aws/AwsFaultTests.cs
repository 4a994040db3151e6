using System.Net;
using System.Text;
using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Dso.Cloud.Aws;
using Dso.Cloud.Aws.AutoScaling;
using Dso.Integration.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dso.Integration.Tests.Aws;

/// <summary>Faults injected between the client and moto: throttling and 503 are retried and the change applied once.</summary>
public sealed class AwsFaultTests : IDisposable
{
    private readonly MotoServer _moto = new();
    private readonly MotoFleet _fleet;

    public AwsFaultTests() => _fleet = new MotoFleet(_moto);

    [Fact]
    public async Task Apply_ThrottledThenUnavailable_RetriedAndAppliedOnce()
    {
        await _fleet.CreateGroupsAsync(("shop-large", "t4g.large", 1));
        using var faults = new FaultingHandler(["Throttling", "503"]);
        using var client = new AutoScalingClient(new AutoScalingClientOptions { Region = MotoServer.Region, ServiceUrl = _moto.Url, BackoffBase = TimeSpan.FromMilliseconds(10) }, faults);
        var binding = new ProviderBinding("aws", "shop", new Dictionary<string, string> { ["c7g.large"] = "shop-large" }, new Dictionary<string, string>());
        var provider = new AwsAutoScalingProvider(binding, new AutoScalingApi(client), TimeProvider.System, NullLogger<AwsAutoScalingProvider>.Instance);

        var result = await provider.ApplyAsync(new ApplyRequest("shop", Fleet.Of(("c7g.large", 5)), "shop@1"), default);

        Assert.Equal(ApplyStatus.Applied, result.Status);
        Assert.Equal(2, faults.Injected);
        Assert.Equal(5, await _fleet.DesiredAsync("shop-large"));
        Assert.Equal(5, await _fleet.RunningInstancesAsync());
    }

    public void Dispose()
    {
        _fleet.Dispose();
        _moto.Dispose();
    }

    /// <summary>Answers the first SetDesiredCapacity calls with the given faults (an AWS Throttling error, a bare 503), then forwards.</summary>
    private sealed class FaultingHandler(string[] faults) : DelegatingHandler(new HttpClientHandler())
    {
        public int Injected { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            if (body.Contains("Action=SetDesiredCapacity", StringComparison.Ordinal) && Injected < faults.Length)
            {
                var fault = faults[Injected++];
                return fault == "503"
                    ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("Service Unavailable") }
                    : new HttpResponseMessage(HttpStatusCode.BadRequest)
                    {
                        Content = new StringContent($"<ErrorResponse><Error><Type>Sender</Type><Code>{fault}</Code><Message>Rate exceeded</Message></Error></ErrorResponse>", Encoding.UTF8, "text/xml"),
                    };
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
