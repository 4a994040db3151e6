using Dso.Forecasting.Model;

namespace Dso.Forecasting;

/// <summary>Descriptive data of a trained model (serialised into the registry manifest).</summary>
public sealed record ModelInfo
{
    public string Algorithm { get; init; } = "fasttree";

    public int FeatureLayout { get; init; } = FeatureBuilder.LayoutVersion;

    public TimeSpan Step { get; init; }

    public int HorizonSteps { get; init; }

    public DateTimeOffset TrainedFrom { get; init; }

    public DateTimeOffset TrainedTo { get; init; }

    public int TrainingRows { get; init; }

    public string Series { get; init; } = "requests";

    /// <summary>Why it was trained: "initial", "schedule", "drift" or "manual".</summary>
    public string Reason { get; init; } = "manual";

    /// <summary>Accuracy figures at training time (e.g. rolling_mase_before, rolling_coverage_before, train_mae).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
}
