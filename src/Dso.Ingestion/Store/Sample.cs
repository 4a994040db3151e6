namespace Dso.Ingestion.Store;

/// <summary>A raw sample: Unix milliseconds and value (16 bytes, so a ring of them is dense).</summary>
internal readonly record struct Sample(long TimeMs, double Value);
