using System.Diagnostics;
using Dso.Controller.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Dso.Integration.Tests.Infrastructure;

/// <summary>
/// The real service (<see cref="ServiceHost.Build"/>) on a free loopback port, with its data and policies in a temp
/// directory. Started and stopped like production, so snapshots and shutdown paths run for real.
/// </summary>
internal sealed class TestHost : IAsyncDisposable
{
    private TestHost(WebApplication app, int port)
    {
        App = app;
        Port = port;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public int Port { get; }

    public HttpClient Http { get; }

    public static async Task<TestHost> StartAsync(string dataDirectory, string policiesPath, int? port = null, params string[] settings)
    {
        var listen = port ?? FreePort.Next();
        string[] args =
        [
            $"--Dso:DataDirectory={dataDirectory}",
            $"--Dso:PoliciesPath={policiesPath}",
            $"--Dso:ModelsDirectory={Path.Combine(dataDirectory, "models")}",
            $"--Dso:Listen=http://127.0.0.1:{listen}",
            "--Logging:LogLevel:Default=Warning",
            .. settings,
        ];
        var app = ServiceHost.Build(args);
        await app.StartAsync();
        var host = new TestHost(app, listen);
        var deadline = Stopwatch.StartNew();
        while (!(await host.Http.GetAsync("/readyz")).IsSuccessStatusCode)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new TimeoutException("the service did not load its policies within 20s");
            }

            await Task.Delay(100);
        }

        return host;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
