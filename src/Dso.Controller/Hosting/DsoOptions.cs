using System.ComponentModel.DataAnnotations;

namespace Dso.Controller.Hosting;

/// <summary>The service's own settings (section <c>Dso</c> of appsettings.json).</summary>
public sealed class DsoOptions : IValidatableObject
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

    /// <summary>
    /// Listen URL (or several joined by ';', as Kestrel takes them). Loopback by default: exposing the API is a
    /// deliberate act. Checked in <see cref="Validate"/>, since Kestrel refuses a bad one only once the host starts.
    /// </summary>
    [Required]
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

    /// <summary>
    /// What Kestrel would refuse in <see cref="Listen"/> only after the service started (with a stack trace): another
    /// scheme, a port outside 0-65535, a path. Parsed as Kestrel parses it, so <c>http://*:5080</c> stays valid.
    /// </summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var url in (Listen ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (UrlProblem(url) is { } problem)
            {
                yield return new ValidationResult($"{Section}:Listen '{url}': {problem} (e.g. {DefaultListen})", [nameof(Listen)]);
            }
        }
    }

    /// <summary>
    /// Why Kestrel would refuse <paramref name="url"/> once the host starts (another scheme, a port outside 0-65535, a
    /// path, not a URL), or null: parsed as Kestrel parses it. For <see cref="Listen"/> and <c>Kestrel:Endpoints:*:Url</c>.
    /// </summary>
    public static string? UrlProblem(string url)
    {
        try
        {
            var address = Microsoft.AspNetCore.Http.BindingAddress.Parse(url);
            return address.Scheme is not ("http" or "https") ? "the scheme must be http or https"
                : !address.IsUnixPipe && (address.Port is < 0 or > 65_535 || UnparsedPort(address.Host)) ? "the port must be a number from 0 to 65535"
                : address.PathBase.Length > 0 ? "no path may follow the port (the service answers at the root)"
                : null;
        }
        catch (FormatException ex)
        {
            return $"not a URL ({ex.Message})";
        }
    }

    /// <summary>
    /// Kestrel reads <c>http://127.0.0.1:abc</c> as host "127.0.0.1:abc" on port 80, and a host that is not an IP
    /// address as every interface: a colon left in a host that is not a bracketed IPv6 address is a port it could not read.
    /// </summary>
    private static bool UnparsedPort(string host) => host.Contains(':') && !host.StartsWith('[');
}
