using System.CommandLine;
using Dso.Controller.Cli;

var root = new RootCommand("DsoController: a cost-aware autoscaling control plane. Without a command, runs the service.");
root.Subcommands.Add(SimulateCommand.Create());
root.Subcommands.Add(ValidateCommand.Create());
root.Subcommands.Add(DetectCommand.Create());
root.Subcommands.Add(ForecastCommand.Create());
root.SetAction((parse, ct) => Task.FromResult(0));
return await root.Parse(args).InvokeAsync();
