using System.CommandLine;
using Dso.Controller.Composition;
using Dso.Policies.Loading;

namespace Dso.Controller.Cli;

/// <summary><c>dso validate [PATH]</c>: checks policy files without starting anything; lists every error.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "a policy file or directory", DefaultValueFactory = _ => "policies" };
        var command = new Command("validate", "Check policy YAML files and report every error as file:line:column") { path };
        command.SetAction(parse =>
        {
            try
            {
                var set = Plugins.PolicyLoader().Load(parse.GetValue(path)!);
                Console.WriteLine($"ok: {set.Services.Count} service(s), policy version {set.Version}");
                return 0;
            }
            catch (PolicyLoadException ex)
            {
                foreach (var error in ex.Errors)
                {
                    Console.Error.WriteLine(error);
                }

                return 1;
            }
        });
        return command;
    }
}
