using Dso.Abstractions.Cloud;
using Dso.Policies.Parameters;

namespace Dso.Policies.Loading;

/// <summary>
/// The plug-in names the running product knows, so a policy naming an unknown strategy, metric source or
/// provider is rejected at load time with the list of known names instead of failing at the first tick.
/// </summary>
public sealed record PolicyVocabulary(IReadOnlyCollection<string> Strategies, IReadOnlyCollection<string> Sources, IReadOnlyCollection<string> Providers)
{
    /// <summary>The <c>metrics.options</c> keys each built-in source reads (see each source's factory).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyCollection<string>> BuiltInSourceOptions = new Dictionary<string, IReadOnlyCollection<string>>(StringComparer.Ordinal)
    {
        ["synthetic"] = ["seed", "base_rps"],
        ["trace"] = ["path"],
        ["prometheus"] = ["url", "timeout", "retries", "backoff", "backfill"],
        ["push"] = ["stale_after", "backfill"],
    };

    /// <summary>
    /// Names only: without <see cref="StrategyParameters"/> a parameter is only checked to be a number. The host
    /// (<c>dso</c> and <c>dso validate</c>) always supplies the strategies' declarations.
    /// </summary>
    public static readonly PolicyVocabulary Default = new(
        ["target-tracking", "cost-optimizer"],
        ["synthetic", "trace", "prometheus", "push"],
        ["simulated", "aws", "azure", "kubernetes"])
    {
        SourceOptions = BuiltInSourceOptions,
    };


    /// <summary>
    /// The provider plug-in's check of a service's binding (settings and groups), as "field: problem" lines; the
    /// host passes its provider registry's. Null checks names only.
    /// </summary>
    public Func<ProviderBinding, IReadOnlyList<string>>? ValidateBinding { get; init; }

    /// <summary>Each strategy's declared parameters by strategy name; a key not declared is an error.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ParameterSpec>>? StrategyParameters { get; init; }

    /// <summary>
    /// The <c>metrics.options</c> keys each source reads, by source name: any other key is an error (a typo such as
    /// <c>timout</c> would otherwise leave the default in force unnoticed). A source not listed takes any key.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyCollection<string>>? SourceOptions { get; init; }
}
