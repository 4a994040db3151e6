using Dso.Controller.Composition;
using Dso.Core.Tests.Reconcile;
using Dso.DecisionLog;
using Dso.Testing;

namespace Dso.Core.Tests.Cli;

/// <summary>
/// A decisions.db with a damaged page stops the real <c>dso</c> at startup with one line naming the file and the way
/// out; before, the service started and its budget API failed on every call.
/// </summary>
public sealed class DamagedDecisionLogTests : IDisposable
{
    private readonly TestTraces _dir = new();

    [Fact]
    public async Task Start_DamagedPageInTheMiddle_RefusesWithOneLineNamingTheFileAndWhatToDo()
    {
        var (data, db) = await DataDirectoryAsync();
        using (var store = new SqliteDecisionLog(new SqliteDecisionLogOptions(db, BatchSize: 5000)))
        {
            // Two days of one-minute ticks: a few megabytes, so the middle of the file is table and index pages.
            await DecisionLogSeeder.SeedAsync(store, ["shop"], new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(2), TimeSpan.FromMinutes(1));
        }

        DamagePages(db, fraction: 0.5);

        var (code, _, err) = await RunDsoAsync(data);

        Assert.Equal(1, code);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith($"dso: cannot run: DecisionLogException: decision log '{db}' is damaged (PRAGMA quick_check: ", line);
        Assert.Contains($"restore {db} from a backup", line);
        Assert.Contains("or move it aside", line);
        Assert.EndsWith($"(data directory {data})", line);
    }

    [Fact]
    public async Task Start_LogWrittenByANewerBuild_RefusesWithOneLineSayingSo()
    {
        var (data, db) = await DataDirectoryAsync();
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA user_version = {Migrations.Latest + 5}";
            command.ExecuteNonQuery();
        }

        var (code, _, err) = await RunDsoAsync(data);

        Assert.Equal(1, code);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith($"dso: cannot run: DecisionLogException: decision log schema version {Migrations.Latest + 5} is newer than this build understands ({Migrations.Latest}): a newer dso wrote it", line);
        Assert.EndsWith($"(data directory {data})", line);
    }

    /// <summary>A data directory for decisions.db beside a policies directory holding the default policy.</summary>
    private async Task<(string Data, string Db)> DataDirectoryAsync()
    {
        var data = Directory.CreateDirectory(Path.Combine(_dir.Root, "data")).FullName;
        var policies = Directory.CreateDirectory(Path.Combine(_dir.Root, "policies")).FullName;
        await File.WriteAllTextAsync(Path.Combine(policies, "shop.yaml"), DefaultPolicy.Text());
        return (data, Path.Combine(data, "decisions.db"));
    }

    /// <summary>Runs the real dso on <paramref name="data"/> (loopback, any port) until it exits, 60 s at most.</summary>
    private Task<(int Code, string Out, string Err)> RunDsoAsync(string data) =>
        DsoProcess.RunAsync(_dir.Root, TimeSpan.FromSeconds(60), $"--Dso:DataDirectory={data}", $"--Dso:PoliciesPath={Path.Combine(_dir.Root, "policies")}",
            "--Dso:Listen=http://127.0.0.1:0", $"--Dso:ModelsDirectory={Path.Combine(_dir.Root, "models")}");

    /// <summary>Overwrites the start (the page header) of three pages around <paramref name="fraction"/> of the file.</summary>
    internal static void DamagePages(string path, double fraction)
    {
        const int PageSize = 4096;
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var middle = (long)(file.Length * fraction) / PageSize;
        foreach (var page in new[] { middle - 7, middle, middle + 7 })
        {
            file.Position = page * PageSize;
            file.Write(Enumerable.Repeat((byte)0xA5, 64).ToArray());
        }
    }

    public void Dispose() => _dir.Dispose();
}
