namespace Dso.Controller.Web.Access;

/// <summary>Who may read and act through the HTTP surface (section <c>Access</c>).</summary>
public sealed class AccessOptions
{
    public const string Section = "Access";
    public const bool DefaultAnonymousLoopbackReads = true;
    public static readonly TimeSpan DefaultSessionLifetime = TimeSpan.FromHours(8);

    /// <summary>API keys by id (the id names the key in logs; the key itself never appears anywhere).</summary>
    public Dictionary<string, AccessKeyOptions> Keys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// While no key is configured, requests from a loopback address may read without one, so the embedded
    /// default (<c>dotnet run</c>, bound to 127.0.0.1) works out of the box. Acting always needs an operator key,
    /// and as soon as one key is configured every request needs a key.
    /// </summary>
    public bool AnonymousLoopbackReads { get; set; } = DefaultAnonymousLoopbackReads;

    /// <summary>How long a browser session from the login form lasts (sliding).</summary>
    public TimeSpan SessionLifetime { get; set; } = DefaultSessionLifetime;
}
