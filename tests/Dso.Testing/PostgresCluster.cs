using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Dso.Testing;

/// <summary>
/// A throwaway PostgreSQL 15 cluster: initdb into a temp directory, pg_ctl start on a free loopback port (socket in
/// the same directory), trust authentication for user <c>dso</c>; stopped and deleted on Dispose. As root the
/// server runs as the <c>postgres</c> user (PostgreSQL refuses to run as root).
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";

    private readonly string _dir;
    private readonly string _data;
    private readonly bool _asPostgres;

    private PostgresCluster(string dir, int port, bool asPostgres)
    {
        _dir = dir;
        _data = Path.Combine(dir, "data");
        Port = port;
        _asPostgres = asPostgres;
    }

    public int Port { get; }

    public static bool IsInstalled => File.Exists(Path.Combine(BinDirectory, "initdb"));

    /// <summary>Why a test needing PostgreSQL is skipped here, or null when it must run (installed, or CI=true).</summary>
    public static string? SkipReason =>
        IsInstalled || string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            ? null
            : $"PostgreSQL is not installed ({BinDirectory}; apt-get install -y postgresql) and CI is not 'true', so this test is skipped";

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=dso;Database={database};Pooling=true;Maximum Pool Size=20;Include Error Detail=true";

    public static PostgresCluster Start()
    {
        var dir = Directory.CreateTempSubdirectory("dso-pg-").FullName;
        var asPostgres = Environment.UserName == "root";
        var cluster = new PostgresCluster(dir, FreePort(), asPostgres);
        try
        {
            if (asPostgres)
            {
                Run("chown", "-R", "postgres:postgres", dir);
            }

            cluster.Pg("initdb", "-D", cluster._data, "-A", "trust", "-U", "dso", "--no-sync", "-E", "UTF8");
            cluster.Pg("pg_ctl", "-D", cluster._data, "-l", Path.Combine(dir, "server.log"), "-w", "-t", "60",
                "-o", $"-p {cluster.Port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off", "start");
            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>Creates a database for one test, so tests sharing the cluster do not see each other's rows.</summary>
    public string CreateDatabase()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..12];
        Pg("createdb", "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "dso", name);
        return ConnectionString(name);
    }

    public void Dispose()
    {
        try
        {
            if (File.Exists(Path.Combine(_data, "postmaster.pid")))
            {
                Pg("pg_ctl", "-D", _data, "-m", "immediate", "-w", "stop");
            }
        }
        catch (InvalidOperationException)
        {
            // Already stopped; the directory goes anyway.
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held for a moment; a leftover temp directory is harmless.
        }
    }

    private void Pg(string tool, params string[] args)
    {
        var binary = Path.Combine(BinDirectory, tool);
        if (_asPostgres)
        {
            Run("runuser", ["-u", "postgres", "--", binary, .. args]);
        }
        else
        {
            Run(binary, args);
        }
    }

    private static void Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} did not finish within 120 s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
