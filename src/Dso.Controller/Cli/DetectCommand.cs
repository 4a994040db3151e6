using System.CommandLine;

namespace Dso.Controller.Cli;

/// <summary><c>dso detect --input FILE --output FILE</c>: scores a NAB-format series with the service's detector.</summary>
internal static class DetectCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo>("--input") { Description = "timestamp,value CSV", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "where to write timestamp,value,anomaly_score", Required = true };
        var command = new Command("detect", "Score a series for anomalies, streaming, with the service's default detector") { input, output };
        command.SetAction(parse =>
        {
            Console.Error.WriteLine("detect: not built yet");
            return 2;
        });
        return command;
    }
}
