namespace Dso.Controller.Web.Access;

/// <summary>
/// One API key, as configured under <c>Access:Keys:{id}</c>. Only the key's SHA-256 is stored, so a leaked
/// configuration file does not leak a usable key: <c>printf %s "$KEY" | sha256sum</c>.
/// </summary>
public sealed class AccessKeyOptions
{
    /// <summary>Lower- or upper-case hex of SHA-256 over the key's UTF-8 bytes (64 characters).</summary>
    public string? Sha256 { get; set; }

    /// <summary><c>analyst</c> (read) or <c>operator</c> (read and act).</summary>
    public string? Role { get; set; }
}
