using System.Net;
using System.Net.Sockets;

namespace Dso.Integration.Tests.Infrastructure;

internal static class FreePort
{
    /// <summary>A loopback port the OS just handed out; free again the moment this returns, which is good enough for tests.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
