namespace Dso.Cloud.Azure;

/// <summary>
/// A scale set as read back: its capacity (sku.capacity), provisioning state, tags, and its VMs counted by
/// provisioning state from the instance view (succeeded = ready; creating/updating = booting; deleting = gone).
/// </summary>
internal sealed record ScaleSetStatus(long Capacity, string? ProvisioningState, IReadOnlyDictionary<string, string> Tags, int Succeeded, int Provisioning, int Deleting)
{
    /// <summary>
    /// Billed instances: those not being deleted, but never more than the larger of capacity and ready ones, so the
    /// extra VMs a scale set over-provisions while it creates (and deletes right after) are not counted.
    /// </summary>
    public int Billed => (int)Math.Min(Succeeded + Provisioning, Math.Max(Capacity, Succeeded));

    public int Ready => Math.Min(Succeeded, Billed);
}
