using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Dso.Controller.Composition;
using Dso.Core.Tests.Cli;
using Dso.Controller.Hosting;
using Dso.Core.Tests.Reconcile;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dso.Core.Tests.Hosting;

/// <summary>
/// An https <c>Dso:Listen</c> without a certificate Kestrel can load crashed the host once it started, with a stack
/// trace; the validator refuses it at start, naming <c>Dso:Listen</c> and the certificate setting.
/// </summary>
public sealed class ListenCertificateValidatorTests : IDisposable
{
    private const string Https = "https://127.0.0.1:0";
    private readonly TestTraces _dir = new();

    [Fact]
    public void Validate_HttpsWithoutCertificate_NamesListenAndWhatToSet()
    {
        var result = Validate(Https, []);

        Assert.True(result.Failed);
        Assert.StartsWith($"Dso:Listen '{Https}': https needs a server certificate and none is configured: set Kestrel:Certificates:Default:Path", result.FailureMessage);
        Assert.Contains("or listen on http://", result.FailureMessage);
    }

    [Fact]
    public void Validate_HttpsWithoutCertificateButADevelopmentCertificate_IsAccepted() =>
        Assert.True(Validate(Https, [], developmentCertificate: (DateTime.UtcNow.AddDays(-1), DateTime.UtcNow.AddDays(300))).Succeeded);

    [Theory]
    // Kestrel falls back to an out-of-date development certificate as readily as to a current one: clients refuse it.
    [InlineData(-300, -2, "expired at ")]
    [InlineData(2, 300, "not valid before ")]
    public void Validate_HttpsWithOnlyAnOutOfDateDevelopmentCertificate_SaysSoAndHowToRenewIt(int fromDays, int toDays, string expected)
    {
        var result = Validate(Https, [], developmentCertificate: (DateTime.UtcNow.AddDays(fromDays), DateTime.UtcNow.AddDays(toDays)));

        Assert.True(result.Failed);
        Assert.StartsWith($"Dso:Listen '{Https}': https needs a server certificate: none is configured and the development certificate Kestrel would use instead is refused by clients ({expected}", result.FailureMessage);
        Assert.Contains("make a new one with 'dotnet dev-certs https --clean' then 'dotnet dev-certs https', or set Kestrel:Certificates:Default:Path", result.FailureMessage);
    }

    [Theory]
    [InlineData("cert.pfx", null)]
    [InlineData(null, "CN=localhost")]
    public void Validate_AllowInvalidNotABoolean_NamesTheSettingAndItsValue(string? path, string? subject)
    {
        WriteCertificates();
        var settings = new Dictionary<string, string?>
        {
            ["Kestrel:Certificates:Default:Path"] = path, ["Kestrel:Certificates:Default:Password"] = path is null ? null : "secret",
            ["Kestrel:Certificates:Default:Subject"] = subject, ["Kestrel:Certificates:Default:AllowInvalid"] = "yes",
        };

        var result = Validate(Https, settings);

        Assert.True(result.Failed);
        Assert.Equal($"Dso:Listen '{Https}': Kestrel:Certificates:Default:AllowInvalid must be true or false (was 'yes')", result.FailureMessage);
    }

