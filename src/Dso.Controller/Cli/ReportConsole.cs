using Spectre.Console;

namespace Dso.Controller.Cli;

/// <summary>
/// The console the command-line reports are written to: colours, escape codes and interaction only for a person at a
/// terminal; plain text when either stream goes to a file or a pipe (a script, a CI log, the scorers).
/// </summary>
internal static class ReportConsole
{
    public static IAnsiConsole For(TextWriter writer)
    {
        var redirected = Console.IsErrorRedirected || Console.IsOutputRedirected;
        return AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
    }
}
