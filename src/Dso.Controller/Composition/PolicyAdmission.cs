using Dso.Abstractions;
using Dso.Forecasting;
using Dso.Ingestion;
using Dso.Policies.Loading;
using Dso.Policies.Model;

namespace Dso.Controller.Composition;

/// <summary>
/// The one gate a policy set passes before anything runs it: <c>dso validate</c>, <c>dso simulate</c> and the service's
/// reloader all call it, so validate rejects exactly what the service would. Beyond the loader's file:line:column
/// checks, it does what the service does when it applies a set (builds each service's planner, its metric source and
/// its event calendar) and turns any failure there into a located error at the service's declaration. The service
/// passes its clock (<paramref name="time"/>), so an experiment that starts when loaded is judged against the others at
/// service time; the CLI's null is the wall clock.
/// </summary>
internal sealed partial class PolicyAdmission(IEnumerable<IMetricSourceFactory> sourceFactories, TimeProvider? time = null)
{
    private readonly Dictionary<string, IMetricSourceFactory> _sources = sourceFactories.ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>
    /// Loads the policy file or directory and admits it; throws <see cref="PolicyLoadException"/>. With no policy file the
    /// built-in default runs; with files that declare no service (only experiments) they are read beside the built-in
    /// default, so an experiment dropped into an empty <c>policies/</c> runs on the default service.
    /// </summary>
    public PolicySet Load(string path) => Admit(() => !HasPolicyFiles(path) ? DefaultPolicy.Load(Plugins.PolicyLoader(time))
        : DeclaresServices(path) ? Plugins.PolicyLoader(time).Load(path)
        : Plugins.PolicyLoader(time).Parse([(DefaultPolicy.Origin, DefaultPolicy.Text()), .. PolicyFiles(path).Select(f => (f, TextFile.ReadAll(f)))]), path);

    /// <summary>Admits policy texts named by their file paths.</summary>
    public PolicySet Parse(IReadOnlyList<(string File, string Text)> sources) =>
        Admit(() => Plugins.PolicyLoader(time).Parse(sources), sources.FirstOrDefault().File ?? "policy");

    /// <summary>Whether <paramref name="path"/> is a policy file or a directory holding one (event calendars do not count).</summary>
    public static bool HasPolicyFiles(string path) => PolicyFiles(path).Count > 0;

    /// <summary>The policy files the loader reads at <paramref name="path"/> (a file, or a directory's policy files: see <see cref="PolicyLoader.PolicyFiles"/>).</summary>
    public static IReadOnlyList<string> PolicyFiles(string path) =>
        File.Exists(path) ? [path] : Directory.Exists(path) ? PolicyLoader.PolicyFiles(path) : [];

    /// <summary>
    /// Whether any policy file has a top-level <c>services:</c> key. A text check on purpose: a file too broken to
    /// parse counts as declaring services, so its own errors are reported by the loader instead of hidden by the default.
    /// </summary>
    private static bool DeclaresServices(string path) =>
        PolicyFiles(path).Any(f => TryRead(f) is not { } text || TopLevelServices().IsMatch(text) || !TopLevelExperiments().IsMatch(text));

