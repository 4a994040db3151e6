using System.Diagnostics;
using System.Text;

namespace Dso.Integration.Tests.Infrastructure;

/// <summary>
/// The built <c>dso</c> service as a real process (the executable the test project's build copies beside the tests),
/// on a free loopback port, with its stdout and stderr captured; <see cref="Kill"/> is a SIGKILL, as a crash.
/// </summary>
internal sealed class DsoService : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    public DsoService(string dataDirectory, string policies, string workingDirectory, double clockSpeed, IReadOnlyDictionary<string, string>? environment = null, params string[] extraArgs)
    {
        Port = FreePort.Next();
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in new[]
        {
            $"--Dso:DataDirectory={dataDirectory}", $"--Dso:PoliciesPath={policies}", $"--Dso:Listen={Url.ToString().TrimEnd('/')}",
            $"--Dso:ClockSpeed={clockSpeed.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            $"--Dso:ModelsDirectory={Path.Combine(workingDirectory, "models")}",
        }.Concat(extraArgs))
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException($"{Executable} did not start");
        _process.OutputDataReceived += (_, e) => { lock (_stdout) { _stdout.AppendLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (_stderr) { _stderr.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static string Executable => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "dso.exe" : "dso");

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/");

    public bool HasExited => _process.HasExited;

    public string StandardOutput
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Waits for <c>/readyz</c> to answer 200 (policies loaded, loops scheduled).</summary>
    public async Task WaitReadyAsync(TimeSpan within)
    {
        using var http = new HttpClient();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"dso exited with {_process.ExitCode} before it was ready: {StandardError}{StandardOutput}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(Url, "readyz"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (clock.Elapsed > within)
            {
                throw new TimeoutException($"dso was not ready within {within}: {StandardError}{StandardOutput}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>SIGKILL (no shutdown hooks run), then waits until the process is gone.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
