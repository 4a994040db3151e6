using System.CommandLine;
using Dso.Controller.Composition;
using Dso.Forecasting;
using Dso.Policies.Loading;

namespace Dso.Controller.Cli;

/// <summary>
/// <c>dso validate [PATH] [--settings FILE]</c>: checks policy files and the service's settings without starting
/// anything; lists every error of both. An event calendar (<c>*.events.yaml</c>) named on its own is checked as a
/// calendar, not read as a policy missing its services.
/// </summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "a policy file or directory", DefaultValueFactory = _ => "policies" };
        var settings = new Option<string?>("--settings")
        {
            Description = $"the service's settings file (default: the {SettingsValidation.FileName} the service would read, if there is one)",
        };
        var command = new Command("validate",
            "Check policy YAML files as the service would load them, and its settings as it would check them at start; report every error as file:line:column")
        {
            path, settings,
        };
        command.SetAction(parse => Math.Max(CheckPolicies(parse.GetValue(path)!), SettingsValidation.Check(parse.GetValue(settings))));
        return command;
    }

    private static int CheckPolicies(string target)
    {
        try
        {
            if (!File.Exists(target) && !Directory.Exists(target))
            {
                Console.Error.WriteLine($"{target}: no such policy file or directory{(target.StartsWith('-') ? " (or an unknown option; see dso validate --help)" : "")}");
                return 1;
            }

            if (File.Exists(target) && PolicyLoader.IsEventCalendar(target))
            {
                var calendar = EventCalendarLoader.Load(target);
                Console.WriteLine($"ok: event calendar with {calendar.Events.Count} event(s) (services use it through events_file)");
                return 0;
            }

            var set = new PolicyAdmission(CheckingSourceFactories.Create()).Load(target);
            var source = PolicyAdmission.HasPolicyFiles(target) ? "" : $" (no policy file in {target}: the service runs the built-in default policy)";
            Console.WriteLine($"ok: {set.Services.Count} service(s), policy version {set.Version}{source}");
            foreach (var warning in PolicyWarnings.For(set))
            {
                Console.Error.WriteLine($"warning: {warning}");
            }

            return 0;
        }
        catch (Exception ex) when (ex is PolicyLoadException or EventCalendarException)
        {
            IEnumerable<object> errors = ex is PolicyLoadException policy ? policy.Errors : ((EventCalendarException)ex).Errors;
            foreach (var error in errors)
            {
                Console.Error.WriteLine(error);
            }

            return 1;
        }
    }
}
