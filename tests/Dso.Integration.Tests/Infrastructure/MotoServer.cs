using System.Diagnostics;
using System.Net.Sockets;

namespace Dso.Integration.Tests.Infrastructure;

/// <summary>
/// The AWS emulator (<c>moto_server</c>, Python moto) on a free loopback port, killed on Dispose. Credentials are
/// dummies set in the environment, where the SDK's default chain finds them, as it would real ones.
/// </summary>
internal sealed class MotoServer : IDisposable
{
    public const string Region = "us-east-1";

    private readonly Process _process;

    public MotoServer()
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing-secret");
        Environment.SetEnvironmentVariable("AWS_REGION", Region);
        Port = FreePort.Next();
        var start = new ProcessStartInfo(Binary(), ["-H", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("moto_server did not start");
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var client = new TcpClient("127.0.0.1", Port);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                Thread.Sleep(200);
            }
        }
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/");

    /// <summary>moto_server on PATH (CI installs Python moto); a clear failure when it is missing.</summary>
    public static string Binary()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "moto_server")).FirstOrDefault(File.Exists);
        return path ?? throw new InvalidOperationException("moto_server is not on PATH: install Python moto[server] (pip install 'moto[server]==5.2.1'); .ci/run checks for it");
    }

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}
