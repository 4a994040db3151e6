namespace Dso.Controller.Hosting;

/// <summary>
/// Wall-clock time sped up by a factor around a fixed anchor, so a newcomer sees a day of scaling in minutes.
/// The anchor is persisted, so after a restart virtual time continues instead of jumping back.
/// </summary>
internal sealed class AcceleratedTimeProvider(TimeProvider real, DateTimeOffset anchorReal, DateTimeOffset anchorVirtual, double speed) : TimeProvider
{
    public double Speed => speed;

    /// <summary>How pushed wall-clock timestamps map onto this clock: through the same anchor.</summary>
    public Dso.Ingestion.Push.PushTimeline PushTimeline() => new(real, anchorReal, anchorVirtual, speed);

    public override DateTimeOffset GetUtcNow()
    {
        var elapsed = real.GetUtcNow() - anchorReal;
        return anchorVirtual + TimeSpan.FromTicks((long)(elapsed.Ticks * speed));
    }

    /// <summary>Loads or creates the anchor in <paramref name="dataDirectory"/>; speed 1 is the wall clock itself.</summary>
    public static TimeProvider Create(TimeProvider real, double speed, string dataDirectory)
    {
        if (speed <= 1)
        {
            return real;
        }

        var path = Path.Combine(dataDirectory, "clock-anchor.txt");
        var now = real.GetUtcNow();
        if (File.Exists(path) && File.ReadAllText(path).Split(' ') is [var r, var v] &&
            DateTimeOffset.TryParse(r, out var anchorReal) && DateTimeOffset.TryParse(v, out var anchorVirtual) && anchorReal <= now)
        {
            return new AcceleratedTimeProvider(real, anchorReal, anchorVirtual, speed);
        }

        Directory.CreateDirectory(dataDirectory);
        File.WriteAllText(path, $"{now:o} {now:o}");
        return new AcceleratedTimeProvider(real, now, now, speed);
    }
}
