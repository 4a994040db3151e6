using Dso.Controller.Hosting;
using Dso.Controller.Settings;

namespace Dso.Controller.Cli;

/// <summary>
/// The settings half of <c>dso validate</c>: builds the configuration the service builds (the settings file,
/// <c>appsettings.{Environment}.json</c> beside it, environment variables) and runs the service's own start-up
/// validators on it, starting nothing; reports every error at its <c>file:line:column</c> or by its variable.
/// </summary>
internal static class SettingsValidation
{
    public const string FileName = "appsettings.json";

    /// <summary>0 when the service would accept its settings, 1 (after listing every error on stderr) when not.</summary>
    public static int Check(string? given)
    {
        string? file = given;
        if (given is null)
        {
            var root = ServiceHost.FindContentRoot();
            file = Path.Combine(root, FileName);
            if (!File.Exists(file))
            {
                var here = Path.GetFullPath(root) == Path.GetFullPath(Directory.GetCurrentDirectory()) ? "here" : $"in {root}";
                Console.WriteLine($"settings: no {FileName} {here}; the built-in defaults apply");
                file = null;
            }
        }
        else if (Directory.Exists(given))
        {
            Console.Error.WriteLine($"{given}: is a directory, not a settings file");
            return 1;
        }
        else if (!File.Exists(given))
        {
            Console.Error.WriteLine($"{given}: no such settings file");
            return 1;
        }

        string Display(string path) =>
            given is not null && Path.GetFullPath(path) == Path.GetFullPath(given) ? given
            : Path.GetRelativePath(Directory.GetCurrentDirectory(), path) is var relative && !relative.StartsWith("..", StringComparison.Ordinal) ? relative
            : path;

        WebApplicationBuilder builder;
        try
        {
            builder = ServiceHost.CreateBuilder([], file);
        }
        catch (InvalidDataException ex) when (SettingsFileError.Describe(ex, Display) is { } located)
        {
            Console.Error.WriteLine(located);
            return 1;
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // A host setting of the wrong type the builder itself reads (DOTNET_hostBuilder__reloadConfigOnChange=x): the
            // service refuses it in one line, and validate printed an unhandled exception.
            Console.Error.WriteLine($"{ex.Message} ({ex.InnerException?.Message.ReplaceLineEndings(" ")})");
            return 1;
        }

        using var services = new ServiceCollection().AddServiceSettings(builder.Configuration, builder.Environment.ContentRootPath).BuildServiceProvider();
        var problems = SettingsCheck.Run(services);
        var sources = new SettingsSources(builder.Configuration, Display);
        foreach (var problem in problems)
        {
            Console.Error.WriteLine(sources.Describe(problem));
        }

        if (problems.Count == 0 && file is not null)
        {
            Console.WriteLine($"ok: settings {Display(file)} (environment {builder.Environment.EnvironmentName}, DSO_ variables included)");
        }

        return problems.Count == 0 ? 0 : 1;
    }
}
