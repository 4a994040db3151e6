namespace Dso.Controller.Cli;

/// <summary>
/// What may follow <c>dso</c> when no command is given: only configuration overrides (<c>--Dso:ClockSpeed=1</c>,
/// <c>--Dso:Listen http://...</c>, <c>--urls=...</c>). Anything else is a mistyped command or option, and must not
/// start a second controller.
/// </summary>
internal static class ServiceArguments
{
    /// <summary>The first token that is not a configuration override, or null when all are.</summary>
    public static string? FirstUnexpected(IReadOnlyList<string> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (!token.StartsWith("--", StringComparison.Ordinal) || token.Length < 3)
            {
                return token;
            }

            var key = token[2..].Split('=', 2)[0];
            if (token.Contains('='))
            {
                continue;
            }

            // "--Section:Key value": a hierarchical key takes the next token as its value.
            if (key.Contains(':') && i + 1 < tokens.Count && !tokens[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                i++;
                continue;
            }

            return token;
        }

        return null;
    }

    public static string Usage(IEnumerable<string> commands) =>
        $"commands: {string.Join(", ", commands)} (run `dso --help` or `dso COMMAND --help`); without a command dso runs the service and accepts only configuration overrides such as --Dso:ClockSpeed=1";

    /// <summary>
    /// The data directory these arguments and the environment give (for a startup failure's one-line reason): a
    /// <c>--Dso:DataDirectory</c> override, else <c>DSO_Dso__DataDirectory</c>, else the shipped <c>data</c>.
    /// </summary>
    public static string DataDirectory(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            const string key = "--Dso:DataDirectory";
            if (args[i].StartsWith(key + "=", StringComparison.Ordinal))
            {
                return Path.GetFullPath(args[i][(key.Length + 1)..]);
            }

            if (args[i] == key && i + 1 < args.Count)
            {
                return Path.GetFullPath(args[i + 1]);
            }
        }

        return Path.GetFullPath(Environment.GetEnvironmentVariable("DSO_Dso__DataDirectory") ?? "data");
    }
}
