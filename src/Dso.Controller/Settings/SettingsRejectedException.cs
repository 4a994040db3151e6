namespace Dso.Controller.Settings;

/// <summary>
/// The service's settings fail validation; <see cref="Problems"/> holds every failure of every section, the message
/// each one where its value comes from (<c>FILE:line:column: Key: problem</c>, or the variable), joined by <c>; </c>.
/// </summary>
internal sealed class SettingsRejectedException(IReadOnlyList<SettingsProblem> problems, IReadOnlyList<string> located)
    : Exception(string.Join("; ", located))
{
    public IReadOnlyList<SettingsProblem> Problems { get; } = problems;
}
