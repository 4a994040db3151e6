using System.Net;
using Dso.Controller.Hosting;
using Microsoft.Extensions.Options;

namespace Dso.Controller.Web.Access;

/// <summary>Says at start-up, once, how open the service is: the operator should never be surprised by it.</summary>
internal sealed class AccessStartupCheck(IOptions<DsoOptions> dso, AccessKeyStore keys, ILogger<AccessStartupCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (keys.HasKeys)
        {
            return Task.CompletedTask;
        }

        if (IsLoopback(dso.Value.Listen))
        {
            AccessLog.OpenOnLoopback(logger);
        }
        else
        {
            AccessLog.ExposedWithoutKeys(logger, dso.Value.Listen);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

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
