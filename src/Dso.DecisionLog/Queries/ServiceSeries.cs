namespace Dso.DecisionLog.Queries;

/// <summary>A service's downsampled series over a range, with its markers (at most <see cref="MaxMarkers"/>).</summary>
public sealed record ServiceSeries(string Service, DateTimeOffset From, DateTimeOffset To, TimeSpan Resolution, IReadOnlyList<SeriesBucket> Buckets, IReadOnlyList<SeriesMarker> Markers)
{
    public const int MaxMarkers = 2000;
}