    [Theory]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("http://127.0.0.1:0;http://[::1]:0")]
    public void Validate_HttpOnly_NeedsNoCertificate(string listen) => Assert.True(Validate(listen, []).Succeeded);

    [Theory]
    // Kestrel loads the default certificate at start whatever the URLs; these stopped an http-only service.
    [InlineData("missing.pfx", null, null, "Kestrel:Certificates:Default:Path 'missing.pfx': no such certificate file")]
    [InlineData("garbage.pfx", null, null, "Kestrel:Certificates:Default:Path 'garbage.pfx' cannot be loaded as a PKCS#12 (.pfx) file")]
    [InlineData("cert.pfx", "wrong", null, "Kestrel:Certificates:Default:Path 'cert.pfx' cannot be loaded as a PKCS#12 (.pfx) file with Kestrel:Certificates:Default:Password")]
    [InlineData(null, null, "CN=no-such-certificate", "Kestrel:Certificates:Default:Subject 'CN=no-such-certificate': no usable server certificate")]
    public void Validate_HttpOnlyWithADefaultCertificateKestrelCannotLoad_NamesTheCertificateSetting(string? path, string? password, string? subject, string expected)
    {
        WriteCertificates();
        var settings = new Dictionary<string, string?> { ["Kestrel:Certificates:Default:Path"] = path, ["Kestrel:Certificates:Default:Password"] = password, ["Kestrel:Certificates:Default:Subject"] = subject };

        var result = Validate("http://127.0.0.1:0", settings);

        Assert.True(result.Failed);
        Assert.StartsWith(expected, result.FailureMessage);
        Assert.EndsWith("(Kestrel loads the default certificate at start even though Dso:Listen 'http://127.0.0.1:0' is not https)", result.FailureMessage);
    }

    [Theory]
    // Loaded but served with by no URL: not a reason to refuse an http-only service (Kestrel starts with them).
    [InlineData("expired.pfx")]
    [InlineData("public.pfx")]
    [InlineData("cert.pfx")]
    public void Validate_HttpOnlyWithALoadableCertificateNothingServesWith_IsAccepted(string path)
    {
        WriteCertificates();
        var settings = new Dictionary<string, string?> { ["Kestrel:Certificates:Default:Path"] = path, ["Kestrel:Certificates:Default:Password"] = "secret" };

        Assert.True(Validate("http://127.0.0.1:0", settings).Succeeded, Validate("http://127.0.0.1:0", settings).FailureMessage);
    }

    [Theory]
    [InlineData("missing.pfx", null, null, "Kestrel:Certificates:Default:Path 'missing.pfx': no such certificate file")]
    [InlineData("garbage.pfx", null, null, "Kestrel:Certificates:Default:Path 'garbage.pfx' cannot be loaded as a PKCS#12 (.pfx) file without a password")]
    [InlineData("cert.pfx", "wrong", null, "Kestrel:Certificates:Default:Path 'cert.pfx' cannot be loaded as a PKCS#12 (.pfx) file with Kestrel:Certificates:Default:Password")]
    [InlineData("cert.pem", null, null, "Kestrel:Certificates:Default:Path 'cert.pem' cannot be loaded as a PKCS#12 (.pfx) file without a password; for a PEM certificate set Kestrel:Certificates:Default:KeyPath")]
    [InlineData("cert.pem", null, "missing.key", "Kestrel:Certificates:Default:KeyPath 'missing.key': no such key file")]
    [InlineData(".", null, null, "Kestrel:Certificates:Default:Path '.' is a directory, not a certificate file")]
    public void Validate_CertificateFileKestrelCannotLoad_NamesTheSetting(string path, string? password, string? keyPath, string expected)
    {
        WriteCertificates();
        var settings = new Dictionary<string, string?> { ["Kestrel:Certificates:Default:Path"] = path, ["Kestrel:Certificates:Default:Password"] = password, ["Kestrel:Certificates:Default:KeyPath"] = keyPath };

        var result = Validate(Https, settings);

        Assert.True(result.Failed);
        Assert.StartsWith($"Dso:Listen '{Https}': {expected}", result.FailureMessage);
    }

    [Theory]
    // Kestrel loads all three and serves them; clients refuse the first two, and the third has no key to serve with.
    [InlineData("expired.pfx", "Kestrel:Certificates:Default:Path 'expired.pfx': the certificate expired at ")]
    [InlineData("future.pfx", "Kestrel:Certificates:Default:Path 'future.pfx': the certificate is not valid before ")]
    [InlineData("public.pfx", "Kestrel:Certificates:Default:Path 'public.pfx' holds no private key")]
    public void Validate_CertificateFileNoClientAccepts_NamesTheSettingAndTheProblem(string path, string expected)
    {
        WriteCertificates();
        var settings = new Dictionary<string, string?> { ["Kestrel:Certificates:Default:Path"] = path, ["Kestrel:Certificates:Default:Password"] = "secret" };

        var result = Validate(Https, settings);

        Assert.True(result.Failed);
        Assert.StartsWith($"Dso:Listen '{Https}': {expected}", result.FailureMessage);
    }

    [Fact]
    public async Task Validate_ExpiredCertificateInAppsettings_IsLocatedAtListen()
    {
        WriteCertificates();
        Directory.CreateDirectory(Path.Combine(_dir.Root, "policies"));
        await File.WriteAllTextAsync(Path.Combine(_dir.Root, "policies", "shop.yaml"), DefaultPolicy.Text());
        var text = $$"""{ "Dso": { "Listen": "{{Https}}" }, "Kestrel": { "Certificates": { "Default": { "Path": "expired.pfx", "Password": "secret" } } } }""";
        await File.WriteAllTextAsync(Path.Combine(_dir.Root, "appsettings.json"), text);

        var (code, _, err) = await DsoProcess.RunAsync(_dir.Root, TimeSpan.FromSeconds(60), "validate");

        Assert.Equal(1, code);
        var column = text.IndexOf($"\"{Https}\"", StringComparison.Ordinal) + 1;
        Assert.Contains($"appsettings.json:1:{column}: Dso:Listen: '{Https}': Kestrel:Certificates:Default:Path 'expired.pfx': the certificate expired at ", err);
    }

    [Theory]
    [InlineData("cert.pfx", "secret", null)]
    [InlineData("cert.pem", null, "cert.key")]
    public void Validate_LoadableCertificate_IsAccepted(string path, string? password, string? keyPath)
    {
        WriteCertificates();
        var settings = new Dictionary<string, string?> { ["Kestrel:Certificates:Default:Path"] = path, ["Kestrel:Certificates:Default:Password"] = password, ["Kestrel:Certificates:Default:KeyPath"] = keyPath };

        Assert.True(Validate(Https, settings).Succeeded, Validate(Https, settings).FailureMessage);
    }

    [Fact]
    public async Task Service_HttpsWithAnAcceptedCertificate_StartsAndListensOnHttps()
    {
        WriteCertificates();
        await File.WriteAllTextAsync(Path.Combine(_dir.Root, "shop.yaml"), DefaultPolicy.Text());
        await using var app = ServiceHost.Build([
            $"--Dso:DataDirectory={Path.Combine(_dir.Root, "data")}", $"--Dso:PoliciesPath={Path.Combine(_dir.Root, "shop.yaml")}",
            $"--Dso:ModelsDirectory={Path.Combine(_dir.Root, "models")}", $"--Dso:Listen={Https}",
            $"--Kestrel:Certificates:Default:Path={Path.Combine(_dir.Root, "cert.pfx")}", "--Kestrel:Certificates:Default:Password=secret",
        ]);
        app.Services.GetRequiredService<IStartupValidator>().Validate();

        await app.StartAsync();
        try
        {
            Assert.StartsWith("https://", app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Theory]
    // Each stopped the service at start with a stack trace ("Invalid url", ArgumentOutOfRangeException 'port', "Unrecognized
    // scheme", "A path base can only be configured using IApplicationBuilder.UsePathBase()", "missing the required 'Url'").
    [InlineData("nonsense", "Kestrel:Endpoints:Web:Url 'nonsense': not a URL")]
    [InlineData("http://127.0.0.1:99999", "Kestrel:Endpoints:Web:Url 'http://127.0.0.1:99999': the port must be a number from 0 to 65535")]
    [InlineData("ftp://127.0.0.1:21", "Kestrel:Endpoints:Web:Url 'ftp://127.0.0.1:21': the scheme must be http or https")]
    [InlineData("http://127.0.0.1:5080/dso", "Kestrel:Endpoints:Web:Url 'http://127.0.0.1:5080/dso': no path may follow the port")]
    [InlineData(null, "Kestrel:Endpoints:Web has no Url: Kestrel refuses an endpoint without one at start (set Kestrel:Endpoints:Web:Url")]
    public void Validate_KestrelEndpointKestrelWouldRefuse_NamesTheEndpointsUrl(string? url, string expected)
    {
        var settings = new Dictionary<string, string?> { ["Kestrel:Endpoints:Web:Url"] = url, ["Kestrel:Endpoints:Web:Protocols"] = "Http1" };

        var result = Validate("http://127.0.0.1:0", settings);

        Assert.True(result.Failed);
        Assert.StartsWith(expected, result.FailureMessage);
    }

    [Fact]
    public void Validate_HttpsKestrelEndpoint_NeedsACertificateAndUsesItsOwn()
    {
        WriteCertificates();
        var without = new Dictionary<string, string?> { ["Kestrel:Endpoints:Web:Url"] = Https };
        var own = new Dictionary<string, string?>(without) { ["Kestrel:Endpoints:Web:Certificate:Path"] = "expired.pfx", ["Kestrel:Endpoints:Web:Certificate:Password"] = "secret" };
        var good = new Dictionary<string, string?>(without) { ["Kestrel:Endpoints:Web:Certificate:Path"] = "cert.pfx", ["Kestrel:Endpoints:Web:Certificate:Password"] = "secret" };

        Assert.StartsWith($"Kestrel:Endpoints:Web:Url '{Https}': https needs a server certificate and none is configured", Validate("http://127.0.0.1:0", without).FailureMessage);
        Assert.StartsWith($"Kestrel:Endpoints:Web:Url '{Https}': Kestrel:Endpoints:Web:Certificate:Path 'expired.pfx': the certificate expired at ", Validate("http://127.0.0.1:0", own).FailureMessage);
        Assert.True(Validate("http://127.0.0.1:0", good).Succeeded, Validate("http://127.0.0.1:0", good).FailureMessage);
    }

    [Fact]
    public void Validate_HttpsOnlySettingsOnAnHttpKestrelEndpoint_AreRefusedEachByItsKey()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Web:Url"] = "http://127.0.0.1:0",
            ["Kestrel:Endpoints:Web:SslProtocols:0"] = "Tls12",
            ["Kestrel:Endpoints:Web:ClientCertificateMode"] = "RequireCertificate",
            ["Kestrel:Endpoints:Api:Url"] = "http://127.0.0.1:0",
        };

        var result = Validate("http://127.0.0.1:0", settings);

        Assert.Equal(
            ["Kestrel:Endpoints:Web:SslProtocols is https-only and Kestrel:Endpoints:Web:Url 'http://127.0.0.1:0' is http: Kestrel refuses it at start (serve https, or remove it)",
             "Kestrel:Endpoints:Web:ClientCertificateMode is https-only and Kestrel:Endpoints:Web:Url 'http://127.0.0.1:0' is http: Kestrel refuses it at start (serve https, or remove it)"],
            result.Failures);
    }

    [Fact]
    public void Validate_GoodKestrelEndpoints_ReplaceListenAndAreAccepted()
    {
        // Kestrel:Endpoints replaces Dso:Listen, so an https Listen without a certificate does not matter then.
        var settings = new Dictionary<string, string?> { ["Kestrel:Endpoints:Web:Url"] = "http://127.0.0.1:0", ["Kestrel:Endpoints:Web:Protocols"] = "Http1AndHttp2" };

        Assert.True(Validate(Https, settings).Succeeded, Validate(Https, settings).FailureMessage);
    }

    public void Dispose() => _dir.Dispose();

    private ValidateOptionsResult Validate(string listen, Dictionary<string, string?> settings, (DateTime NotBefore, DateTime NotAfter)? developmentCertificate = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ListenCertificateValidator(configuration, _dir.Root, () => developmentCertificate).Validate(null, new DsoOptions { Listen = listen });
    }

    /// <summary>
    /// A self-signed server certificate as cert.pfx (password "secret") and as cert.pem with cert.key, and a garbage.pfx;
    /// as .pfx files with that password also one that expired yesterday, one valid from next week and one without its key.
    /// </summary>
    private void WriteCertificates()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        using var expired = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1));
        using var future = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(7), DateTimeOffset.UtcNow.AddDays(60));
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificate.RawData);
        File.WriteAllBytes(Path.Combine(_dir.Root, "cert.pfx"), certificate.Export(X509ContentType.Pfx, "secret"));
        File.WriteAllBytes(Path.Combine(_dir.Root, "expired.pfx"), expired.Export(X509ContentType.Pfx, "secret"));
        File.WriteAllBytes(Path.Combine(_dir.Root, "future.pfx"), future.Export(X509ContentType.Pfx, "secret"));
        File.WriteAllBytes(Path.Combine(_dir.Root, "public.pfx"), publicOnly.Export(X509ContentType.Pfx, "secret"));
        File.WriteAllText(Path.Combine(_dir.Root, "cert.pem"), certificate.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_dir.Root, "cert.key"), key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(_dir.Root, "garbage.pfx"), "not a certificate");
    }
}
