namespace Dso.Forecasting;

/// <summary>
/// The JSON manifest written next to each saved model (<c>v0003.json</c> beside <c>v0003.zip</c>): which version,
/// for which series and policy, the checksum of the model file, and the model's training window and metrics.
/// </summary>
public sealed record ModelManifest
{
    public int Version { get; init; }

    public string Series { get; init; } = "";

    public string? Policy { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Model file name, relative to the manifest.</summary>
    public string File { get; init; } = "";

    /// <summary>SHA-256 of the model file: a truncated or edited file is refused before ML.NET even reads it.</summary>
    public string Sha256 { get; init; } = "";

    public ModelInfo Model { get; init; } = new();
}
