using Microsoft.Extensions.Options;

namespace Dso.Controller.Settings;

/// <summary>
/// Binds and validates every registered <see cref="SettingsSection"/> and collects what fails, all sections at once:
/// the host's start-up check and <c>dso validate</c> both run this.
/// </summary>
internal static class SettingsCheck
{
    public static IReadOnlyList<SettingsProblem> Run(IServiceProvider services)
    {
        var problems = new List<SettingsProblem>();
        foreach (var section in services.GetServices<SettingsSection>())
        {
            try
            {
                section.Resolve(services);
            }
            catch (OptionsValidationException ex)
            {
                problems.AddRange(ex.Failures.Select(failure => SettingsProblem.FromFailure(section.Path, failure)));
            }
            catch (InvalidOperationException ex) when (SettingsBinder.Conversion(ex) is not null)
            {
                problems.Add(SettingsProblem.FromConversion(section.Path, ex));
            }
        }

        return problems;
    }

    /// <summary>The host's start-up check: every problem of every section in one exception, each located as <c>validate</c> locates it.</summary>
    public static void ThrowIfAny(IServiceProvider services, SettingsSources sources)
    {
        if (Run(services) is { Count: > 0 } problems)
        {
            throw new SettingsRejectedException(problems, problems.Select(sources.Locate).ToList());
        }
    }
}
