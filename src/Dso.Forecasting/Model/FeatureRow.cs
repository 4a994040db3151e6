using Microsoft.ML.Data;

namespace Dso.Forecasting.Model;

/// <summary>One training or scoring example as ML.NET sees it.</summary>
internal sealed class FeatureRow
{
    [VectorType(FeatureBuilder.Count)]
    public float[] Features { get; set; } = new float[FeatureBuilder.Count];

    public float Label { get; set; }

    public float Weight { get; set; } = 1f;
}
