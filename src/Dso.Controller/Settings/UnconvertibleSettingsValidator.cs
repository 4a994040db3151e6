using Microsoft.Extensions.Options;

namespace Dso.Controller.Settings;

/// <summary>
/// The values of a section that <see cref="SettingsBinder"/> left out for their type, as failures of the section
/// beside its other validators' (<c>Dso:ClockSpeed: 'fast' cannot be read as Int32</c>).
/// </summary>
internal sealed class UnconvertibleSettingsValidator<T>(IConfiguration configuration, string section) : IValidateOptions<T>
    where T : class, new()
{
    public ValidateOptionsResult Validate(string? name, T options) =>
        SettingsBinder.Unconvertible<T>(configuration, section) is { Count: > 0 } found
            ? ValidateOptionsResult.Fail(found.Select(p => $"{p.Key}: {p.Problem}"))
            : ValidateOptionsResult.Success;
}
