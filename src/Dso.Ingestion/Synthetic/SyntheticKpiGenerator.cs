using Dso.Abstractions.Metrics;

namespace Dso.Ingestion.Synthetic;

/// <summary>
/// The product's own demand generator: daily and weekly seasonality, noise, short bursts and a periodic
/// marketing-campaign surge, plus KPIs that follow load (latency, errors, CPU, queue, conversion, revenue).
/// Deterministic in (seed, minute), so the same minute always gives the same values, on any clock.
/// </summary>
public sealed class SyntheticKpiGenerator(SyntheticKpiOptions options)
{
    public double RequestRate(DateTimeOffset at)
    {
        var t = at.ToUnixTimeSeconds() / 60;
        var hourOfDay = at.UtcDateTime.TimeOfDay.TotalHours;
        var daily = 1 + options.DailyAmplitude * Math.Sin(2 * Math.PI * (hourOfDay - 9) / 24);
        var weekly = at.UtcDateTime.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? options.WeekendFactor : 1.0;
        var rps = options.BaseRps * daily * weekly * Campaign(at) * Burst(t);
        return Math.Max(0, rps * (1 + options.NoiseFraction * Gaussian(t, 1)));
    }

    /// <summary>All KPIs of a minute. Latency and errors rise as demand nears the capacity it is given.</summary>
    public IReadOnlyDictionary<string, double> Kpis(DateTimeOffset at, double servingCapacityRps)
    {
        var t = at.ToUnixTimeSeconds() / 60;
        var rps = RequestRate(at);
        var utilization = servingCapacityRps > 0 ? rps / servingCapacityRps : 2.0;
        var latency = 80 / Math.Max(0.05, 1 - Math.Min(utilization, 0.95)) * (1 + 0.05 * Gaussian(t, 2));
        var errors = utilization > 1 ? Math.Min(0.5, (utilization - 1) * 0.5) : 0.002;
        var conversion = 0.031 * (1 - Math.Min(0.6, Math.Max(0, utilization - 0.9) * 2)) * (1 + 0.03 * Gaussian(t, 3));
        return new Dictionary<string, double>
        {
            [KpiNames.RequestRate] = rps,
            [KpiNames.LatencyP95Ms] = latency,
            [KpiNames.ErrorRate] = errors,
            [KpiNames.Cpu] = Math.Min(1, utilization * 0.8),
            [KpiNames.QueueLength] = Math.Max(0, (utilization - 0.9) * rps),
            [KpiNames.ConversionRate] = Math.Max(0, conversion),
            [KpiNames.RevenuePerTransaction] = 42 * (1 + 0.1 * Gaussian(t, 4)),
        };
    }

    private double Campaign(DateTimeOffset at)
    {
        var period = options.CampaignEvery.TotalMinutes;
        var phase = (at.ToUnixTimeSeconds() / 60.0 % period) - (period - options.CampaignLength.TotalMinutes);
        if (phase < 0)
        {
            return 1;
        }

        // Ramp up over a quarter of the campaign, hold, then decay: campaigns start fast and fade.
        var fraction = phase / options.CampaignLength.TotalMinutes;
        var shape = fraction < 0.25 ? fraction / 0.25 : 1 - ((fraction - 0.25) / 0.75 * 0.6);
        return 1 + (options.CampaignFactor - 1) * shape;
    }

    private double Burst(long minute)
    {
        for (var back = 0; back < 6; back++)
        {
            if (Uniform(minute - back, 5) < options.BurstChancePerMinute)
            {
                return 1.5 + Uniform(minute - back, 6);
            }
        }

        return 1;
    }

    private double Gaussian(long minute, int stream)
    {
        var u1 = Math.Max(1e-12, Uniform(minute, stream * 2));
        var u2 = Uniform(minute, (stream * 2) + 1);
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private double Uniform(long minute, int stream)
    {
        // SplitMix64 over (seed, minute, stream): stateless, so any clock can ask for any minute.
        var z = unchecked((ulong)minute * 0x9E3779B97F4A7C15UL + (ulong)options.Seed * 0xBF58476D1CE4E5B9UL + (ulong)stream * 0x94D049BB133111EBUL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
