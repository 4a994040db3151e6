using System.CommandLine;
using Dso.Controller.Cli;
using Dso.Controller.Hosting;

var root = new RootCommand("DsoController: a cost-aware autoscaling control plane. Without a command, runs the service.");
root.Subcommands.Add(SimulateCommand.Create());
root.Subcommands.Add(ValidateCommand.Create());
root.Subcommands.Add(DetectCommand.Create());
root.Subcommands.Add(ForecastCommand.Create());
root.Subcommands.Add(ModelsCommand.Create());

// Configuration overrides (--Dso:ClockSpeed=1) reach the service unparsed; ServiceArguments rejects anything else.
root.TreatUnmatchedTokensAsErrors = false;
root.SetAction(async (parse, ct) =>
{
    if (ServiceArguments.FirstUnexpected(parse.UnmatchedTokens) is { } unexpected)
    {
        await Console.Error.WriteLineAsync($"dso: unknown command or option '{unexpected}'");
        await Console.Error.WriteLineAsync(ServiceArguments.Usage(root.Subcommands.Select(c => c.Name)));
        return 2;
    }

    try
    {
        return await ServiceHost.RunAsync(args, ct);
    }
    catch (Microsoft.Extensions.Options.OptionsValidationException ex)
    {
        // A bad setting (appsettings.json, DSO_ environment variables, --Dso:... overrides) is a one-line reason, not a stack trace.
        await Console.Error.WriteLineAsync($"dso: configuration rejected: {string.Join("; ", ex.Failures)}");
        return 2;
    }
});
return await root.Parse(args).InvokeAsync();
