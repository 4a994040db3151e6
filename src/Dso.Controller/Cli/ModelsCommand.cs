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
        var series = new Option<string?>("--series") { Description = "series (service) whose models to list; default: every series in --dir" };
        var target = new Option<string>("--series") { Description = "series (service) whose models to manage", Required = true };
        var version = new Option<int>("--version") { Description = "version to promote", Required = true };

        var list = new Command("list", "List saved versions of one series or of every series; * marks the active one") { dir, series };
        list.SetAction(parse => Run(() => List(parse.GetValue(dir)!, parse.GetValue(series))));

        var promote = new Command("promote", "Make a version active (after validating it)") { dir, target, version };
        promote.SetAction(parse => Run(() =>
        {
            var m = Saved(parse.GetValue(dir)!, parse.GetValue(target)!).Promote(parse.GetValue(version));
            Console.WriteLine($"active: version {m.Version}");
        }));

        var rollback = new Command("rollback", "Return to the previously active version") { dir, target };
        rollback.SetAction(parse => Run(() =>
        {
            var m = Saved(parse.GetValue(dir)!, parse.GetValue(target)!).Rollback();
            Console.WriteLine($"active: version {m.Version}");
        }));

        return new Command("models", "Manage trained demand-forecast models") { list, promote, rollback };
    }

    /// <summary>One series, or every series folder of the registry; a series with no saved model is an error, not an empty table.</summary>
    private static void List(DirectoryInfo dir, string? series)
    {
        var all = SeriesIn(dir);
        var registries = series is null ? all.Select(name => new ModelRegistry(dir.FullName, name)).ToList() : [Saved(dir, series)];

        if (registries.Sum(r => r.List().Count) == 0)
        {
            throw new ArgumentException($"no saved models in {dir.FullName} (the service saves one per service after its first training)");
        }

        Console.WriteLine("series            version  active  created               trained_to            rows   reason    rolling_mase_before");
        foreach (var registry in registries)
        {
            var active = registry.Active?.Version;
            foreach (var m in registry.List())
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{registry.Series,-16}  {m.Version,7}  {(m.Version == active ? "*" : ""),6}  {m.CreatedAt:yyyy-MM-dd HH:mm:ss}   {m.Model.TrainedTo:yyyy-MM-dd HH:mm:ss}   {m.Model.TrainingRows,5}  {m.Model.Reason,-8}  {m.Model.Metrics.GetValueOrDefault("rolling_mase_before", double.NaN):F3}"));
            }
        }
    }

    private static List<string> SeriesIn(DirectoryInfo dir) =>
        dir.Exists ? dir.EnumerateDirectories().Select(d => d.Name).Order(StringComparer.Ordinal).ToList() : [];

    /// <summary>The registry of a series that has saved models; a series without any is an error naming those that have.</summary>
    private static ModelRegistry Saved(DirectoryInfo dir, string series)
    {
        var registry = new ModelRegistry(dir.FullName, series);
        if (registry.List().Count > 0)
        {
            return registry;
        }

        var all = SeriesIn(dir);
        throw new ArgumentException($"no saved models for series '{series}' in {dir.FullName} (series with models: {(all.Count == 0 ? "none" : string.Join(", ", all))})");
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
