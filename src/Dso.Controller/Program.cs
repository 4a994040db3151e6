using System.CommandLine;
using Dso.Controller.Cli;
using Dso.Controller.Hosting;

var root = new RootCommand("DsoController: a cost-aware autoscaling control plane. Without a command, runs the service.");
root.Subcommands.Add(SimulateCommand.Create());
root.Subcommands.Add(ValidateCommand.Create());
root.Subcommands.Add(DetectCommand.Create());
root.Subcommands.Add(ForecastCommand.Create());
root.Subcommands.Add(ModelsCommand.Create());
root.TreatUnmatchedTokensAsErrors = false;
root.SetAction(async (parse, ct) =>
{
    await ServiceHost.Build(args).RunAsync(ct);
    return 0;
});
return await root.Parse(args).InvokeAsync();
