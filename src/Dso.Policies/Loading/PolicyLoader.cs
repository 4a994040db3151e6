using Dso.Abstractions;
using System.Security.Cryptography;
using System.Text;
using Dso.Policies.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Dso.Policies.Loading;

/// <summary>
/// Loads policy files (<c>*.yaml</c>/<c>*.yml</c>, except <c>*.events.yaml</c> calendars) into a <see cref="PolicySet"/>. All files are checked and
/// every error is reported at once; a set with any error is rejected whole, so a half-valid edit never runs.
/// </summary>
/// <param name="vocabulary">The plug-in names this build accepts.</param>
/// <param name="time">
/// The clock an experiment without <c>start:</c> (it starts when loaded) is placed on when checked against the other
/// experiments of its services: the service passes its own (accelerated) clock; null is the wall clock, as for <c>dso validate</c>.
/// </param>
public sealed class PolicyLoader(PolicyVocabulary vocabulary, TimeProvider? time = null)
{
    public PolicyLoader()
        : this(PolicyVocabulary.Default)
    {
    }

    /// <summary>Loads one file or every YAML file of a directory; throws <see cref="PolicyLoadException"/> listing all errors.</summary>
    public PolicySet Load(string path)
    {
        if (!Directory.Exists(path) && !File.Exists(path))
        {
            throw new PolicyLoadException([new PolicyError(path, 0, 0, "policy", "", "no such file or directory")]);
        }

        var files = Directory.Exists(path) ? PolicyFiles(path) : [path];
        var unreadable = new List<PolicyError>();
        var sources = new List<(string File, string Text)>();
        foreach (var file in files)
        {
            try
            {
                sources.Add((file, TextFile.ReadAll(file)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                unreadable.Add(new PolicyError(file, 1, 1, "file", "", $"could not be read ({ex.Message})"));
            }
        }

        if (unreadable.Count == 0)
        {
            return Parse(sources);
        }

        // The readable files' own errors are reported beside the unreadable ones, not hidden by them.
        try
        {
            Parse(sources);
        }
        catch (PolicyLoadException others)
        {
            throw new PolicyLoadException([.. unreadable, .. others.Errors]);
        }

        throw new PolicyLoadException(unreadable);
    }

    /// <summary>
    /// The policy files of a directory, in name order: <c>*.yaml</c> and <c>*.yml</c> (any case), but event calendars
    /// (<c>*.events.yaml</c>) and hidden files (an editor's lock or backup such as <c>.#shop.yaml</c>).
    /// </summary>
    public static IReadOnlyList<string> PolicyFiles(string directory) =>
        [.. Directory.EnumerateFiles(directory, "*", SearchOption.TopDirectoryOnly).Where(IsPolicyFile).Order(StringComparer.Ordinal)];

    /// <summary>Whether a directory entry is a policy file (see <see cref="PolicyFiles"/>).</summary>
    public static bool IsPolicyFile(string path)
    {
        var name = Path.GetFileName(path);
        return !name.StartsWith('.')
            && (name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            && !IsEventCalendar(path);
    }

    /// <summary>Parses policy texts named by their file paths (used by tests and hot reload).</summary>
    public PolicySet Parse(IReadOnlyList<(string File, string Text)> sources)
    {
        var errors = new List<PolicyError>();
        var services = new List<ServicePolicy>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var serviceNodes = new Dictionary<string, (string File, YamlMappingNode Node)>(StringComparer.Ordinal);
        var experimentNodes = new List<(string File, YamlSequenceNode List)>();
        var aliases = new List<(string File, AliasUse Use)>();
        foreach (var (file, text) in sources)
        {
            foreach (var service in ParseFileSafely(file, text, errors, serviceNodes, experimentNodes, aliases))
            {
                if (seen.TryGetValue(service.Name, out var first))
                {
                    var (line, column) = ParseOrigin(service.Origin);
                    errors.Add(new PolicyError(file, line, column, $"service '{service.Name}'", "name", $"duplicate service (first declared at {first})"));
                    continue;
                }

                seen[service.Name] = service.Origin;
                services.Add(service);
            }
        }

        ScaleGroupClaims.Check(services, serviceNodes, errors);

        // Experiments are read after every service, since they may sit in another file than the services they test.
        var experiments = ExperimentReader.ReadAll(experimentNodes, services, serviceNodes, vocabulary, (time ?? TimeProvider.System).GetUtcNow(), errors);
        if (errors.Count > 0)
        {
            throw new PolicyLoadException(NameAnchors(errors, aliases));
        }

        return new PolicySet(services, Hash(sources)) { Experiments = experiments };
    }

    /// <summary>
    /// A reader bug on some odd input must still come out as a located rejection of that file, not an exception that
    /// hides the other files' errors or stops the caller.
    /// </summary>
    private List<ServicePolicy> ParseFileSafely(
        string file,
        string text,
        List<PolicyError> errors,
        Dictionary<string, (string File, YamlMappingNode Node)> serviceNodes,
        List<(string File, YamlSequenceNode List)> experimentNodes,
        List<(string File, AliasUse Use)> aliases)
    {
        try
        {
            return ParseFile(file, text, errors, serviceNodes, experimentNodes, aliases).ToList();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            errors.Add(new PolicyError(file, 1, 1, "file", "", $"could not be read ({ex.GetType().Name}: {ex.Message})"));
            return [];
        }
    }

    private IEnumerable<ServicePolicy> ParseFile(
        string file,
        string text,
        List<PolicyError> errors,
        Dictionary<string, (string File, YamlMappingNode Node)> serviceNodes,
        List<(string File, YamlSequenceNode List)> experimentNodes,
        List<(string File, AliasUse Use)> aliases)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t');
            if (tab >= 0 && tab < indent)
            {
                errors.Add(new PolicyError(file, i + 1, tab + 1, "file", "", "tab used for indentation; YAML needs spaces"));
            }
        }

        if (errors.Any(e => e.File == file))
        {
            yield break;
        }

        if (YamlSyntax.Check(text) is { } syntax)
        {
            errors.Add(new PolicyError(file, syntax.Line, syntax.Column, "file", "", syntax.Problem));
            yield break;
        }

        var stream = new YamlStream();
        var expander = new AliasExpander(new Parser(new StringReader(text)));
        try
        {
            stream.Load(expander);
            aliases.AddRange(expander.Uses.Select(u => (file, u)));
        }
        catch (YamlException ex)
        {
            var reason = (ex.InnerException?.Message ?? ex.Message).Split(':').Last().Trim();
            errors.Add(new PolicyError(file, (int)ex.Start.Line, (int)ex.Start.Column, "file", "", $"not valid YAML ({reason})"));
            yield break;
        }

        if (stream.Documents.Count > 1)
        {
            // A second document would be read by nothing: its services would silently not run.
            var at = stream.Documents[1].RootNode.Start;
            errors.Add(new PolicyError(file, (int)at.Line, (int)at.Column, "file", "", "a second YAML document ('---'): a policy file holds one document; put the rest in a file of its own"));
            yield break;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: "" or null })
        {
            errors.Add(new PolicyError(file, 1, 1, "file", "", "file is empty; expected a 'services:' or 'experiments:' list"));
            yield break;
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            var at = stream.Documents[0].RootNode.Start;
            errors.Add(new PolicyError(file, (int)at.Line, (int)at.Column, "file", "", "top level must be a mapping with a 'services:' list"));
            yield break;
        }

        var top = new MappingReader(root, file, "file", errors);
        var experiments = top.Sequence("experiments");
        var list = top.Sequence("services", required: experiments is null && !root.Children.ContainsKey(new YamlScalarNode("experiments")));
        top.RejectUnknownKeys();
        if (experiments is not null)
        {
            experimentNodes.Add((file, experiments));
        }

        if (list is null)
        {
            yield break;
        }

        foreach (var item in list)
        {
            if (item is not YamlMappingNode map)
            {
                errors.Add(new PolicyError(file, (int)item.Start.Line, (int)item.Start.Column, "file", "services", "each service must be a mapping"));
                continue;
            }

            var name = map.Children.TryGetValue(new YamlScalarNode("name"), out var n) ? (n as YamlScalarNode)?.Value : null;
            var reader = new MappingReader(map, file, $"service '{name ?? "?"}'", errors);
            var service = ServicePolicyReader.Read(reader, vocabulary, $"{file}:{map.Start.Line}:{map.Start.Column}");
            if (service is not null)
            {
                serviceNodes.TryAdd(service.Name, (file, map));
                yield return service;
            }
        }
    }

