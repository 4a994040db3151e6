namespace Dso.Controller.Hosting;

/// <summary>Where the series store's snapshot lives (in the data directory, next to the decision log).</summary>
internal sealed record IngestionSnapshotPath(string Value);
