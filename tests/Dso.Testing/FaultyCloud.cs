using Dso.Abstractions.Cloud;

namespace Dso.Testing;

/// <summary>
/// Wraps a cloud and makes its applies fail as set in <see cref="Next"/> (the SDK boundary of a real adapter):
/// 5xx, throttling with Retry-After, a hang until cancelled, an SDK exception of another type, or a terminal
/// error. Counts what it injected, per kind.
/// </summary>
public sealed class FaultyCloud(ICloudProvider inner) : ICloudProvider
{
    public enum Fault
    {
        None,
        Unavailable,
        Throttled,
        Hang,
        Unexpected,
        Terminal,
    }

    public Fault Next { get; set; }

    public Dictionary<Fault, int> Injected { get; } = [];

    public string Name => inner.Name;

    public Task<FleetState> GetFleetAsync(string scaleGroup, CancellationToken cancellationToken) => inner.GetFleetAsync(scaleGroup, cancellationToken);

    public async Task<ApplyResult> ApplyAsync(ApplyRequest request, CancellationToken cancellationToken)
    {
        var fault = Next;
        if (fault != Fault.None)
        {
            Injected[fault] = Injected.GetValueOrDefault(fault) + 1;
        }

        switch (fault)
        {
            case Fault.Unavailable:
                throw new CloudProviderException("HTTP 503 from the provider", CloudErrorKind.Unavailable);
            case Fault.Throttled:
                throw new CloudProviderException("Rate exceeded", CloudErrorKind.Throttled, retryAfter: TimeSpan.FromMilliseconds(5)) { ProviderCode = "Throttling" };
            case Fault.Hang:
                await Task.Delay(Timeout.Infinite, cancellationToken);
                break;
            case Fault.Unexpected:
                throw new InvalidOperationException("sdk bug");
            case Fault.Terminal:
                throw new CloudProviderException("not authorized to SetDesiredCapacity", CloudErrorKind.Unauthorized);
        }

        return await inner.ApplyAsync(request, cancellationToken);
    }
}
