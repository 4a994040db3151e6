using Dso.Integration.Tests.Infrastructure;

namespace Dso.Integration.Tests.Push;

/// <summary>The real service with the push policies, on a free loopback port.</summary>
public sealed class PushHostFixture : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dso-push-it-").FullName;

    internal TestHost Host { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Host = await TestHost.StartAsync(Path.Combine(_dir, "data"), PushPolicies.Write(_dir), null, PushPolicies.Settings);

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
