namespace Dso.Ingestion.Store;

public enum AppendStatus
{
    Appended,

    /// <summary>Same timestamp as the newest sample: the later write wins (a client retrying a batch is harmless).</summary>
    Replaced,

    /// <summary>Older than the series' newest sample; rings are append-only, so late data is refused rather than misplaced.</summary>
    OutOfOrder,

    /// <summary>The store holds its maximum number of series; refusing a new one keeps memory bounded.</summary>
    SeriesLimitReached,
}
