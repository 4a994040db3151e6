namespace Dso.Policies.Model;

public enum ExperimentDesignKind
{
    /// <summary>One fleet, variants alternating in randomly ordered blocks of time.</summary>
    Switchback,

    /// <summary>Several alike services, each running one variant chosen by a stable hash.</summary>
    Split,
}
