using System.CommandLine;

namespace Dso.Controller.Cli;

/// <summary><c>dso forecast --input FILE --horizon-minutes H --output FILE</c>: walk-forward forecasts with the service's forecaster.</summary>
internal static class ForecastCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo>("--input") { Description = "timestamp,value CSV", Required = true };
        var horizon = new Option<int>("--horizon-minutes") { Description = "forecast horizon in minutes", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "where to write timestamp,forecast,p10,p90", Required = true };
        var command = new Command("forecast", "Walk-forward demand forecasts with uncertainty") { input, horizon, output };
        command.SetAction(parse =>
        {
            Console.Error.WriteLine("forecast: not built yet");
            return 2;
        });
        return command;
    }
}
