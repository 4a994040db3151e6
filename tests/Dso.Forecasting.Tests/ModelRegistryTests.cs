using System.Text.Json.Nodes;

namespace Dso.Forecasting.Tests;

public sealed class ModelRegistryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"dso-models-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Rollback_AfterPromotingRetrainedModel_RestoresPreviousForecastsExactly()
    {
        var forecaster = TrainedForecaster();
        var registry = new ModelRegistry(_root, "checkout-rps");
        var v1 = registry.Register(forecaster.CurrentModel!, policy: "default", promote: true);
        var before = forecaster.Predict(12);

        Assert.True(forecaster.Retrain());
        var v2 = registry.Register(forecaster.CurrentModel!, policy: "default", promote: true);
        var retrained = forecaster.Predict(12);
        Assert.NotEqual(before.P50, retrained.P50);
        Assert.Equal(v2.Version, registry.Active!.Version);

        Assert.Equal(v1.Version, registry.Rollback().Version);
        forecaster.UseModel(registry.LoadActive());
        var restored = forecaster.Predict(12);
        Assert.StartsWith("fasttree v1", restored.Model);
        Assert.Equal(before.Model, restored.Model);
        Assert.Equal(before.P50, restored.P50);
        Assert.Equal(before.P10, restored.P10);
        Assert.Equal(before.P90, restored.P90);
    }

    [Fact]
    public void Register_Model_WritesZipAndManifestWithTrainingWindowAndMetrics()
    {
        var forecaster = TrainedForecaster();
        var registry = new ModelRegistry(_root, "checkout-rps");
        var manifest = registry.Register(forecaster.CurrentModel!, policy: "gold");
        Assert.True(File.Exists(Path.Combine(registry.Directory, "v0001.zip")));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(registry.Directory, "v0001.json")))!;
        Assert.Equal(1, (int)json["version"]!);
        Assert.Equal("gold", (string)json["policy"]!);
        Assert.Equal("checkout-rps", (string)json["series"]!);
        Assert.NotNull(json["model"]!["trainedFrom"]);
        Assert.NotNull(json["model"]!["metrics"]!["train_seconds"]);
        Assert.Null(registry.Active); // registered, not promoted
        Assert.Equal(manifest.Version, Assert.Single(registry.List()).Version);
    }

    [Fact]
    public void Register_AfterADamagedManifestOrActivePointer_SavesAndPromotesTheNextVersion()
    {
        // One damaged file once stopped every later save (the next number was read from the manifests) and every
        // promotion (the pointer could not be read), so each restart fell back to the seasonal baseline.
        var forecaster = TrainedForecaster();
        var registry = new ModelRegistry(_root, "checkout-rps");
        registry.Register(forecaster.CurrentModel!, promote: true);
        File.WriteAllText(Path.Combine(registry.Directory, "v0001.json"), "garbage");
        File.WriteAllText(Path.Combine(registry.Directory, "active.json"), """{"history":"x"}""");

        var next = registry.Register(forecaster.CurrentModel!, promote: true);

        Assert.Equal(2, next.Version);
        Assert.Equal(2, registry.Active!.Version);
        Assert.True(File.Exists(Path.Combine(registry.Directory, "active.json.damaged")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Promote_CorruptModelFile_RejectedWithClearErrorAndPreviousStaysActive(bool checksumAlsoForged)
    {
        var forecaster = TrainedForecaster();
        var registry = new ModelRegistry(_root, "checkout-rps");
        registry.Register(forecaster.CurrentModel!, promote: true);
        forecaster.Retrain();
        registry.Register(forecaster.CurrentModel!);
        var zip = Path.Combine(registry.Directory, "v0002.zip");
        File.WriteAllBytes(zip, [.. File.ReadAllBytes(zip).Take(200), 1, 2, 3]);
        if (checksumAlsoForged)
        {
            // Someone "fixed" the checksum: ML.NET itself must then refuse the file.
            var manifestPath = Path.Combine(registry.Directory, "v0002.json");
            var json = JsonNode.Parse(File.ReadAllText(manifestPath))!;
            json["sha256"] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(zip))).ToLowerInvariant();
            File.WriteAllText(manifestPath, json.ToJsonString());
        }

        var ex = Assert.Throws<ModelRegistryException>(() => registry.Promote(2));
        Assert.Contains("v0002.zip", ex.Message);
        Assert.Contains("corrupt", ex.Message);
        Assert.Contains("version 1 stays active", ex.Message);
        Assert.Equal(1, registry.Active!.Version);
        forecaster.UseModel(registry.LoadActive()); // the active one still loads
    }

    [Fact]
    public void Rollback_OnlyOneVersionPromoted_Refused()
    {
        var registry = new ModelRegistry(_root, "checkout-rps");
        registry.Register(TrainedForecaster().CurrentModel!, promote: true);
        Assert.Throws<ModelRegistryException>(() => registry.Rollback());
        Assert.Equal(1, registry.Active!.Version);
    }

    [Fact]
    public void UseModel_TrainedForOtherStep_Refused()
    {
        var model = TrainedForecaster().CurrentModel!;
        var hourly = DemandForecasters.CreateRetrainable(new ForecasterOptions { Step = TimeSpan.FromHours(1) });
        hourly.Observe(SyntheticSeries.Start, 1);
        Assert.Throws<ArgumentException>(() => hourly.UseModel(model));
    }

    private static IRetrainableForecaster TrainedForecaster()
    {
        var forecaster = ForecasterTests.Feed(SyntheticSeries.Daily(days: 3, TimeSpan.FromMinutes(5)), new ForecasterOptions { Horizon = TimeSpan.FromHours(1) });
        Assert.NotNull(forecaster.CurrentModel);
        return forecaster;
    }
}
