using Dso.Integration.Tests.Infrastructure;

namespace Dso.Integration.Tests.Prometheus;

/// <summary>
/// One exporter, one real Prometheus scraping it and the controller's own /metrics, and the controller running a
/// prometheus-sourced policy against that Prometheus: the whole path, shared by the tests of a class.
/// </summary>
public sealed class PrometheusFixture : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dso-prom-it-").FullName;

    internal TestExporter Exporter { get; } = new();

    private PrometheusServer? _server;

    internal PrometheusServer Server => _server
        ?? throw new InvalidOperationException($"{PrometheusServer.Binary} is missing; with CI=true the Prometheus tests must run, so install it (apt-get install -y prometheus)");

    internal TestHost? Host { get; private set; }

    public async Task InitializeAsync()
    {
        if (!File.Exists(PrometheusServer.Binary))
        {
            // The tests are skipped (or, in CI, fail on their own with the reason); nothing to start.
            return;
        }

        var hostPort = FreePort.Next();
        _server = new PrometheusServer(("app", Exporter.Port), ("dso", hostPort));
        await Server.StartAsync();
        var policies = Path.Combine(_dir, "policies");
        Directory.CreateDirectory(policies);
        await File.WriteAllTextAsync(Path.Combine(policies, "shop.yaml"), Loops.PrometheusPolicyYaml(Server.Url, tick: "1m"));
        Host = await TestHost.StartAsync(Path.Combine(_dir, "data"), policies, hostPort, "--Dso:ClockSpeed=60");

        await Loops.WarmUpAsync(Server);
    }

    public async Task DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        _server?.Dispose();
        Exporter.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
