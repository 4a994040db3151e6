namespace Dso.Ingestion.Push;

/// <summary>A parsed sample waiting for validation against limits and the store.</summary>
internal readonly record struct PendingSample(int Index, string Kpi, long TimeMs, double Value);
