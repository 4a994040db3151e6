using Dso.Forecasting.Model;
using Microsoft.ML;

namespace Dso.Forecasting;

/// <summary>
/// A trained ML.NET regression model plus what is needed to use it again: the grid step and feature layout it was
/// trained for, its training window and metrics. Saved and loaded by <see cref="ModelRegistry"/>; used by a forecaster
/// through <see cref="IRetrainableForecaster.UseModel"/>.
/// </summary>
public sealed class TrainedDemandModel
{
    private readonly MLContext _context;
    private PredictionEngine<FeatureRow, ScoreRow>? _engine;
    private readonly FeatureRow _row = new();
    private readonly TreeEnsembleEvaluator? _trees;

    internal TrainedDemandModel(MLContext context, ITransformer transformer, DataViewSchema inputSchema, ModelInfo info)
    {
        _context = context;
        Transformer = transformer;
        InputSchema = inputSchema;
        Info = info;
        _trees = TreeEnsembleEvaluator.TryCreate(transformer);
    }

    /// <summary>Registry version once registered or loaded from a registry; null for a fresh, unregistered model.</summary>
    public int? Version { get; internal set; }

    /// <summary>"fasttree v3" (or "fasttree" while unregistered), as forecasts report it.</summary>
    public string Name => Version is { } v ? $"{Info.Algorithm} v{v}" : Info.Algorithm;

    /// <summary>What the model is, where it came from and how good it was; written as the registry manifest's core.</summary>
    public ModelInfo Info { get; }

    internal ITransformer Transformer { get; }

    internal DataViewSchema InputSchema { get; }

    internal MLContext Context => _context;

    /// <summary>Whether the trees could be read directly (always so for models this code trains).</summary>
    internal bool HasTreeEnsemble => _trees is not null;

    /// <summary>Scores through ML.NET's own PredictionEngine (tests compare it with the direct tree evaluation).</summary>
    internal float ScoreWithEngine(float[] features)
    {
        _engine ??= _context.Model.CreatePredictionEngine<FeatureRow, ScoreRow>(Transformer, InputSchema);
        Array.Copy(features, _row.Features, FeatureBuilder.Count);
        return _engine.Predict(_row).Score;
    }

    /// <summary>Scores one feature vector: straight from the trees when possible, else through a reused PredictionEngine.</summary>
    internal double Score(float[] features)
    {
        if (_trees is not null)
        {
            return _trees.Score(features);
        }

        _engine ??= _context.Model.CreatePredictionEngine<FeatureRow, ScoreRow>(Transformer, InputSchema);
        Array.Copy(features, _row.Features, FeatureBuilder.Count);
        return _engine.Predict(_row).Score;
    }
}
