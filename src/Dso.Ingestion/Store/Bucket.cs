namespace Dso.Ingestion.Store;

/// <summary>
/// A downsampled interval: the mean (what forecasting wants), the max (what capacity planning wants, since a
/// mean hides peaks) and how many raw samples it summarizes, so buckets merge with correct weights.
/// </summary>
internal readonly record struct Bucket(long StartMs, double Mean, double Max, int Count)
{
    public Bucket Merge(double mean, double max, int count)
    {
        var total = Count + count;
        return new Bucket(StartMs, Mean + ((mean - Mean) * count / total), Math.Max(Max, max), total);
    }
}
