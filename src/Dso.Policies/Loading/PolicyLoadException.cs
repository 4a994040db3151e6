namespace Dso.Policies.Loading;

/// <summary>Policy files were rejected; <see cref="Errors"/> lists every problem found, not just the first.</summary>
public sealed class PolicyLoadException(IReadOnlyList<PolicyError> errors)
    : Exception(string.Join(Environment.NewLine, errors.Select(e => e.ToString())))
{
    public IReadOnlyList<PolicyError> Errors { get; } = errors;
}
