namespace Dso.Policies.Model;

/// <summary>How a service's decisions reach the cloud, so operators can adopt the product gradually.</summary>
public enum ApplyMode
{
    /// <summary>Every decision is applied.</summary>
    Auto,

    /// <summary>Decide and log "would apply ..."; never call a mutating cloud API (like a forecast-only mode).</summary>
    DryRun,

    /// <summary>Changes above the approval thresholds wait for an operator; smaller ones apply at once.</summary>
    Approve,
}
