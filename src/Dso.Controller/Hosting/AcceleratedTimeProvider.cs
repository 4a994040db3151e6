using System.Globalization;

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

    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly DateTimeOffset Latest = new(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Loads or creates the anchor in <paramref name="dataDirectory"/>; speed 1 is the wall clock itself.</summary>
    public static TimeProvider Create(TimeProvider real, double speed, string dataDirectory)
    {
        if (speed <= 1)
        {
            return real;
        }

        var path = Path.Combine(dataDirectory, "clock-anchor.txt");
        var now = real.GetUtcNow();
        if (File.Exists(path))
        {
            // A damaged anchor must not be replaced quietly: service time would jump (back to now, or to a far year),
            // and decisions, spend and the budget period would follow it.
            var text = File.ReadAllText(path).Trim();
            if (text.Split(' ') is [var r, var v]
                && DateTimeOffset.TryParse(r, CultureInfo.InvariantCulture, DateTimeStyles.None, out var anchorReal)
                && DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.None, out var anchorVirtual)
                && anchorReal >= Earliest && anchorReal <= now && anchorVirtual >= Earliest && anchorVirtual <= Latest
                && (Latest - anchorVirtual).TotalSeconds / speed > (now - anchorReal).TotalSeconds + TimeSpan.FromDays(3650).TotalSeconds / speed)
            {
                return new AcceleratedTimeProvider(real, anchorReal, anchorVirtual, speed);
            }

            throw new InvalidDataException($"{path}: not a usable clock anchor ('{(text.Length > 80 ? text[..80] + "…" : text)}'; expected 'WALL SERVICE' times since 2000, " +
                $"the wall one not in the future): service time would jump. Restore it, or delete it to restart service time from now (logged decisions and spend keep their times)");
        }

        Directory.CreateDirectory(dataDirectory);
        File.WriteAllText(path, $"{now:o} {now:o}");
        return new AcceleratedTimeProvider(real, now, now, speed);
    }
}
