namespace Dso.DecisionLog;

/// <summary>
/// The decision log could not do what was asked; the message names the store and what was in progress. An
/// <see cref="InvalidOperationException"/> so callers that already handle one keep working; typed so the host can
/// tell a storage failure (a one-line refusal at startup, a 503 in the API) from a bug.
/// </summary>
public sealed class DecisionLogException(string message, Exception? inner = null) : InvalidOperationException(message, inner)
{
    /// <summary>SQLite's "database disk image is malformed" and "file is not a database".</summary>
    private const int Corrupt = 11;
    private const int NotADatabase = 26;

    /// <summary>Whether the store's file is damaged (restoring or moving it aside is the fix, not retrying).</summary>
    public bool Damaged { get; init; }

    /// <summary>What the operator should do about a damaged file, for messages that name it.</summary>
    public static string DamagedAdvice(string path) =>
        $"restore {path} from a backup (with the service stopped), or move it aside (with its -wal and -shm files) to start an empty log; " +
        "an empty log has no earlier decisions and restarts month-to-date spend, hence a hard budget, from zero";

    /// <summary>A failed SQLite operation on <paramref name="path"/>, with the way out when the file is damaged.</summary>
    internal static DecisionLogException FromSqlite(string path, string what, Microsoft.Data.Sqlite.SqliteException ex)
    {
        var damaged = ex.SqliteErrorCode is Corrupt or NotADatabase;
        var message = $"decision log '{path}': {what} failed: {ex.Message}";
        return new DecisionLogException(damaged ? $"{message} (the file is damaged: {DamagedAdvice(path)})" : message, ex) { Damaged = damaged };
    }

    internal static bool IsDamage(Microsoft.Data.Sqlite.SqliteException ex) => ex.SqliteErrorCode is Corrupt or NotADatabase;
}
