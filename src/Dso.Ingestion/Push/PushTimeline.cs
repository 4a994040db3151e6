namespace Dso.Ingestion.Push;

/// <summary>
/// How pushed timestamps meet the service clock. Clients stamp samples with wall-clock time (what every exporter
/// and <c>date</c> produce); the loop runs on the service clock, which the shipped settings run 60x faster. So: limits
/// on a sample's age and future skew are judged on wall time, a sample without a timestamp is stamped with the wall
/// time of its arrival, and every sample is then mapped onto service time through the clock's anchor
/// (<c>service = anchor_service + (wall - anchor_wall) x speed</c>), which keeps the order of samples and is the
/// identity at speed 1. Staleness (<c>stale_after</c>) is likewise a wall-clock duration.
/// </summary>
public sealed class PushTimeline
{
    private readonly TimeProvider _wall;
    private readonly long _anchorWallMs;
    private readonly long _anchorServiceMs;

    public PushTimeline(TimeProvider wall, DateTimeOffset anchorWall, DateTimeOffset anchorService, double speed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(speed, 1.0);
        _wall = wall;
        _anchorWallMs = anchorWall.ToUnixTimeMilliseconds();
        _anchorServiceMs = anchorService.ToUnixTimeMilliseconds();
        Speed = speed;
    }

    /// <summary>How many service seconds pass per wall-clock second.</summary>
    public double Speed { get; }

    public long WallNowMs => _wall.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A clock whose pushed timestamps are its own time (speed 1): tests, and production at <c>ClockSpeed: 1</c>.</summary>
    public static PushTimeline Identity(TimeProvider time)
    {
        var now = time.GetUtcNow();
        return new PushTimeline(time, now, now, 1);
    }

    /// <summary>The service time of a wall-clock instant (in Unix ms; callers bound it by the age and skew limits first).</summary>
    public long ToServiceMs(long wallMs) => Speed == 1
        ? wallMs
        : _anchorServiceMs + (long)Math.Round((wallMs - _anchorWallMs) * Speed);

    /// <summary>A span of service time as the wall-clock span it took (ages of pushed samples are told in wall time).</summary>
    public TimeSpan ToWall(TimeSpan serviceSpan) => Speed == 1 ? serviceSpan : serviceSpan / Speed;
}
