using System.Security.Cryptography;
using System.Text;
using Dso.Controller.Hosting;
using Microsoft.Extensions.Options;

namespace Dso.Controller.Web;

/// <summary>
/// Checks <c>Authorization: Bearer ...</c> against the service's token in <c>Ingestion:PushTokens</c>. Both sides
/// are hashed first, so the constant-time compare also hides the token's length. Tokens are never logged.
/// </summary>
internal sealed class PushAuthenticator(IOptionsMonitor<IngestionOptions> options)
{
    private const string Scheme = "Bearer ";

    public bool IsAuthorized(string service, string? authorization)
    {
        if (!options.CurrentValue.PushTokens.TryGetValue(service, out var expected) || string.IsNullOrWhiteSpace(expected))
        {
            // No token configured: the service takes no pushes. Same answer as a wrong token, so probing learns nothing.
            return false;
        }

        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        Span<byte> given = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> wanted = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(authorization[Scheme.Length..].Trim()), given);
        // Trimmed like the header's: a token read from a secret file or `echo tok | base64` ends in a newline the exporter never sends.
        SHA256.HashData(Encoding.UTF8.GetBytes(expected.Trim()), wanted);
        return CryptographicOperations.FixedTimeEquals(given, wanted);
    }
}
