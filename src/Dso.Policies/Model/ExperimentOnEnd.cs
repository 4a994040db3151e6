namespace Dso.Policies.Model;

/// <summary>What happens to a significant winner when the experiment ends.</summary>
public enum ExperimentOnEnd
{
    /// <summary>Name it in the result and the decision log; an operator edits the policy.</summary>
    Recommend,

    /// <summary>Rewrite the service's policy with the winner's overrides, through the hot-reload path.</summary>
    Promote,
}
