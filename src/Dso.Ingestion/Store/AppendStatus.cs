namespace Dso.Ingestion.Store;

public enum AppendStatus
{
    Appended,

    /// <summary>
    /// A sample with this timestamp and exactly this value is already stored: a client retrying a batch it did not
    /// see acknowledged. Nothing changes; it counts as accepted.
    /// </summary>
    Duplicate,

    /// <summary>A different value is already stored at this timestamp; the stored one stands (the first write wins).</summary>
    Conflict,

    /// <summary>Older than the series' newest sample and not a resend; rings are append-only, so late data is refused rather than misplaced.</summary>
    OutOfOrder,

    /// <summary>The store holds its maximum number of series; refusing a new one keeps memory bounded.</summary>
    SeriesLimitReached,
}
