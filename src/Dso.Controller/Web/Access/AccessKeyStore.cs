using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Dso.Controller.Web.Access;

/// <summary>
/// Looks a presented key up among the configured hashes. The key is hashed once and compared against every
/// configured hash with <see cref="CryptographicOperations.FixedTimeEquals"/>, without stopping at the first match,
/// so the answer's timing says nothing about which key (or how much of one) was right.
/// </summary>
internal sealed class AccessKeyStore(IOptionsMonitor<AccessOptions> options)
{
    public bool HasKeys => options.CurrentValue.Keys.Count > 0;

    public bool AnonymousLoopbackReads => options.CurrentValue.AnonymousLoopbackReads;

    /// <summary>The matching key's id and role, or null.</summary>
    public (string Id, AccessRole Role)? Find(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }

        Span<byte> given = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), given);
        (string, AccessRole)? found = null;
        foreach (var (id, key) in options.CurrentValue.Keys)
        {
            if (TryParseHash(key.Sha256, out var wanted) && TryParseRole(key.Role, out var role)
                && CryptographicOperations.FixedTimeEquals(given, wanted) && found is null)
            {
                found = (id, role);
            }
        }

        return found;
    }

    public static bool TryParseHash(string? hex, out byte[] hash)
    {
        hash = [];
        if (hex is null || hex.Length != SHA256.HashSizeInBytes * 2 || !hex.All(Uri.IsHexDigit))
        {
            return false;
        }

        hash = Convert.FromHexString(hex);
        return true;
    }

    public static bool TryParseRole(string? text, out AccessRole role)
    {
        role = text?.Trim().ToLower(CultureInfo.InvariantCulture) switch
        {
            "analyst" => AccessRole.Analyst,
            "operator" => AccessRole.Operator,
            _ => 0,
        };
        return role != 0;
    }

    /// <summary>The hex SHA-256 of a key, as it goes into configuration.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
