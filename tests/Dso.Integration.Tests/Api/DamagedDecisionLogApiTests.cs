using System.Net;
using System.Text.Json;
using Dso.Controller.Composition;
using Dso.DecisionLog;
using Dso.Integration.Tests.Infrastructure;
using Dso.Testing;
using Microsoft.Data.Sqlite;

namespace Dso.Integration.Tests.Api;

/// <summary>
/// A page of decisions.db that goes bad while the service runs (here: damaged before a start whose integrity check is
/// off) makes the API answer a 503 whose JSON names the file and the damage, not a bare 500.
/// </summary>
public sealed class DamagedDecisionLogApiTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dso-damaged-" + Guid.NewGuid().ToString("N"));
    private TestHost? _host;

    private string Db => Path.Combine(_root, "data", "decisions.db");

    public async Task InitializeAsync()
    {
        var policies = Directory.CreateDirectory(Path.Combine(_root, "policies")).FullName;
        await File.WriteAllTextAsync(Path.Combine(policies, "shop.yaml"), DefaultPolicy.Text());
        using (var store = new SqliteDecisionLog(new SqliteDecisionLogOptions(Db, BatchSize: 5000)))
        {
            await DecisionLogSeeder.SeedAsync(store, ["shop"], DateTimeOffset.UtcNow, TimeSpan.FromDays(2), TimeSpan.FromMinutes(1));
        }

        // The root page of the index the budget's month-by-day spend query reads; the loop's own reads do not use it.
        var page = RootPage("spend_to");
        await using (var file = new FileStream(Db, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = (page - 1) * 4096L;
            file.Write(Enumerable.Repeat((byte)0xA5, 64).ToArray());
        }

        _host = await TestHost.StartAsync(Path.Combine(_root, "data"), policies, null, "--DecisionLog:StartupCheckTimeout=00:00:00");
    }

    [Fact]
    public async Task Budget_DamagedPage_503WithJsonNamingTheFileAndTheDamage_NoStackTrace()
    {
        var response = await _host!.Http.GetAsync("/api/v1/budget");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal("decision log damaged", body.GetProperty("error").GetString());
        var detail = body.GetProperty("detail").GetString();
        Assert.Contains($"decision log '{Db}'", detail);
        Assert.Contains("database disk image is malformed", detail);
        Assert.Contains("from a backup", detail);
        Assert.DoesNotContain("   at ", text);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // The service may hold a file for a moment after stopping.
        }
    }

    private long RootPage(string name)
    {
        using var connection = new SqliteConnection($"Data Source={Db};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT rootpage FROM sqlite_master WHERE name = @name";
        cmd.Parameters.AddWithValue("@name", name);
        return Convert.ToInt64(cmd.ExecuteScalar());
    }
}
