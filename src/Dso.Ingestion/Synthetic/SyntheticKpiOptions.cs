namespace Dso.Ingestion.Synthetic;

/// <summary>Shape of the built-in demand generator that the embedded default runs on.</summary>
public sealed record SyntheticKpiOptions
{
    public const double DefaultBaseRps = 400;

    public double BaseRps { get; init; } = DefaultBaseRps;

    /// <summary>Peak-to-mean swing of the daily cycle (0.6 = ±60%).</summary>
    public double DailyAmplitude { get; init; } = 0.6;

    /// <summary>Weekend demand relative to weekdays.</summary>
    public double WeekendFactor { get; init; } = 0.7;

    public double NoiseFraction { get; init; } = 0.05;

    /// <summary>Chance per minute that a short burst (a few minutes at 1.5–2.5×) starts.</summary>
    public double BurstChancePerMinute { get; init; } = 0.004;

    /// <summary>A marketing campaign: every <see cref="CampaignEvery"/>, demand ramps to <see cref="CampaignFactor"/>× for <see cref="CampaignLength"/>.</summary>
    public TimeSpan CampaignEvery { get; init; } = TimeSpan.FromDays(3);

    public TimeSpan CampaignLength { get; init; } = TimeSpan.FromHours(3);

    public double CampaignFactor { get; init; } = 2.5;

    public int Seed { get; init; } = 42;
}
