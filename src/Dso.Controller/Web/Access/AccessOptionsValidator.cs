using Microsoft.Extensions.Options;

namespace Dso.Controller.Web.Access;

/// <summary>Reports every malformed key at once, naming the key id and the field (never the value of a hash).</summary>
internal sealed class AccessOptionsValidator : IValidateOptions<AccessOptions>
{
    public ValidateOptionsResult Validate(string? name, AccessOptions options)
    {
        var errors = new List<string>();
        foreach (var (id, key) in options.Keys)
        {
            if (!AccessKeyStore.TryParseHash(key.Sha256, out _))
            {
                errors.Add($"{AccessOptions.Section}:Keys:{id}:Sha256 must be the 64 hex digits of the key's SHA-256 (was {(string.IsNullOrEmpty(key.Sha256) ? "missing" : $"{key.Sha256.Length} characters")})");
            }

            if (!AccessKeyStore.TryParseRole(key.Role, out _))
            {
                errors.Add($"{AccessOptions.Section}:Keys:{id}:Role must be 'analyst' or 'operator' (was '{key.Role}')");
            }
        }

        if (options.SessionLifetime <= TimeSpan.Zero || options.SessionLifetime > TimeSpan.FromDays(30))
        {
            errors.Add($"{AccessOptions.Section}:SessionLifetime must be between 0 and 30 days (was {options.SessionLifetime})");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
