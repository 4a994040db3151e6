namespace Dso.Controller.Hosting;

/// <summary>
/// One controller per data directory: two would interleave contradictory decisions in one log and each keep its own
/// simulated cloud. The lock is an OS-level exclusive lock on <c>dso.lock</c> (flock on Unix, a share-none handle on
/// Windows), held for the process's life; the OS drops it when the process exits or crashes, so a stale file left
/// after a crash never blocks a restart.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "dso.lock";

    private readonly FileStream _handle;

    private DataDirectoryLock(FileStream handle) => _handle = handle;

    /// <summary>Takes the lock or throws <see cref="DataDirectoryLockedException"/> saying another controller holds it.</summary>
    public static DataDirectoryLock Acquire(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        FileStream handle;
        try
        {
            handle = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new DataDirectoryLockedException(
                $"another dso controller is already running on the data directory {dataDirectory} (it holds {path}); stop it, or give this one its own --Dso:DataDirectory", ex);
        }

        // For the operator who wonders who holds it: `cat data/dso.lock` (cat does not take the lock).
        handle.SetLength(0);
        using (var writer = new StreamWriter(handle, leaveOpen: true))
        {
            writer.Write($"{Environment.ProcessId}\n");
        }

        handle.Flush(flushToDisk: true);
        return new DataDirectoryLock(handle);
    }

    public void Dispose() => _handle.Dispose();
}
