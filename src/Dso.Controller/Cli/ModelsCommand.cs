using System.CommandLine;
using System.Globalization;
using Dso.Forecasting;

namespace Dso.Controller.Cli;

/// <summary>
/// <c>dso models list|promote|rollback [--dir models] [--series NAME]</c>: the demand-model registry. Promote and
/// rollback validate the target version first; a corrupt file is refused and the active version stays.
/// </summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var dir = new Option<DirectoryInfo>("--dir") { Description = "registry directory", DefaultValueFactory = _ => new DirectoryInfo("models") };
        var series = new Option<string>("--series") { Description = "series whose models to manage", DefaultValueFactory = _ => "requests" };
        var version = new Option<int>("--version") { Description = "version to promote", Required = true };

        var list = new Command("list", "List saved versions; * marks the active one") { dir, series };
        list.SetAction(parse => Run(() =>
        {
            var registry = new ModelRegistry(parse.GetValue(dir)!.FullName, parse.GetValue(series)!);
            var active = registry.Active?.Version;
            Console.WriteLine("version  active  created               trained_to            rows   reason    rolling_mase_before");
            foreach (var m in registry.List())
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{m.Version,7}  {(m.Version == active ? "*" : ""),6}  {m.CreatedAt:yyyy-MM-dd HH:mm:ss}   {m.Model.TrainedTo:yyyy-MM-dd HH:mm:ss}   {m.Model.TrainingRows,5}  {m.Model.Reason,-8}  {m.Model.Metrics.GetValueOrDefault("rolling_mase_before", double.NaN):F3}"));
            }
        }));

        var promote = new Command("promote", "Make a version active (after validating it)") { dir, series, version };
        promote.SetAction(parse => Run(() =>
        {
            var m = new ModelRegistry(parse.GetValue(dir)!.FullName, parse.GetValue(series)!).Promote(parse.GetValue(version));
            Console.WriteLine($"active: version {m.Version}");
        }));

        var rollback = new Command("rollback", "Return to the previously active version") { dir, series };
        rollback.SetAction(parse => Run(() =>
        {
            var m = new ModelRegistry(parse.GetValue(dir)!.FullName, parse.GetValue(series)!).Rollback();
            Console.WriteLine($"active: version {m.Version}");
        }));

        return new Command("models", "Manage trained demand-forecast models") { list, promote, rollback };
    }

    private static int Run(Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (Exception ex) when (ex is ModelRegistryException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"models: {ex.Message.ReplaceLineEndings(" ")}");
            return 2;
        }
    }
}
