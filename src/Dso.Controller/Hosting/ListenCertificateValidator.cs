using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace Dso.Controller.Hosting;

/// <summary>
/// An <c>https://</c> <see cref="DsoOptions.Listen"/> needs the certificate Kestrel reads from the standard
/// <c>Kestrel:Certificates:Default</c> settings (or the ASP.NET development certificate). Without one, or with one it
/// cannot load, Kestrel failed only once the host started, with a stack trace; this checks it as Kestrel will load it.
/// One Kestrel would load but no client accepts (expired, not yet valid) is refused too: it only fails every call.
/// When <c>Kestrel:Endpoints</c> is set it replaces the Listen URLs, and each endpoint is checked the same way (its URL,
/// its own certificate or the default one, no https-only settings on an http endpoint).
/// </summary>
internal sealed class ListenCertificateValidator(
    IConfiguration configuration, string contentRoot, Func<(DateTime NotBefore, DateTime NotAfter)?>? developmentCertificate = null, TimeProvider? time = null)
    : IValidateOptions<DsoOptions>
{
    public const string Section = "Kestrel:Certificates:Default";

    /// <summary>Kestrel's own endpoints: when set, they replace <see cref="DsoOptions.Listen"/>.</summary>
    public const string EndpointsSection = "Kestrel:Endpoints";

    /// <summary>The extension Kestrel looks for in the user's store when no certificate is configured (<c>dotnet dev-certs https</c>).</summary>
    private const string DevelopmentCertificateOid = "1.3.6.1.4.1.311.84.1.1";

    /// <summary>The validity (UTC) of the development certificate Kestrel would fall back to, or null when there is none.</summary>
    private readonly Func<(DateTime NotBefore, DateTime NotAfter)?> _developmentCertificate = developmentCertificate ?? FindDevelopmentCertificate;

    /// <summary>The wall clock, not the service's (possibly accelerated) one: clients judge the certificate by theirs.</summary>
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public ValidateOptionsResult Validate(string? name, DsoOptions options)
    {
        var https = FirstHttpsUrl(options.Listen);
        var endpoints = configuration.GetSection(EndpointsSection);
        if (endpoints.Exists())
        {
            // Kestrel:Endpoints replaces the Listen URLs: each endpoint is checked as Kestrel reads it at start, where
            // a bad one stopped the service with a stack trace ("Invalid url", a port out of range, no certificate).
            var problems = endpoints.GetChildren().SelectMany(EndpointProblems).ToList();
            if (!endpoints.GetChildren().Any(e => IsHttps(e["Url"]) && !OwnCertificate(e)) && DefaultLoadProblem() is { } unused)
            {
                problems.Add($"{unused} (Kestrel loads the default certificate at start even though no endpoint of {EndpointsSection} serves with it)");
            }

            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }

        if (https is null)
        {
            return DefaultLoadProblem() is not { } loaded ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"{loaded} (Kestrel loads the default certificate at start even though {DsoOptions.Section}:Listen '{options.Listen}' is not https)");
        }

        var problem = Problem(serving: true);
        return problem is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail($"{DsoOptions.Section}:Listen '{https}': {problem}");
    }

    /// <summary>
    /// Kestrel loads a configured default certificate at start whatever the URLs: one it cannot load (a missing file, a
    /// wrong password) stopped an http-only service as "cannot run: FileNotFoundException". Only what stops the load
    /// is checked here; a certificate nothing serves with may lack a key or be out of date. Null when none is configured.
    /// </summary>
    private string? DefaultLoadProblem()
    {
        var configured = configuration.GetSection(Section);
        return string.IsNullOrEmpty(configured["Path"]) && string.IsNullOrEmpty(configured["Subject"]) ? null : Problem(serving: false);
    }

    /// <summary>What Kestrel would refuse in one endpoint of <c>Kestrel:Endpoints</c> at start, each message starting with its key.</summary>
    private IEnumerable<string> EndpointProblems(IConfigurationSection endpoint)
    {
        var key = $"{EndpointsSection}:{endpoint.Key}";
        var url = endpoint["Url"];
        if (string.IsNullOrWhiteSpace(url))
        {
            yield return $"{key} has no Url: Kestrel refuses an endpoint without one at start (set {key}:Url, e.g. {DsoOptions.DefaultListen})";
            yield break;
        }

        if (DsoOptions.UrlProblem(url) is { } malformed)
        {
            yield return $"{key}:Url '{url}': {malformed} (e.g. {DsoOptions.DefaultListen})";
            yield break;
        }

        if (IsHttps(url))
        {
            if (Problem(serving: true, OwnCertificate(endpoint) ? $"{key}:Certificate" : Section) is { } certificate)
            {
                yield return $"{key}:Url '{url}': {certificate}";
            }

            yield break;
        }

        // Kestrel refuses https-only settings on an http endpoint ("The non-HTTPS endpoint ... includes HTTPS-only configuration").
        var httpsOnly = new[]
        {
            OwnCertificate(endpoint) ? "Certificate" : null,
            endpoint.GetSection("SslProtocols").Exists() ? "SslProtocols" : null,
            Enum.TryParse<ClientCertificateMode>(endpoint["ClientCertificateMode"], ignoreCase: true, out _) ? "ClientCertificateMode" : null,
            endpoint.GetSection("Sni").Exists() ? "Sni" : null,
        };
        foreach (var setting in httpsOnly.OfType<string>())
        {
            yield return $"{key}:{setting} is https-only and {key}:Url '{url}' is http: Kestrel refuses it at start (serve https, or remove it)";
        }
    }

    /// <summary>Whether an endpoint names its own certificate (a file or a store subject) rather than the default one.</summary>
    private static bool OwnCertificate(IConfigurationSection endpoint) =>
        !string.IsNullOrEmpty(endpoint["Certificate:Path"]) || !string.IsNullOrEmpty(endpoint["Certificate:Subject"]);

    private static bool IsHttps(string? url) => url?.TrimStart().StartsWith("https://", StringComparison.OrdinalIgnoreCase) == true;

    /// <param name="serving">Whether an https URL serves with it (else only what stops Kestrel from loading it counts).</param>
    /// <param name="section">The certificate's settings: the default one, or an endpoint's own <c>Certificate</c>.</param>
    private string? Problem(bool serving, string section = Section)
    {
        var certificate = configuration.GetSection(section);
        var (path, keyPath, password, subject) = (certificate["Path"], certificate["KeyPath"], certificate["Password"], certificate["Subject"]);
        var allowInvalidText = certificate["AllowInvalid"];
        var allowInvalid = false;
        if (!string.IsNullOrEmpty(allowInvalidText) && !bool.TryParse(allowInvalidText, out allowInvalid))
        {
            // Kestrel binds the whole section, so a bad value stops it whichever certificate is configured.
            return $"{section}:AllowInvalid must be true or false (was '{allowInvalidText}')";
        }

        if (!string.IsNullOrEmpty(path) && !string.IsNullOrEmpty(subject))
        {
            return $"{section}:Path and {section}:Subject are both set; set one (a certificate file or a certificate in the store)";
        }

        if (!string.IsNullOrEmpty(path))
        {
            return FileProblem(path, keyPath, password, serving, section);
        }

        if (!string.IsNullOrEmpty(subject))
        {
            return StoreProblem(subject, certificate["Store"], certificate["Location"], allowInvalid, serving, section);
        }

        var set = $"set {section}:Path (a .pfx file, with {section}:Password if it has one, " +
                  $"or a PEM certificate with {section}:KeyPath) or {section}:Subject (a certificate in the store), or listen on http://";
        if (_developmentCertificate() is not { } development)
        {
            return $"https needs a server certificate and none is configured: {set}";
        }

        // Kestrel falls back to the development certificate even when it is out of date; every client then refuses it.
        return Dates(development.NotBefore, development.NotAfter) is { } invalid
            ? $"https needs a server certificate: none is configured and the development certificate Kestrel would use instead is refused by clients " +
              $"({invalid}): make a new one with 'dotnet dev-certs https --clean' then " +
              $"'dotnet dev-certs https', or {set}"
            : null;
    }

    private string? FileProblem(string path, string? keyPath, string? password, bool serving, string section)
    {
        var full = Path.Combine(contentRoot, path);
        if (Directory.Exists(full))
        {
            return $"{section}:Path '{path}' is a directory, not a certificate file";
        }

        if (!File.Exists(full))
        {
            return $"{section}:Path '{path}': no such certificate file{(Path.IsPathRooted(path) ? "" : $" (relative to {contentRoot})")}";
        }

        var keyFull = string.IsNullOrEmpty(keyPath) ? null : Path.Combine(contentRoot, keyPath);
        if (keyFull is not null && !File.Exists(keyFull))
        {
            return $"{section}:KeyPath '{keyPath}': no such key file{(Path.IsPathRooted(keyPath!) ? "" : $" (relative to {contentRoot})")}";
        }

        try
        {
            using var loaded = keyFull is null ? X509CertificateLoader.LoadPkcs12FromFile(full, password)
                : password is null ? X509Certificate2.CreateFromPemFile(full, keyFull)
                : X509Certificate2.CreateFromEncryptedPemFile(full, password, keyFull);
            return !serving ? null
                : !loaded.HasPrivateKey ? $"{section}:Path '{path}' holds no private key (a PEM certificate needs {section}:KeyPath)"
                : ValidityProblem(loaded) is { } invalid ? $"{section}:Path '{path}': {invalid}"
                : null;
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            var form = keyFull is null
                ? $"a PKCS#12 (.pfx) file{(password is null ? " without a password" : $" with {section}:Password")}; for a PEM certificate set {section}:KeyPath"
                : $"a PEM certificate with its PEM key at {section}:KeyPath{(password is null ? "" : $", decrypted with {section}:Password")}";
            return $"{section}:Path '{path}' cannot be loaded as {form} ({ex.Message.ReplaceLineEndings(" ").TrimEnd('.')})";
        }
    }

    private string? StoreProblem(string subject, string? store, string? location, bool allowInvalid, bool serving, string section)
    {
        if (!Enum.TryParse<StoreLocation>(string.IsNullOrEmpty(location) ? nameof(StoreLocation.CurrentUser) : location, ignoreCase: true, out var storeLocation)
            || !Enum.IsDefined(storeLocation))
        {
            return $"{section}:Location must be CurrentUser or LocalMachine (was '{location}')";
        }

        try
        {
            // The newest of the subject's certificates, with its private key (Kestrel's own choice); AllowInvalid lets an
            // untrusted one through, which is what it is for, and also an expired one, which no client accepts.
            using var found = CertificateLoader.LoadFromStoreCert(subject, string.IsNullOrEmpty(store) ? nameof(StoreName.My) : store, storeLocation, allowInvalid);
            return serving && ValidityProblem(found) is { } invalid ? $"{section}:Subject '{subject}': {invalid}" : null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or CryptographicException or ArgumentException)
        {
            return $"{section}:Subject '{subject}': no usable server certificate in the {storeLocation}/{store ?? nameof(StoreName.My)} store ({ex.Message.ReplaceLineEndings(" ").TrimEnd('.')})";
        }
    }

    /// <summary>Why clients would refuse <paramref name="certificate"/> by its dates, or null while it is valid.</summary>
    private string? ValidityProblem(X509Certificate2 certificate) =>
        Dates(certificate.NotBefore.ToUniversalTime(), certificate.NotAfter.ToUniversalTime()) is { } invalid
            ? $"the certificate {(invalid.StartsWith("expired", StringComparison.Ordinal) ? $"{invalid}; renew it" : $"is {invalid}")}"
            : null;

    /// <summary>
    /// Why clients would refuse a certificate valid from <paramref name="notBefore"/> to <paramref name="notAfter"/> (UTC),
    /// as "expired at ..." or "not valid before ...", or null.
    /// </summary>
    private string? Dates(DateTime notBefore, DateTime notAfter)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        return now > notAfter ? $"expired at {Utc(notAfter)} (it is {Utc(now)})"
            : now < notBefore ? $"not valid before {Utc(notBefore)} (it is {Utc(now)})"
            : null;
    }

    private static string Utc(DateTime at) => at.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The first https URL of <paramref name="listen"/>; null when none (malformed ones are <see cref="DsoOptions.Validate"/>'s).</summary>
    private static string? FirstHttpsUrl(string? listen) =>
        (listen ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(IsHttps);

    /// <summary>
    /// The development certificate Kestrel falls back to without a configured one (<c>dotnet dev-certs https</c>, with its
    /// key, in the user's store): a currently valid one if any, else the one that expires last (UTC); null when none.
    /// </summary>
    private static (DateTime NotBefore, DateTime NotAfter)? FindDevelopmentCertificate()
    {
        try
        {
            using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
            store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            var now = TimeProvider.System.GetUtcNow().UtcDateTime;
            (DateTime NotBefore, DateTime NotAfter)? best = null;
            foreach (var certificate in store.Certificates)
            {
                if (certificate.Extensions.Any(e => e.Oid?.Value == DevelopmentCertificateOid) && certificate.HasPrivateKey)
                {
                    var validity = (NotBefore: certificate.NotBefore.ToUniversalTime(), NotAfter: certificate.NotAfter.ToUniversalTime());
                    var current = validity.NotBefore <= now && now <= validity.NotAfter;
                    var bestCurrent = best is { } b && b.NotBefore <= now && now <= b.NotAfter;
                    if (best is null || (current && !bestCurrent) || (current == bestCurrent && validity.NotAfter > best.Value.NotAfter))
                    {
                        best = validity;
                    }
                }

                certificate.Dispose();
            }

            return best;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