    /// <summary>
    /// An error inside an aliased value is already placed at the alias (see <see cref="AliasExpander"/>); it also names
    /// the anchor, since that is where the value is written and where the fix may belong.
    /// </summary>
    private static List<PolicyError> NameAnchors(List<PolicyError> errors, List<(string File, AliasUse Use)> aliases)
    {
        if (aliases.Count == 0)
        {
            return errors;
        }

        var uses = aliases.ToDictionary(a => (a.File, (int)a.Use.At.Line, (int)a.Use.At.Column), a => a.Use);
        return [.. errors.Select(e => uses.TryGetValue((e.File, e.Line, e.Column), out var use)
            ? e with { Problem = $"{e.Problem} {use.Note}" }
            : e)];
    }

    /// <summary>Event calendars may sit beside the policies they belong to: <c>*.events.yaml</c> is not a policy file.</summary>
    public static bool IsEventCalendar(string path) =>
        path.EndsWith(".events.yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".events.yml", StringComparison.OrdinalIgnoreCase);

    private static (int Line, int Column) ParseOrigin(string origin)
    {
        var parts = origin.Split(':');
        return parts.Length >= 3 && int.TryParse(parts[^2], out var line) && int.TryParse(parts[^1], out var column) ? (line, column) : (0, 0);
    }

    private static string Hash(IReadOnlyList<(string File, string Text)> sources)
    {
        var all = string.Join("\n---\n", sources.Select(s => s.Text));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(all)))[..12];
    }
}
