using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;

namespace Dso.Cloud.Resilience.Tests;

/// <summary>A provider that fails with the queued exceptions, in order, then answers; null in the queue means "hang until cancelled".</summary>
internal sealed class ScriptedProvider(params Exception?[] failures) : ICloudProvider
{
    private readonly Queue<Exception?> _failures = new(failures);

    public int Calls { get; private set; }

    public Exception? AlwaysThrow { get; init; }

    public string Name => "scripted";

    public async Task<FleetState> GetFleetAsync(string scaleGroup, CancellationToken cancellationToken)
    {
        await FailOrHangAsync(cancellationToken);
        return new FleetState(scaleGroup, Fleet.Empty, Fleet.Empty, null);
    }

    public async Task<ApplyResult> ApplyAsync(ApplyRequest request, CancellationToken cancellationToken)
    {
        await FailOrHangAsync(cancellationToken);
        return new ApplyResult(ApplyStatus.Applied, request.Desired, request.Desired.Total, 0, "applied");
    }

    private async Task FailOrHangAsync(CancellationToken cancellationToken)
    {
        Calls++;
        if (AlwaysThrow is not null)
        {
            throw AlwaysThrow;
        }

        if (_failures.Count == 0)
        {
            return;
        }

        var next = _failures.Dequeue();
        if (next is null)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        throw next!;
    }
}
