using Dso.Abstractions.Cloud;
using global::Azure;
using global::Azure.ResourceManager;
using global::Azure.ResourceManager.Compute;
using global::Azure.ResourceManager.Compute.Models;

namespace Dso.Cloud.Azure;

/// <summary>The Azure Resource Manager calls the adapter makes on the scale sets of one resource group.</summary>
internal sealed class ScaleSetApi(ArmClient client, AzureSettings settings, TimeProvider time)
{
    private const string SucceededPrefix = "ProvisioningState/succeeded";
    private const string DeletingPrefix = "ProvisioningState/deleting";
    private const string ProvisioningPrefix = "ProvisioningState/";
    private const string FailedPrefix = "ProvisioningState/failed/";

    public string ResourceGroup => settings.ResourceGroup;

    public async Task<ScaleSetStatus> ReadAsync(string name, CancellationToken cancellationToken)
    {
        var set = Resource(name);
        var data = (await set.GetAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value.Data;
        var view = (await set.GetInstanceViewAsync(cancellationToken).ConfigureAwait(false)).Value;
        int succeeded = 0, provisioning = 0, deleting = 0;
        foreach (var status in view.VirtualMachineStatusesSummary ?? [])
        {
            var code = status.Code ?? "";
            if (!code.StartsWith(ProvisioningPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (code.StartsWith(SucceededPrefix, StringComparison.OrdinalIgnoreCase))
            {
                succeeded += status.Count ?? 0;
            }
            else if (code.StartsWith(DeletingPrefix, StringComparison.OrdinalIgnoreCase))
            {
                deleting += status.Count ?? 0;
            }
            else
            {
                provisioning += status.Count ?? 0;
            }
        }

        return new ScaleSetStatus(data.Sku?.Capacity ?? 0, data.ProvisioningState, new Dictionary<string, string>(data.Tags, StringComparer.Ordinal), succeeded, provisioning, deleting);
    }

    /// <summary>
    /// PATCHes sku.capacity with the decision's tags merged into the set's own (a PATCH replaces the whole tag set),
    /// then waits for the long-running operation up to the configured timeout. Returns false when the operation is
    /// still running at the timeout: Azure carries on, and the next tick reads the outcome back.
    /// </summary>
    public async Task<bool> SetCapacityAsync(string name, int capacity, IReadOnlyDictionary<string, string> tags, IReadOnlyDictionary<string, string> addTags, CancellationToken cancellationToken)
    {
        var patch = new VirtualMachineScaleSetPatch { Sku = new ComputeSku { Capacity = capacity } };
        foreach (var (key, value) in tags)
        {
            patch.Tags[key] = value;
        }

        foreach (var (key, value) in addTags)
        {
            patch.Tags[key] = value;
        }

        var operation = await Resource(name).UpdateAsync(WaitUntil.Started, patch, cancellationToken).ConfigureAwait(false);
        using var deadline = new CancellationTokenSource(settings.OperationTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await operation.WaitForCompletionAsync(linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (RequestFailedException failed) when (failed.ErrorCode is null)
        {
            // The SDK polls the set's provisioning state and only learns "Failed"; the reason (AllocationFailed,
            // SkuNotAvailable, a quota) is in the set's instance view, so the error can be classified by it.
            var (code, message) = await FailureAsync(name, cancellationToken).ConfigureAwait(false);
            throw new RequestFailedException(failed.Status, message ?? failed.Message, code, failed);
        }
    }

    private async Task<(string? Code, string? Message)> FailureAsync(string name, CancellationToken cancellationToken)
    {
        var view = (await Resource(name).GetInstanceViewAsync(cancellationToken).ConfigureAwait(false)).Value;
        foreach (var status in view.Statuses ?? [])
        {
            if (status.Code?.StartsWith(FailedPrefix, StringComparison.OrdinalIgnoreCase) == true)
            {
                return (status.Code[FailedPrefix.Length..], status.Message);
            }
        }

        return (null, null);
    }

    private VirtualMachineScaleSetResource Resource(string name) =>
        client.GetVirtualMachineScaleSetResource(VirtualMachineScaleSetResource.CreateResourceIdentifier(settings.SubscriptionId, settings.ResourceGroup, name));
}
