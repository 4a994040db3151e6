namespace Dso.Controller.Web.Api;

/// <summary>Picks a bucket width so a range draws in at most <see cref="TargetBuckets"/> points, from round steps.</summary>
internal static class SeriesResolution
{
    public const int TargetBuckets = 600;
    public const int MaxBuckets = 5000;
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(400);

    private static readonly TimeSpan[] Steps =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(15),
        TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(3), TimeSpan.FromHours(6),
        TimeSpan.FromHours(12), TimeSpan.FromDays(1), TimeSpan.FromDays(7),
    ];

    public static TimeSpan Auto(TimeSpan range) => Steps.FirstOrDefault(s => range / s <= TargetBuckets, Steps[^1]);
}
