namespace Dso.Controller.Experiments.Views;

/// <summary>
/// What the analysis says to do. <see cref="Action"/>: <c>wait</c> (not enough evidence or before the minimum
/// duration), <c>promote</c> (a variant is significantly better on the primary metric and passed its guardrails),
/// <c>keep-control</c> (ended with no better variant), <c>promoted</c> (done: the service runs the winner).
/// </summary>
public sealed record ExperimentRecommendation(string Action, string? Winner, string Reason)
{
    /// <summary>The winner's overrides as YAML to fold into the service's policy file (null without a winner).</summary>
    public string? PolicyChange { get; init; }
}
