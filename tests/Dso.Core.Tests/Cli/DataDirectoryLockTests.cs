using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dso.Controller.Composition;
using Dso.Controller.Hosting;
using Dso.Core.Tests.Reconcile;

namespace Dso.Core.Tests.Cli;

/// <summary>One controller per data directory, held by an OS lock that a crash releases.</summary>
public sealed class DataDirectoryLockTests : IDisposable
{
    private readonly TestTraces _dir = new();

    private string DataDirectory => Path.Combine(_dir.Root, "data");

    [Fact]
    public void Acquire_WhileHeld_ThrowsSayingAnotherControllerRuns_AndSucceedsAfterRelease()
    {
        using (DataDirectoryLock.Acquire(DataDirectory))
        {
            var ex = Assert.Throws<DataDirectoryLockedException>(() => DataDirectoryLock.Acquire(DataDirectory));
            Assert.Contains("another dso controller is already running", ex.Message);
            Assert.Contains(DataDirectory, ex.Message);
        }

        using var again = DataDirectoryLock.Acquire(DataDirectory);
    }

    [Fact]
    public async Task SecondProcessOnTheSameData_ExitsNonZero_AndAfterAKill9TheLockIsFree()
    {
        var policies = Directory.CreateDirectory(Path.Combine(_dir.Root, "policies")).FullName;
        await File.WriteAllTextAsync(Path.Combine(policies, "shop.yaml"), DefaultPolicy.Text());
        var first = await StartServiceAsync(policies);
        try
        {
            var (code, _, err) = await DsoProcess.RunAsync(_dir.Root, TimeSpan.FromSeconds(60), Arguments(policies, DsoProcess.FreePort()));
            Assert.Equal(3, code);
            Assert.Contains("another dso controller is already running on the data directory", err);
        }
        finally
        {
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }

        // The lock file stays behind after SIGKILL; the OS dropped the lock, so a restart is not blocked.
        Assert.True(File.Exists(Path.Combine(DataDirectory, DataDirectoryLock.FileName)));
        var second = await StartServiceAsync(policies);
        second.Kill(entireProcessTree: true);
        await second.WaitForExitAsync();
    }

    private async Task<System.Diagnostics.Process> StartServiceAsync(string policies)
    {
        var port = DsoProcess.FreePort();
        var (stdout, stderr) = (new StringBuilder(), new StringBuilder());
        var process = DsoProcess.Start(_dir.Root, stdout, stderr, Arguments(policies, port));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                var health = await http.GetFromJsonAsync<JsonElement>("/healthz");
                if (health.GetProperty("status").GetString() == "ok")
                {
                    return process;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException($"the service did not become healthy (exited: {process.HasExited}; stderr: {stderr})");
    }

    private string[] Arguments(string policies, int port) =>
    [
        $"--Dso:DataDirectory={DataDirectory}", $"--Dso:PoliciesPath={policies}", $"--Dso:Listen=http://127.0.0.1:{port}",
        "--Dso:ClockSpeed=60", "--Logging:LogLevel:Default=Warning", $"--Dso:ModelsDirectory={Path.Combine(_dir.Root, "models")}",
    ];

    public void Dispose() => _dir.Dispose();
}
