namespace Dso.Ingestion.Store;

/// <summary>One coarser level of a series: buckets of <paramref name="Resolution"/>, at most <paramref name="Capacity"/> of them.</summary>
public sealed record DownsampleTier(TimeSpan Resolution, int Capacity)
{
    public TimeSpan Retention => Resolution * Capacity;
}
