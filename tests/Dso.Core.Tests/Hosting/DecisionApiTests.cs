using System.Net;
using System.Text.Json;
using Dso.Controller.Composition;
using Dso.Controller.Hosting;
using Dso.Core.Tests.Reconcile;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Dso.Core.Tests.Hosting;

/// <summary>The read API refuses bad query parameters by name; the page says when it shows accelerated service time.</summary>
public sealed class DecisionApiTests : IAsyncLifetime
{
    private readonly TestTraces _dir = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private WebApplication? _app;

    public async Task InitializeAsync()
    {
        var policies = Directory.CreateDirectory(Path.Combine(_dir.Root, "policies")).FullName;
        await File.WriteAllTextAsync(Path.Combine(policies, "shop.yaml"), DefaultPolicy.Text());
        _app = ServiceHost.Build([
            $"--Dso:DataDirectory={Path.Combine(_dir.Root, "data")}", $"--Dso:PoliciesPath={policies}", "--Dso:Listen=http://127.0.0.1:0",
            "--Dso:ClockSpeed=120", $"--Dso:ModelsDirectory={Path.Combine(_dir.Root, "models")}",
        ]);
        await _app.StartAsync();
        _http.BaseAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("abc")]
    [InlineData("10001")]
    [InlineData("")]
    public async Task Decisions_BadLimit_400WithJsonNamingTheParameter(string limit)
    {
        var response = await _http.GetAsync($"/api/decisions?limit={limit}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("limit", body.GetProperty("parameter").GetString());
        Assert.Contains($"(was '{limit}')", body.GetProperty("error").GetString());
    }

    [Theory]
    // Read month first, from=03/04/2026 queried from March 4 for an operator who meant 3 April.
    [InlineData("/api/v1/decisions?from=03/04/2026", "from", "03/04/2026")]
    [InlineData("/api/v1/decisions?from=2026-01-01T00:00:00Z&to=03-04-2026", "to", "03-04-2026")]
    [InlineData("/api/v1/events?from=03.04.2026%2010:00", "from", "03.04.2026 10:00")]
    [InlineData("/api/v1/showback?to=13/04/2026", "to", "13/04/2026")]
    public async Task Api_DateWrittenDayOrMonthFirst_400NamingTheParameterAndAskingForIso(string url, string parameter, string value)
    {
        var response = await _http.GetAsync(url);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url}: {(int)response.StatusCode} {text}");
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(parameter, body.GetProperty("parameter").GetString());
        Assert.StartsWith($"parameter '{parameter}': must be an ISO-8601 time: '{value}' writes the day and month first, which is ambiguous",
            body.GetProperty("error").GetString());
        Assert.Contains("write ISO 8601, yyyy-MM-ddTHH:mm:ssZ", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Decisions_GoodLimit_ReturnsAtMostThatMany()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement list;
        do
        {
            await Task.Delay(200);
            list = JsonDocument.Parse(await _http.GetStringAsync("/api/decisions?limit=2")).RootElement.Clone();
        }
        while (list.GetArrayLength() < 2 && DateTime.UtcNow < deadline);

        Assert.Equal(2, list.GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/api/decisions")).StatusCode);
    }

    [Fact]
    public async Task Page_AcceleratedClock_SaysItShowsServiceTime()
    {
        var page = await _http.GetStringAsync("/");
        Assert.Contains("id=\"clock\"", page);
        Assert.Contains("service time, running 120× faster than the wall clock", page);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _http.Dispose();
        _dir.Dispose();
    }
}
