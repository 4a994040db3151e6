using System.ComponentModel.DataAnnotations;

namespace Dso.Controller.Hosting;

/// <summary>The service's own settings (section <c>Dso</c> of appsettings.json).</summary>
public sealed class DsoOptions
{
    public const string Section = "Dso";
    public const string DefaultDataDirectory = "data";
    public const string DefaultPoliciesPath = "policies";
    public const string DefaultListen = "http://127.0.0.1:5080";
    public const double DefaultClockSpeed = 1;
    public const string DefaultModelsDirectory = "models";

    /// <summary>Where the decision log, series snapshots and the simulated cloud's state live.</summary>
    [Required]
    public string DataDirectory { get; set; } = DefaultDataDirectory;

    /// <summary>A policy file or a directory of them; hot-reloaded.</summary>
    [Required]
    public string PoliciesPath { get; set; } = DefaultPoliciesPath;

    /// <summary>Listen URL. Loopback by default: exposing the API is a deliberate act.</summary>
    [Required]
    [Url]
    public string Listen { get; set; } = DefaultListen;

    /// <summary>How much faster than real time the clock runs (60 = an hour a minute); 1 in production.</summary>
    [Range(1, 3600)]
    public double ClockSpeed { get; set; } = DefaultClockSpeed;

    /// <summary>
    /// Real-time deadline of one tick, every cloud call and retry included; an apply still running then is logged
    /// as a failed outcome and the next tick converges from the actual fleet.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan TickDeadline { get; set; } = DefaultTickDeadline;

    public static readonly TimeSpan DefaultTickDeadline = TimeSpan.FromSeconds(45);

    /// <summary>
    /// Least real time between two saves of a service's planner state (README, "Restarts"): every tick of a one-minute
    /// service, every tenth of a service ticking each second (or of the 60x demo clock). 0 saves every tick.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:15:00")]
    public TimeSpan PlannerStateInterval { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:00.1", "01:00:00")]
    public TimeSpan PolicyReloadInterval { get; set; } = TimeSpan.FromSeconds(2);

    [Range(1, 5000)]
    public int DecisionPageSize { get; set; } = 100;

    /// <summary>The forecast model registry (one folder per service).</summary>
    [Required]
    public string ModelsDirectory { get; set; } = DefaultModelsDirectory;

    /// <summary>Scheduled retraining interval, in service time; drift triggers retraining in between.</summary>
    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00")]
    public TimeSpan RetrainInterval { get; set; } = TimeSpan.FromHours(6);
}
