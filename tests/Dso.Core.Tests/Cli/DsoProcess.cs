using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dso.Core.Tests.Cli;

/// <summary>Runs the built <c>dso</c> executable with stdout and stderr redirected (as a script or a pipe would).</summary>
internal static class DsoProcess
{
    public static string Executable => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "dso.exe" : "dso");

    public static Process Start(string workingDirectory, StringBuilder stdout, StringBuilder stderr, params string[] args) =>
        Start(workingDirectory, new Dictionary<string, string>(), stdout, stderr, args);

    /// <summary>As <see cref="Start(string, StringBuilder, StringBuilder, string[])"/>, with these variables added to the environment.</summary>
    public static Process Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, StringBuilder stdout, StringBuilder stderr, params string[] args)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (stdout) { stdout.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (stderr) { stderr.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Runs to completion (at most <paramref name="timeout"/>) and returns the exit code and both streams.</summary>
    public static Task<(int Code, string Out, string Err)> RunAsync(string workingDirectory, TimeSpan timeout, params string[] args) =>
        RunAsync(workingDirectory, new Dictionary<string, string>(), timeout, args);

    /// <summary>As <see cref="RunAsync(string, TimeSpan, string[])"/>, with these variables added to the environment.</summary>
    public static async Task<(int Code, string Out, string Err)> RunAsync(
        string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        var (stdout, stderr) = (new StringBuilder(), new StringBuilder());
        using var process = Start(workingDirectory, environment, stdout, stderr, args);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dso {string.Join(' ', args)} still running after {timeout} (stderr: {stderr})");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    public static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
