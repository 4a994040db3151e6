namespace Dso.Controller.Settings;

/// <summary>The service's settings fail validation; <see cref="Problems"/> holds every failure of every section.</summary>
internal sealed class SettingsRejectedException(IReadOnlyList<SettingsProblem> problems)
    : Exception(string.Join("; ", problems.Select(p => p.Message)))
{
    public IReadOnlyList<SettingsProblem> Problems { get; } = problems;
}
