using System.Net;
using Dso.Controller.Hosting;
using Microsoft.Extensions.Options;

namespace Dso.Controller.Web.Access;

/// <summary>Says at start-up, once, how open the service is: the operator should never be surprised by it.</summary>
internal sealed class AccessStartupCheck(IOptions<DsoOptions> dso, IConfiguration configuration, AccessKeyStore keys, ILogger<AccessStartupCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (keys.HasKeys)
        {
            return Task.CompletedTask;
        }

        var listen = Listening(dso.Value, configuration);
        if (IsLoopback(listen))
        {
            AccessLog.OpenOnLoopback(logger);
        }
        else
        {
            AccessLog.ExposedWithoutKeys(logger, listen);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>What the service listens on: Kestrel:Endpoints' URLs when set (they replace Dso:Listen), else Dso:Listen.</summary>
    public static string Listening(DsoOptions dso, IConfiguration configuration)
    {
        var endpoints = configuration.GetSection(ListenCertificateValidator.EndpointsSection).GetChildren().Select(e => e["Url"]).OfType<string>().ToList();
        return endpoints.Count > 0 ? string.Join(';', endpoints) : dso.Listen;
    }

    /// <summary>True when every address the listen URL names is a loopback one (<c>localhost</c>, 127.0.0.0/8, ::1).</summary>
    public static bool IsLoopback(string listen)
    {
        var urls = listen.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return urls.Length > 0 && urls.All(url =>
        {
            // Kestrel accepts hosts Uri rejects ('*', '+'); those bind everywhere.
            var host = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Host.Trim('[', ']') : "*";
            return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
                || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
        });
    }
}
