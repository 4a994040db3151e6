using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Dso.Controller.Web.Access;
using Dso.Integration.Tests.Infrastructure;

namespace Dso.Integration.Tests.Access;

/// <summary>Keys, roles, browser sessions and CSRF on the real service over loopback.</summary>
public sealed partial class AccessTests : IAsyncLifetime
{
    private const string AnalystKey = "analyst-key-0123456789";
    private const string OperatorKey = "operator-key-9876543210";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dso-access-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // The service may hold a file for a moment after stopping.
        }

        return Task.CompletedTask;
    }

    [Fact]
    public async Task NoKeysConfigured_ReadFromLoopback_AllowedButOperatorActionIs401()
    {
        await using var host = await StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/api/services")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/")).StatusCode);
        var reload = await host.Http.PostAsync("/api/policies/reload", null);
        Assert.Equal(HttpStatusCode.Unauthorized, reload.StatusCode);
        Assert.Contains("API key is required", await reload.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task NoKeysConfigured_AnonymousLoopbackReadsOff_ReadIs401()
    {
        await using var host = await StartAsync("--Access:AnonymousLoopbackReads=false");
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Http.GetAsync("/api/services")).StatusCode);
    }

    [Fact]
    public async Task KeysConfigured_EachRoleAndHeader_GetsItsAnswer()
    {
        await using var host = await StartAsync(KeySettings());
        var none = await host.Http.GetAsync("/api/decisions");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer", none.Headers.WwwAuthenticate.ToString());

        Assert.Equal(HttpStatusCode.OK, (await Send(host, HttpMethod.Get, "/api/decisions", bearer: AnalystKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(host, HttpMethod.Get, "/api/services", apiKey: AnalystKey)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(host, HttpMethod.Get, "/api/services", bearer: AnalystKey + "x")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(host, HttpMethod.Get, "/api/services", bearer: AnalystKey[..^1])).StatusCode);

        var analystActs = await Send(host, HttpMethod.Post, "/api/policies/reload", bearer: AnalystKey);
        Assert.Equal(HttpStatusCode.Forbidden, analystActs.StatusCode);
        Assert.Contains("operator role", await analystActs.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await Send(host, HttpMethod.Post, "/api/policies/reload", bearer: OperatorKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Send(host, HttpMethod.Get, "/api/services", apiKey: OperatorKey)).StatusCode);

        // Probes and scrapers stay open.
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task KeysConfigured_BrowserWithoutSession_IsSentToLogin()
    {
        await using var host = await StartAsync(KeySettings());
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.Http.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/?service=shop");
        request.Headers.Accept.ParseAdd("text/html");
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?returnUrl=%2F%3Fservice%3Dshop", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Session_LoginWithOperatorKey_CookieIsHttpOnlyStrictAndWritesNeedCsrfToken()
    {
        await using var host = await StartAsync(KeySettings());
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = host.Http.BaseAddress };

        var wrong = await LoginAsync(http, "not-a-key");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/services")).StatusCode);

        var login = await LoginAsync(http, OperatorKey, "/?service=shop");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/?service=shop", login.Headers.Location!.OriginalString);
        var setCookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("dso_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(OperatorKey, setCookie);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/services")).StatusCode);
        var forged = await http.PostAsync("/api/policies/reload", null);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("antiforgery", await forged.Content.ReadAsStringAsync());

        var token = await CsrfTokenAsync(http);
        using var withToken = new HttpRequestMessage(HttpMethod.Post, "/api/policies/reload");
        withToken.Headers.Add(AccessSchemes.CsrfHeader, token);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(withToken)).StatusCode);
    }

    [Fact]
    public async Task Session_LoginWithAnalystKey_CannotAct()
    {
        await using var host = await StartAsync(KeySettings());
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = host.Http.BaseAddress };
        Assert.Equal(HttpStatusCode.Redirect, (await LoginAsync(http, AnalystKey)).StatusCode);
        using var act = new HttpRequestMessage(HttpMethod.Post, "/api/policies/reload");
        act.Headers.Add(AccessSchemes.CsrfHeader, await CsrfTokenAsync(http));
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(act)).StatusCode);
    }

    [Fact]
    public async Task Login_OpenRedirect_GoesHomeInstead()
    {
        await using var host = await StartAsync(KeySettings());
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = host.Http.BaseAddress };
        var login = await LoginAsync(http, AnalystKey, "//evil.example/");
        Assert.Equal("/", login.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task BadKeyConfiguration_ServiceRefusesToStart_NamingEveryBadKey()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(
            "--Access:Keys:alice:Sha256=abc", "--Access:Keys:alice:Role=analyst",
            $"--Access:Keys:bob:Sha256={AccessKeyStore.Hash("k")}", "--Access:Keys:bob:Role=admin"));
        Assert.Contains("Access:Keys:alice:Sha256", ex.Message);
        Assert.Contains("Access:Keys:bob:Role", ex.Message);
        Assert.DoesNotContain(AccessKeyStore.Hash("k"), ex.Message);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://127.0.0.1:5080;http://[::1]:5080", true)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://*:5080", false)]
    [InlineData("http://+:5080", false)]
    [InlineData("http://10.1.2.3:5080", false)]
    [InlineData("http://127.0.0.1:5080;http://0.0.0.0:5081", false)]
    public void IsLoopback_ListenUrl_Classified(string listen, bool loopback) =>
        Assert.Equal(loopback, AccessStartupCheck.IsLoopback(listen));

    [Fact]
    public void Listening_KestrelEndpoints_ReplaceDsoListenInTheStartupWarning()
    {
        // Kestrel:Endpoints replaces Dso:Listen: the warning for a service exposed without keys judged the loopback
        // Dso:Listen while Kestrel listened on 0.0.0.0, and said nothing.
        var dso = new Dso.Controller.Hosting.DsoOptions { Listen = "http://127.0.0.1:5080" };
        var endpoints = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kestrel:Endpoints:Web:Url"] = "http://0.0.0.0:8080",
            ["Kestrel:Endpoints:Local:Url"] = "http://127.0.0.1:8081",
        }).Build();
        var none = new ConfigurationBuilder().Build();

        Assert.Equal("http://127.0.0.1:8081;http://0.0.0.0:8080", AccessStartupCheck.Listening(dso, endpoints));
        Assert.False(AccessStartupCheck.IsLoopback(AccessStartupCheck.Listening(dso, endpoints)));
        Assert.Equal("http://127.0.0.1:5080", AccessStartupCheck.Listening(dso, none));
    }

    private static string[] KeySettings() =>
    [
        $"--Access:Keys:reader:Sha256={AccessKeyStore.Hash(AnalystKey)}", "--Access:Keys:reader:Role=analyst",
        $"--Access:Keys:ops:Sha256={AccessKeyStore.Hash(OperatorKey).ToUpperInvariant()}", "--Access:Keys:ops:Role=operator",
    ];

    private async Task<TestHost> StartAsync(params string[] settings)
    {
        var policies = Path.Combine(_root, "policies");
        Directory.CreateDirectory(policies);
        File.WriteAllText(Path.Combine(policies, "shop.yaml"), Dso.Controller.Composition.DefaultPolicy.Text());
        return await TestHost.StartAsync(Path.Combine(_root, "data-" + Guid.NewGuid().ToString("N")), policies, null, settings);
    }

    private static Task<HttpResponseMessage> Send(TestHost host, HttpMethod method, string path, string? bearer = null, string? apiKey = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (apiKey is not null)
        {
            request.Headers.Add(AccessSchemes.ApiKeyHeader, apiKey);
        }

        return host.Http.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> LoginAsync(HttpClient http, string key, string returnUrl = "/")
    {
        var token = await CsrfTokenAsync(http);
        return await http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [AccessSchemes.CsrfField] = token,
            ["key"] = key,
            ["returnUrl"] = returnUrl,
        }));
    }

    private static async Task<string> CsrfTokenAsync(HttpClient http)
    {
        var form = await http.GetStringAsync("/login");
        return WebUtility.HtmlDecode(TokenField().Match(form).Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
