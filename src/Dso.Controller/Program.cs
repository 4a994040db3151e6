using System.CommandLine;
using Dso.Controller.Cli;
using Dso.Controller.Hosting;
using Dso.Controller.Settings;

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
    catch (SettingsRejectedException ex)
    {
        // A bad setting (appsettings.json, DSO_ environment variables, --Dso:... overrides) is a one-line reason, not a
        // stack trace: every failure of every section, each at its file:line:column or variable, as `dso validate` lists them.
        await Console.Error.WriteLineAsync($"dso: configuration rejected: {ex.Message}");
        return 2;
    }
    catch (InvalidDataException ex) when (SettingsFileError.Describe(ex, path => path) is { } located)
    {
        // A settings file that is not JSON the provider reads (a missing comma, a key given twice): where, not a stack trace.
        await Console.Error.WriteLineAsync($"dso: configuration rejected: {located}");
        return 2;
    }
    catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
    {
        // A setting of the wrong type read outside the start-up check (which reports those located, with every other
        // error): the binder names the key and the type, its inner exception the value.
        await Console.Error.WriteLineAsync($"dso: configuration rejected: {ex.Message} ({ex.InnerException?.Message.ReplaceLineEndings(" ")})");
        return 2;
    }
    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Data.Common.DbException or Dso.DecisionLog.DecisionLogException or Dso.Abstractions.Cloud.CloudProviderException)
    {
        // State the service cannot open (a damaged decisions.db, a data directory that is a file, an unreadable cloud
        // state file): one line naming it; DSO_STACK_TRACE=1 prints the whole exception for a bug report.
        await Console.Error.WriteLineAsync($"dso: cannot run: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}" +
            $" (data directory {ServiceArguments.DataDirectory(args)})");
        if (Environment.GetEnvironmentVariable("DSO_STACK_TRACE") == "1")
        {
            await Console.Error.WriteLineAsync(ex.ToString());
        }

        return 1;
    }
});
return await root.Parse(args).InvokeAsync();
