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

    return await ServiceHost.RunAsync(args, ct);
});
return await root.Parse(args).InvokeAsync();
