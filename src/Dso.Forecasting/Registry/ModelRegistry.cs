using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Dso.Forecasting.Model;
using Microsoft.ML;

namespace Dso.Forecasting;

/// <summary>
/// Versioned store of trained demand models for one series, in a directory (the repo's <c>models/</c> at run time):
/// <c>models/SERIES/v0001.zip</c> (ML.NET model) + <c>v0001.json</c> (manifest) per version, and <c>active.json</c>
/// naming the active version and the promotion history that rollback walks back. A version is validated (checksum,
/// ML.NET load, tree ensemble) before it becomes active, so a corrupt file can never displace a working model.
/// </summary>
public sealed class ModelRegistry
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, // metrics may be NaN before any resolve
    };

    public ModelRegistry(string root, string series)
    {
        if (string.IsNullOrWhiteSpace(series) || series.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || series is "." or "..")
        {
            throw new ArgumentException($"series name '{series}' cannot be a directory name");
        }

        Series = series;
        Directory = Path.Combine(root, series);
    }

    public string Series { get; }

    public string Directory { get; }

    private string ActivePath => Path.Combine(Directory, "active.json");

    /// <summary>The active version's manifest, or null when nothing was promoted yet.</summary>
    public ModelManifest? Active => ReadActive() is { History.Count: > 0 } state ? Get(state.History[^1]) : null;

    /// <summary>Saves a model as the next version (not active until <see cref="Promote"/>, unless <paramref name="promote"/>).</summary>
    public ModelManifest Register(TrainedDemandModel model, string? policy = null, bool promote = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        System.IO.Directory.CreateDirectory(Directory);
        // Numbered from the file names, not the manifests' contents: one damaged manifest must not stop every later save.
        var version = ManifestVersions().DefaultIfEmpty(0).Max() + 1;
        var file = $"v{version:D4}.zip";
        var path = Path.Combine(Directory, file);
        using (var stream = File.Create(path))
        {
            model.Context.Model.Save(model.Transformer, model.InputSchema, stream);
        }

        var manifest = new ModelManifest
        {
            Version = version,
            Series = Series,
            Policy = policy,
            CreatedAt = DateTimeOffset.UtcNow,
            File = file,
            Sha256 = Checksum(path),
            Model = model.Info,
        };
        WriteAtomically(ManifestPath(version), JsonSerializer.Serialize(manifest, Json));
        model.Version = version;
        return promote ? Promote(version) : manifest;
    }

    /// <summary>All versions, oldest first.</summary>
    public IReadOnlyList<ModelManifest> List()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        return System.IO.Directory.EnumerateFiles(Directory, "v*.json").Select(ReadManifest).OrderBy(m => m.Version).ToList();
    }

    public ModelManifest Get(int version)
    {
        var path = ManifestPath(version);
        return File.Exists(path) ? ReadManifest(path) : throw new ModelRegistryException($"{path}: no version {version} for series '{Series}'");
    }

    /// <summary>Makes <paramref name="version"/> active after loading it successfully; on any failure the active version is unchanged.</summary>
    public ModelManifest Promote(int version)
    {
        var manifest = Get(version);
        Load(version); // throws with the reason; active.json is only written after this succeeds
        ActiveState state;
        try
        {
            state = ReadActive() ?? new ActiveState();
        }
        catch (ModelRegistryException)
        {
            // A damaged pointer would refuse every promotion for ever: it is kept aside for a look, and the history restarts here.
            File.Move(ActivePath, ActivePath + ".damaged", overwrite: true);
            state = new ActiveState();
        }

        state.History.Add(version);
        WriteAtomically(ActivePath, JsonSerializer.Serialize(state, Json));
        return manifest;
    }

    /// <summary>Returns to the version active before the current one (validated first).</summary>
    public ModelManifest Rollback()
    {
        var state = ReadActive();
        if (state is null || state.History.Count < 2)
        {
            throw new ModelRegistryException($"{ActivePath}: no earlier version to roll back to");
        }

        var previous = state.History[^2];
        Load(previous);
        state.History.RemoveAt(state.History.Count - 1);
        WriteAtomically(ActivePath, JsonSerializer.Serialize(state, Json));
        return Get(previous);
    }

    /// <summary>Loads the active version, for a forecaster's <see cref="IRetrainableForecaster.UseModel"/>.</summary>
    public TrainedDemandModel LoadActive() =>
        Active is { } active ? Load(active.Version) : throw new ModelRegistryException($"{ActivePath}: no active model for series '{Series}'");

    /// <summary>Loads and validates one version: checksum, ML.NET deserialisation, FastTree ensemble, feature layout.</summary>
    public TrainedDemandModel Load(int version)
    {
        var manifest = Get(version);
        var path = Path.Combine(Directory, manifest.File);
        var keeps = ActiveOrNull() is { History.Count: > 0 } s ? $"version {s.History[^1]} stays active" : "no version is active";
        if (!File.Exists(path))
        {
            throw new ModelRegistryException($"{path}: model file missing; {keeps}");
        }

        if (!string.Equals(Checksum(path), manifest.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelRegistryException($"{path}: corrupt model file (SHA-256 does not match its manifest); {keeps}");
        }

        if (manifest.Model.FeatureLayout != FeatureBuilder.LayoutVersion)
        {
            throw new ModelRegistryException($"{path}: built for feature layout {manifest.Model.FeatureLayout}, this build uses {FeatureBuilder.LayoutVersion}; {keeps}");
        }

        var context = new MLContext(seed: 0);
        ITransformer transformer;
        DataViewSchema schema;
        try
        {
            using var stream = File.OpenRead(path);
            transformer = context.Model.Load(stream, out schema);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new ModelRegistryException($"{path}: corrupt model file, ML.NET cannot load it ({ex.Message}); {keeps}", ex);
        }

        var model = new TrainedDemandModel(context, transformer, schema, manifest.Model) { Version = version };
        if (!model.HasTreeEnsemble)
        {
            throw new ModelRegistryException($"{path}: not a FastTree regression model; {keeps}");
        }

        return model;
    }

    private string ManifestPath(int version) => Path.Combine(Directory, $"v{version:D4}.json");

    /// <summary>The versions whose manifest files exist (<c>v0007.json</c> is 7), whatever their contents.</summary>
    private IEnumerable<int> ManifestVersions() =>
        !System.IO.Directory.Exists(Directory) ? []
        : System.IO.Directory.EnumerateFiles(Directory, "v*.json")
            .Select(f => int.TryParse(Path.GetFileNameWithoutExtension(f).AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0);

    private static ModelManifest ReadManifest(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<ModelManifest>(File.ReadAllText(path), Json) ?? throw new JsonException("empty manifest");
        }
        catch (JsonException ex)
        {
            throw new ModelRegistryException($"{path}:{(ex.LineNumber ?? 0) + 1}: invalid manifest ({ex.Message})", ex);
        }
    }

    /// <summary>The active pointer for a message: null when missing or damaged (the promotion that follows rewrites it).</summary>
    private ActiveState? ActiveOrNull()
    {
        try
        {
            return ReadActive();
        }
        catch (ModelRegistryException)
        {
            return null;
        }
    }

    private ActiveState? ReadActive()
    {
        if (!File.Exists(ActivePath))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ActiveState>(File.ReadAllText(ActivePath), Json);
        }
        catch (JsonException ex)
        {
            throw new ModelRegistryException($"{ActivePath}:{(ex.LineNumber ?? 0) + 1}: invalid active-version file ({ex.Message})", ex);
        }
    }

    private static string Checksum(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }

    /// <summary>Write-then-rename, so a crash mid-write never leaves a half-written manifest or active pointer.</summary>
    private static void WriteAtomically(string path, string text)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }

    private sealed class ActiveState
    {
        /// <summary>Versions in promotion order; the last is active, rollback drops it.</summary>
        public List<int> History { get; set; } = [];
    }
}
