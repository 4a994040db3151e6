using Dso.Integration.Tests.Infrastructure;
using Dso.Reconcile;
using Microsoft.Data.Sqlite;

namespace Dso.Integration.Tests.Restart;

/// <summary>
/// The real <c>dso</c> process on its embedded default policy, killed with SIGKILL after some decisions and started
/// again on the same data directory: the restarted service continues from the planner state the killed one saved in
/// its decision log, and says so in a <c>planner_state</c> event.
/// </summary>
public sealed class PlannerStateRestartTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dso-planner-restart-").FullName;

    private string Data => Path.Combine(_dir, "data");

    private string Log => Path.Combine(Data, "decisions.db");

    /// <summary>Saved after every tick (the default, every 10 s of real time, is ten ticks of the 60x clock).</summary>
    private static readonly string[] EveryTick = ["--Dso:PlannerStateInterval=00:00:00"];

    [Fact]
    public async Task Sigkill_ThenRestart_ContinuesFromTheSavedPlannerState()
    {
        var policies = Directory.CreateDirectory(Path.Combine(_dir, "policies")).FullName;
        long killedAfter;
        using (var first = new DsoService(Data, policies, _dir, clockSpeed: 60, null, EveryTick))
        {
            await first.WaitReadyAsync(TimeSpan.FromSeconds(30));
            killedAfter = await Eventually.WaitAsync(() => Task.FromResult(Count("SELECT count(*) FROM decisions")), n => n >= 6, TimeSpan.FromSeconds(60));
            Assert.True(killedAfter >= 6, $"only {killedAfter} decisions: {first.StandardError}");
            first.Kill();
        }

        Assert.Equal(1, Count("SELECT count(*) FROM planner_state WHERE service = 'shop'"));
        using var second = new DsoService(Data, policies, _dir, clockSpeed: 60, null, EveryTick);
        await second.WaitReadyAsync(TimeSpan.FromSeconds(30));
        var message = await Eventually.WaitAsync(() => Task.FromResult(Restored()), m => m is not null, TimeSpan.FromSeconds(30));

        Assert.NotNull(message);
        // The killed service decided at least killedAfter ticks; the restarted planner's record holds them.
        Assert.Matches(@"^restored demand record \((\d+) ticks", message);
        var ticks = long.Parse(System.Text.RegularExpressions.Regex.Match(message, @"\((\d+) ticks").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(ticks, killedAfter - 1, killedAfter + 5);
        Assert.Contains("the reactive counterfactual", message);
        Assert.Contains("budget pacing", message);

        // An operator sees it on the service's page and in the events API, not only in the database.
        using var http = new HttpClient { BaseAddress = second.Url };
        var page = await http.GetStringAsync("services/shop");
        Assert.Contains("<td>planner_state</td><td>restored demand record (", page);
        var events = await http.GetStringAsync("api/v1/events?service=shop&kind=planner_state");
        Assert.Contains("restored demand record (", events);
    }

    private long Count(string sql)
    {
        if (!File.Exists(Log))
        {
            return 0;
        }

        using var db = new SqliteConnection($"Data Source={Log};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        try
        {
            return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            // Not migrated yet.
            return 0;
        }
    }

    private string? Restored()
    {
        using var db = new SqliteConnection($"Data Source={Log};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT message FROM events WHERE kind = $k ORDER BY rowid DESC LIMIT 1";
        cmd.Parameters.AddWithValue("$k", ServiceLoop.PlannerStateEvent);
        return cmd.ExecuteScalar() as string;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