    /// <summary>A file's text, or null when it cannot be read (the loader then reports it at its own path).</summary>
    private static string? TryRead(string file)
    {
        try
        {
            return TextFile.ReadAll(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^services\s*:", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex TopLevelServices();

    [System.Text.RegularExpressions.GeneratedRegex(@"^experiments\s*:", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex TopLevelExperiments();

    private PolicySet Admit(Func<PolicySet> read, string path)
    {
        PolicySet set;
        try
        {
            set = read();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PolicyLoadException([new PolicyError(path, 0, 0, "file", "", $"could not be read ({ex.Message})")]);
        }

        var errors = new List<PolicyError>();
        foreach (var service in set.Services)
        {
            Check(service, "strategy", () => Plugins.Strategies.Get(service.Strategy.Name).CreatePlanner(service), errors);
            Check(service, "metrics", () => CreateSource(service), errors);
        }

        CheckCalendars(set.Services, errors);

        // A variant's merged policy is what the service runs while the variant is on: it must build as the service's does.
        foreach (var experiment in set.Experiments)
        {
            foreach (var variant in experiment.Variants.Where(v => !v.IsUnchanged))
            {
                foreach (var (_, policy) in variant.Policies)
                {
                    var entity = $"experiment '{experiment.Name}'";
                    var where = $"variants.{variant.Name}.overrides";
                    Check(entity, experiment.Origin, where, () => Plugins.Strategies.Get(policy.Strategy.Name).CreatePlanner(policy), errors);
                    Check(entity, experiment.Origin, where, () => CreateSource(policy), errors);
                }
            }
        }

        return errors.Count > 0 ? throw new PolicyLoadException(errors) : set;
    }

    /// <summary>
    /// Reads each event calendar once (services may share one) and reports every bad entry at its own file:line:column
    /// in the calendar, naming the services that use it: the service's declaration is not where the mistake is.
    /// </summary>
    private static void CheckCalendars(IReadOnlyList<ServicePolicy> services, List<PolicyError> errors)
    {
        foreach (var users in services.Where(s => s.EventsFile is not null).GroupBy(s => s.EventsFile!, StringComparer.Ordinal))
        {
            var entity = string.Join(", ", users.Select(s => $"service '{s.Name}'"));
            try
            {
                EventCalendarLoader.Load(users.Key);
            }
            catch (EventCalendarException ex)
            {
                errors.AddRange(ex.Errors.Select(e => new PolicyError(e.File, e.Line, e.Column, entity, "events_file", e.Problem)));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Any other failure is a bug on odd input: still a located rejection, at the first user's declaration.
                var (file, line, column) = Locate(users.First().Origin);
                errors.Add(new PolicyError(file, line, column, entity, "events_file", $"{ex.GetType().Name}: {ex.Message.ReplaceLineEndings("; ")}"));
            }
        }
    }

    private object CreateSource(ServicePolicy service)
    {
        if (!_sources.TryGetValue(service.Metrics.Source, out var factory))
        {
            throw new InvalidOperationException($"source '{service.Metrics.Source}' is not available in this service (available: {string.Join(", ", _sources.Keys)})");
        }

        var source = factory.Create(service.Name, service.Metrics.Options, service.Metrics.Queries);
        (source as IDisposable)?.Dispose();
        return source;
    }

    /// <summary>
    /// Runs what the service would run for this service and records any exception, of whatever type, as an error at
    /// the service's declaration: a check that throws must reject the set, never stop the caller.
    /// </summary>
    private static void Check(ServicePolicy service, string field, Func<object> build, List<PolicyError> errors)
    {
        var count = errors.Count;
        Check($"service '{service.Name}'", service.Origin, field, build, errors, $"service '{service.Name}': ");
        if (field == "metrics" && errors.Count > count && MetricsOrigin(service, errors[^1].Problem) is { } origin)
        {
            // A source names the option it rejects: report it where the operator wrote that value (a section as a
            // whole where it wrote the section; the source's name where the section is missing).
            var (file, line, column) = Locate(origin);
            errors[^1] = errors[^1] with { File = file, Line = line, Column = column };
        }
    }

    private static string? MetricsOrigin(ServicePolicy service, string problem)
    {
        var origins = service.Metrics.Origins;
        if (MetricsKey().Match(problem) is { Success: true } key && origins.TryGetValue(key.Groups[1].Value, out var value))
        {
            return value;
        }

        return MetricsSection().Match(problem) is { Success: true } section && origins.TryGetValue(section.Groups[1].Value, out var written)
            ? written
            : origins.GetValueOrDefault("source");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"metrics\.((?:options|queries)\.[A-Za-z0-9_.-]+?)(?=[\s:'(]|$)")]
    private static partial System.Text.RegularExpressions.Regex MetricsKey();

    [System.Text.RegularExpressions.GeneratedRegex(@"metrics\.(options|queries)\b")]
    private static partial System.Text.RegularExpressions.Regex MetricsSection();

    private static void Check(string entity, string origin, string field, Func<object> build, List<PolicyError> errors, string? namePrefix = null)
    {
        try
        {
            build();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var (file, line, column) = Locate(origin);
            var message = (namePrefix is null ? ex.Message : ex.Message.Replace(namePrefix, "", StringComparison.Ordinal)).ReplaceLineEndings("; ");
            errors.Add(new PolicyError(file, line, column, entity, message.StartsWith(field + ".", StringComparison.Ordinal) ? "" : field, message));
        }
    }

    private static (string File, int Line, int Column) Locate(string origin)
    {
        var parts = origin.Split(':');
        return parts.Length >= 3 && int.TryParse(parts[^2], out var line) && int.TryParse(parts[^1], out var column)
            ? (string.Join(':', parts[..^2]), line, column)
            : (origin, 0, 0);
    }
}
