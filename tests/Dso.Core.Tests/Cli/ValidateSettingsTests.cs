using Dso.Controller.Composition;
using Dso.Core.Tests.Policies;
using Dso.Core.Tests.Reconcile;

namespace Dso.Core.Tests.Cli;

/// <summary>
/// <c>dso validate</c> checks the service's settings with the service's own validators: every setting the service
/// would refuse at start is an error at its value's <c>file:line:column</c>, or named by its environment variable.
/// </summary>
public sealed class ValidateSettingsTests : IDisposable
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(60);
    private readonly TestTraces _dir = new();

    public ValidateSettingsTests()
    {
        // A good policy beside the settings: only the settings decide the outcome.
        Directory.CreateDirectory(Path.Combine(_dir.Root, "policies"));
        File.WriteAllText(Path.Combine(_dir.Root, "policies", "shop.yaml"), DefaultPolicy.Text());
    }

    private static string Shipped => File.ReadAllText(Path.Combine(PolicyMutator.RepositoryRoot(), "appsettings.json"));

    [Theory]
    // The comment before the value has a two-byte letter: the column counts characters, not bytes.
    [InlineData("\"ClockSpeed\": 60", "\"ClockSpeed\": /* réglage */ 0", "0", "Dso:ClockSpeed", "The field ClockSpeed must be between 1 and 3600.")]
    [InlineData("\"QueueCapacity\": 1000", "\"queuecapacity\": 0", "0", "Alerts:QueueCapacity", "The field QueueCapacity must be between 1 and 100000.")]
    [InlineData("\"Alerts\": {", "\"Cloud\": { \"Resilience\": { \"BaseDelay\": \"00:00:30\", \"MaxDelay\": \"00:00:05\" } },\n  \"Alerts\": {", "\"00:00:30\"",
        "Cloud:Resilience:BaseDelay", "(00:00:30) must be at most Cloud:Resilience:MaxDelay (00:00:05)")]
    [InlineData("\"WebhookUrl\": null", "\"WebhookUrl\": \"hooks.example.com/dso\"", "\"hooks.example.com/dso\"", "Alerts:WebhookUrl", "must be an absolute http:// or https:// URL")]
    [InlineData("\"DecisionPageSize\": 100", "\"DecisionPageSize\": \"lots\"", "\"lots\"", "Dso:DecisionPageSize", "'lots' cannot be read as Int32")]
    [InlineData("\"Alerts\": {", "\"Cloud\": { \"RateLimits\": { \"Providers\": { \"aws\": { \"PermitsPerSecond\": 20000 } } } },\n  \"Alerts\": {", "20000",
        "Cloud:RateLimits:Providers:aws:PermitsPerSecond", "must be 0-10000, 0 for no limit (was 20000)")]
    public async Task Validate_BadSettingInAppsettings_IsLocatedAtItsValueAndExits1(string from, string to, string value, string key, string problem)
    {
        var text = Replace(Shipped, from, to);
        await File.WriteAllTextAsync(Path.Combine(_dir.Root, "appsettings.json"), text);

        var (code, stdout, err) = await DsoProcess.RunAsync(_dir.Root, Quick, "validate");

        Assert.Equal(1, code);
        Assert.Contains($"appsettings.json:{At(text, to, value)}: {key}: {problem}", err);
        Assert.Contains("ok: 1 service(s)", stdout);
        Assert.DoesNotContain("   at ", stdout + err);
    }

    [Fact]
    public async Task Validate_BadSettingsAndABadPolicy_ListsEveryErrorAtOnce()
    {
        var text = Replace(Replace(Shipped, "\"ClockSpeed\": 60", "\"ClockSpeed\": 0"), "\"WebhookUrl\": null", "\"WebhookUrl\": \"x/y\"");
        var settings = Path.Combine(_dir.Root, "prod.json");
        await File.WriteAllTextAsync(settings, text);
        await File.WriteAllTextAsync(Path.Combine(_dir.Root, "policies", "shop.yaml"),
            DefaultPolicy.Text().Replace("coverage_quantile: 0.98", "coverage_quantile: 1.5", StringComparison.Ordinal));

        var (code, _, err) = await DsoProcess.RunAsync(_dir.Root, Quick, "validate", "--settings", settings);

        Assert.Equal(1, code);
        Assert.Matches(@"shop\.yaml:\d+:\d+: service 'shop': strategy\.parameters\.coverage_quantile: must be in", err);
        Assert.Contains($"{settings}:{At(text, "\"ClockSpeed\": 0", "0")}: Dso:ClockSpeed: The field ClockSpeed must be between 1 and 3600.", err);
        Assert.Contains($"{settings}:{At(text, "\"x/y\"", "\"x/y\"")}: Alerts:WebhookUrl: must be an absolute", err);
    }

    [Fact]
    public async Task Validate_BadRateLimitsOfTwoProviders_NamesEachProviderAndFieldAtItsValue()
    {
        // The check of the providers' own limits said "Cloud:RateLimits:Providers:{name}: ..." for all of them at once,
        // placeholder and all, located at the section.
        var text = Replace(Shipped, "\"Alerts\": {",
            "\"Cloud\": { \"RateLimits\": { \"Providers\": {\n    \"aws\": { \"PermitsPerSecond\": -1 },\n    \"azure\": { \"Burst\": 0, \"QueueLimit\": -5 } } } },\n  \"Alerts\": {");
        await File.WriteAllTextAsync(Path.Combine(_dir.Root, "appsettings.json"), text);

        var (code, _, err) = await DsoProcess.RunAsync(_dir.Root, Quick, "validate");

        Assert.Equal(1, code);
        Assert.Contains($"appsettings.json:{At(text, "\"PermitsPerSecond\": -1", "-1")}: Cloud:RateLimits:Providers:aws:PermitsPerSecond: must be 0-10000, 0 for no limit (was -1)", err);
        Assert.Contains($"appsettings.json:{At(text, "\"Burst\": 0", "0")}: Cloud:RateLimits:Providers:azure:Burst: must be 1-100000 (was 0)", err);
        Assert.Contains($"appsettings.json:{At(text, "\"QueueLimit\": -5", "-5")}: Cloud:RateLimits:Providers:azure:QueueLimit: must be 0-100000 (was -5)", err);
        Assert.DoesNotContain("{name}", err);
    }

    [Fact]
    public async Task Validate_SettingsOfTheWrongType_AreLocatedAndTheirSectionsOtherErrorsStillShow()
    {
        // The binder stopped at the first value it could not convert: its section's other errors (here a second value
        // of the wrong type and one out of range) showed only once it was fixed.
        var text = Replace(Replace(Replace(Replace(Replace(Shipped,
            "\"ClockSpeed\": 60", "\"ClockSpeed\": \"fast\""),
            "\"PolicyReloadInterval\": \"00:00:02\"", "\"PolicyReloadInterval\": \"2s\""),
            "\"DecisionPageSize\": 100", "\"DecisionPageSize\": 0"),
            "\"QueueCapacity\": 1000", "\"QueueCapacity\": \"many\""),
            "\"WebhookUrl\": null", "\"WebhookUrl\": \"x/y\"");
        await File.WriteAllTextAsync(Path.Combine(_dir.Root, "appsettings.json"), text);

        var (code, stdout, err) = await DsoProcess.RunAsync(_dir.Root, Quick, "validate");

        Assert.Equal(1, code);
        Assert.Contains($"appsettings.json:{At(text, "\"ClockSpeed\": \"fast\"", "\"fast\"")}: Dso:ClockSpeed: 'fast' cannot be read as Double", err);
        Assert.Contains($"appsettings.json:{At(text, "\"PolicyReloadInterval\": \"2s\"", "\"2s\"")}: Dso:PolicyReloadInterval: '2s' cannot be read as TimeSpan", err);
        Assert.Contains($"appsettings.json:{At(text, "\"DecisionPageSize\": 0", "0")}: Dso:DecisionPageSize: The field DecisionPageSize must be between 1 and 5000.", err);
        Assert.Contains($"appsettings.json:{At(text, "\"QueueCapacity\": \"many\"", "\"many\"")}: Alerts:QueueCapacity: 'many' cannot be read as Int32", err);
        Assert.Contains($"appsettings.json:{At(text, "\"x/y\"", "\"x/y\"")}: Alerts:WebhookUrl: must be an absolute", err);
        Assert.Equal(5, err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.DoesNotContain("   at ", stdout + err);
    }

    [Fact]
    public async Task Validate_SettingOfTheWrongTypeFromTheEnvironment_IsNamedByItsVariableBesideTheFilesErrors()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir.Root, "appsettings.json"), Replace(Shipped, "\"ClockSpeed\": 60", "\"ClockSpeed\": 0"));
        var environment = new Dictionary<string, string> { ["DSO_Dso__DecisionPageSize"] = "lots" };

        var (code, _, err) = await DsoProcess.RunAsync(_dir.Root, environment, Quick, "validate");

        Assert.Equal(1, code);
        Assert.Contains("environment DSO_Dso__DecisionPageSize: Dso:DecisionPageSize: 'lots' cannot be read as Int32", err);
        Assert.Matches(@"appsettings\.json:\d+:\d+: Dso:ClockSpeed: The field ClockSpeed must be between 1 and 3600\.", err);
    }

    [Fact]
    public async Task Validate_BrokenJson_IsLocatedWithTheParsersReason()
    {
        var text = Replace(Shipped, "\"ClockSpeed\": 60,", "\"ClockSpeed\": 60");
        await File.WriteAllTextAsync(Path.Combine(_dir.Root, "appsettings.json"), text);

        var (code, stdout, err) = await DsoProcess.RunAsync(_dir.Root, Quick, "validate");

        Assert.Equal(1, code);
        Assert.Contains($"appsettings.json:{At(text, "\"PolicyReloadInterval\"", "\"PolicyReloadInterval\"")}: not valid JSON: '\"' is invalid after a value", err);
        Assert.DoesNotContain("   at ", stdout + err);
    }

    [Fact]
    public async Task Service_BrokenJson_IsOneLocatedLineNotAStackTrace()
    {
        var text = Replace(Shipped, "\"ClockSpeed\": 60,", "\"ClockSpeed\": 60");
        var settings = Path.Combine(_dir.Root, "appsettings.json");
        await File.WriteAllTextAsync(settings, text);

        var (code, stdout, err) = await DsoProcess.RunAsync(_dir.Root, Quick, $"--Dso:DataDirectory={Path.Combine(_dir.Root, "data")}", "--Dso:Listen=http://127.0.0.1:0");

        Assert.Equal(2, code);
        Assert.StartsWith($"dso: configuration rejected: {settings}:{At(text, "\"PolicyReloadInterval\"", "\"PolicyReloadInterval\"")}: not valid JSON:", err.Trim());
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", stdout + err);
    }

    [Fact]
    public async Task Service_BadSettingsInTwoSections_AreOneLineNamingBoth()
    {
        // Two sections failing at once reached the host as an AggregateException, printed with its stack trace.
        await File.WriteAllTextAsync(Path.Combine(_dir.Root, "appsettings.json"), """{ "Dso": { "ClockSpeed": 0 }, "Alerts": { "WebhookUrl": "x/y" } }""");

        var (code, stdout, err) = await DsoProcess.RunAsync(_dir.Root, Quick, $"--Dso:DataDirectory={Path.Combine(_dir.Root, "data")}", "--Dso:Listen=http://127.0.0.1:0");

        Assert.Equal(2, code);
        Assert.StartsWith("dso: configuration rejected:", err.Trim());
        Assert.Contains("ClockSpeed", err);
        Assert.Contains("Alerts:WebhookUrl", err);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", stdout + err);
    }

    [Fact]
    public async Task Service_SettingOfTheWrongTypeBesideOtherErrors_IsOneLineLocatingEach()
    {
        // The host bound Dso before its start-up check and stopped at 'fast': one error, without its place, the others unseen.
        const string text = """{ "Dso": { "ClockSpeed": "fast", "DecisionPageSize": 0 }, "Alerts": { "WebhookUrl": "x/y" } }""";
        var settings = Path.Combine(_dir.Root, "appsettings.json");
        await File.WriteAllTextAsync(settings, text);

        var (code, stdout, err) = await DsoProcess.RunAsync(_dir.Root, Quick, $"--Dso:DataDirectory={Path.Combine(_dir.Root, "data")}", "--Dso:Listen=http://127.0.0.1:0");

        Assert.Equal(2, code);
        Assert.StartsWith($"dso: configuration rejected: {settings}:{At(text, "\"fast\"", "\"fast\"")}: Dso:ClockSpeed: 'fast' cannot be read as Double; ", err.Trim());
        Assert.Contains($"{settings}:{At(text, "\"DecisionPageSize\": 0", "0")}: Dso:DecisionPageSize: The field DecisionPageSize must be between 1 and 5000.", err);
        Assert.Contains($"{settings}:{At(text, "\"x/y\"", "\"x/y\"")}: Alerts:WebhookUrl must be an absolute", err);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", stdout + err);
    }

    [Fact]
    public async Task Service_BadRateLimit_NamesTheProviderAndFieldAtItsValue()
    {
        const string text = """{ "Cloud": { "RateLimits": { "Providers": { "aws": { "Burst": 0 } } } } }""";
        var settings = Path.Combine(_dir.Root, "appsettings.json");
        await File.WriteAllTextAsync(settings, text);

        var (code, _, err) = await DsoProcess.RunAsync(_dir.Root, Quick, $"--Dso:DataDirectory={Path.Combine(_dir.Root, "data")}", "--Dso:Listen=http://127.0.0.1:0");

        Assert.Equal(2, code);
        Assert.Equal($"dso: configuration rejected: {settings}:{At(text, "\"Burst\": 0", "0")}: Cloud:RateLimits:Providers:aws:Burst must be 1-100000 (was 0)", err.Trim());
    }

    [Fact]
    public async Task LogLevelTheFrameworkCannotRead_IsRefusedByValidateAndAtStartAtItsValue()
    {
        // The framework read it while the host was built: "Unhandled exception: System.InvalidOperationException:
        // Configuration value 'Verbose' is not supported." with a stack trace, after dso validate had said ok.
        Directory.CreateDirectory(Path.Combine(_dir.Root, "policies"));
        await File.WriteAllTextAsync(Path.Combine(_dir.Root, "policies", "shop.yaml"), DefaultPolicy.Text());
        const string text = """{ "Logging": { "LogLevel": { "Default": "Verbose", "Microsoft": "warning" }, "Console": { "LogLevel": { "Quartz": "2", "Dso": "Loud" } } } }""";
        var settings = Path.Combine(_dir.Root, "appsettings.json");
        await File.WriteAllTextAsync(settings, text);

        var (validateCode, _, validateErr) = await DsoProcess.RunAsync(_dir.Root, Quick, "validate");
        var (code, stdout, err) = await DsoProcess.RunAsync(_dir.Root, Quick, $"--Dso:DataDirectory={Path.Combine(_dir.Root, "data")}", "--Dso:Listen=http://127.0.0.1:0");

        Assert.Equal(1, validateCode);
        Assert.Contains($"appsettings.json:{At(text, "\"Verbose\"", "\"Verbose\"")}: Logging:LogLevel:Default: must be a log level: Trace, Debug, Information, Warning, Error, Critical, None (was 'Verbose')", validateErr);
        Assert.Contains($"appsettings.json:{At(text, "\"Loud\"", "\"Loud\"")}: Logging:Console:LogLevel:Dso: must be a log level", validateErr);
        // A name in any case and a number are levels, as the framework reads them.
        Assert.DoesNotContain("Microsoft", validateErr);
        Assert.DoesNotContain("Quartz", validateErr);
        Assert.Equal(2, code);
        Assert.StartsWith($"dso: configuration rejected: {settings}:{At(text, "\"Verbose\"", "\"Verbose\"")}: Logging:LogLevel:Default must be a log level", err.Trim());
        Assert.Contains("Logging:Console:LogLevel:Dso must be a log level", err);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", stdout + err);
    }

    [Fact]
    public async Task ConsoleLoggerSettingsTheFrameworkCannotRead_AreRefusedByValidateAndAtStartAtTheirValues()
    {
        // The console logger binds these while the host is built: a wrong type stopped the service as "configuration
        // rejected: Failed to convert configuration value 'Nope' at 'LogToStandardErrorThreshold'..." (no place), a value
        // its setter refuses with "Unhandled exception: System.ArgumentOutOfRangeException" and a stack trace; dso
        // validate said ok to all of them. An unknown formatter name fell back to the simple one without a word.
        Directory.CreateDirectory(Path.Combine(_dir.Root, "policies"));
        await File.WriteAllTextAsync(Path.Combine(_dir.Root, "policies", "shop.yaml"), DefaultPolicy.Text());
        const string text = """{ "Logging": { "Console": { "FormatterName": "jsn", "MaxQueueLength": 0, "LogToStandardErrorThreshold": "Nope", "IncludeScopes": "true", "FormatterOptions": { "SingleLine": "maybe", "TimestampFormat": "HH:mm:ss ", "JsonWriterOptions": { "MaxDepth": -1 } } } } }""";
        var settings = Path.Combine(_dir.Root, "appsettings.json");
        await File.WriteAllTextAsync(settings, text);

        var (validateCode, _, validateErr) = await DsoProcess.RunAsync(_dir.Root, Quick, "validate");
        var (code, stdout, err) = await DsoProcess.RunAsync(_dir.Root, Quick, $"--Dso:DataDirectory={Path.Combine(_dir.Root, "data")}", "--Dso:Listen=http://127.0.0.1:0");

        Assert.Equal(1, validateCode);
        Assert.Contains($"appsettings.json:{At(text, "0, \"LogTo", "0")}: Logging:Console:MaxQueueLength: is out of range (was '0'): value must be larger than zero", validateErr);
        Assert.Contains($"appsettings.json:{At(text, "\"Nope\"", "\"Nope\"")}: Logging:Console:LogToStandardErrorThreshold: must be one of Trace, Debug, Information, Warning, Error, Critical, None (was 'Nope')", validateErr);
        Assert.Contains($"appsettings.json:{At(text, "\"maybe\"", "\"maybe\"")}: Logging:Console:FormatterOptions:SingleLine: must be true or false (was 'maybe')", validateErr);
        Assert.Contains($"appsettings.json:{At(text, "-1", "-1")}: Logging:Console:FormatterOptions:JsonWriterOptions:MaxDepth: is out of range (was '-1'): Max depth must be positive", validateErr);
        Assert.Contains($"appsettings.json:{At(text, "\"jsn\"", "\"jsn\"")}: Logging:Console:FormatterName: must name a console formatter: simple, json, systemd (was 'jsn')", validateErr);
        Assert.DoesNotContain("IncludeScopes", validateErr);
        Assert.DoesNotContain("TimestampFormat", validateErr);
        Assert.Equal(2, code);
        Assert.StartsWith($"dso: configuration rejected: {settings}:", err.Trim());
        Assert.Contains("Logging:Console:MaxQueueLength is out of range (was '0')", err);
        Assert.Contains("Logging:Console:FormatterOptions:JsonWriterOptions:MaxDepth is out of range (was '-1')", err);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", stdout + err);
    }

    [Fact]
    public async Task KestrelEndpointKestrelWouldRefuse_StopsTheServiceAsALocatedLine()
    {
        // Kestrel:Endpoints replaces Dso:Listen; "Invalid url: 'nonsense'" stopped the service with a stack trace, exit 1.
        const string text = """{ "Kestrel": { "Endpoints": { "Web": { "Url": "nonsense" } } } }""";
        var settings = Path.Combine(_dir.Root, "appsettings.json");
        await File.WriteAllTextAsync(settings, text);

        var (code, stdout, err) = await DsoProcess.RunAsync(_dir.Root, Quick, $"--Dso:DataDirectory={Path.Combine(_dir.Root, "data")}", "--Dso:Listen=http://127.0.0.1:0");

        Assert.Equal(2, code);
        Assert.StartsWith($"dso: configuration rejected: {settings}:{At(text, "\"nonsense\"", "\"nonsense\"")}: Kestrel:Endpoints:Web:Url 'nonsense': not a URL", err.Trim());
        Assert.DoesNotContain("   at ", stdout + err);
    }

    [Fact]
    public async Task DefaultCertificateKestrelCannotLoad_StopsAnHttpOnlyServiceAsALocatedLine()
    {
        // Kestrel loads Kestrel:Certificates:Default at start even when every URL is http: a missing file ended the
        // service as "dso: cannot run: FileNotFoundException: ...", a store subject it cannot find with a stack trace.
        const string text = """{ "Kestrel": { "Certificates": { "Default": { "Path": "missing.pfx" } } } }""";
        var settings = Path.Combine(_dir.Root, "appsettings.json");
        await File.WriteAllTextAsync(settings, text);

        var (code, stdout, err) = await DsoProcess.RunAsync(_dir.Root, Quick, $"--Dso:DataDirectory={Path.Combine(_dir.Root, "data")}", "--Dso:Listen=http://127.0.0.1:0");

        Assert.Equal(2, code);
        Assert.StartsWith($"dso: configuration rejected: {settings}:{At(text, "\"missing.pfx\"", "\"missing.pfx\"")}: Kestrel:Certificates:Default:Path 'missing.pfx': no such certificate file", err.Trim());
        Assert.Contains("even though Dso:Listen 'http://127.0.0.1:0' is not https", err);
        Assert.DoesNotContain("   at ", stdout + err);
    }

    [Fact]
    public async Task Validate_RepositoryAppsettings_Passes()
    {
        var (code, stdout, err) = await DsoProcess.RunAsync(PolicyMutator.RepositoryRoot(), Quick, "validate");

        Assert.True(code == 0, err);
        Assert.Contains("ok: settings appsettings.json", stdout);
    }

    [Fact]
    public async Task Validate_HostSettingTheBuilderCannotConvert_IsOneLineNotAnUnhandledException()
    {
        // Read by WebApplication.CreateBuilder itself: the service refused it in one line, validate crashed with a stack trace.
        var environment = new Dictionary<string, string> { ["DOTNET_hostBuilder__reloadConfigOnChange"] = "x" };

        var (code, stdout, err) = await DsoProcess.RunAsync(_dir.Root, environment, Quick, "validate");

        Assert.Equal(1, code);
        Assert.StartsWith("Failed to convert configuration value 'x' at 'hostBuilder:reloadConfigOnChange' to type 'System.Boolean'.", err.Trim());
        Assert.DoesNotContain("   at ", stdout + err);
    }

    [Fact]
    public async Task Validate_SettingFromTheEnvironment_IsNamedByItsVariable()
    {
        // The file's own value is good; the variable overrides it, in other letter case (keys are case-insensitive).
        await File.WriteAllTextAsync(Path.Combine(_dir.Root, "appsettings.json"), Shipped);
        var environment = new Dictionary<string, string> { ["DSO_dso__clockspeed"] = "0" };

        var (code, _, err) = await DsoProcess.RunAsync(_dir.Root, environment, Quick, "validate");

        Assert.Equal(1, code);
        Assert.Contains("environment DSO_dso__clockspeed: Dso:ClockSpeed: The field ClockSpeed must be between 1 and 3600.", err);
        Assert.DoesNotContain("appsettings.json:", err);
    }

    [Theory]
    [InlineData("missing.json", "missing.json: no such settings file")]
    [InlineData("policies", "policies: is a directory, not a settings file")]
    public async Task Validate_SettingsOptionNamingNoFile_IsAnErrorNamingIt(string given, string expected)
    {
        var (code, _, err) = await DsoProcess.RunAsync(_dir.Root, Quick, "validate", "--settings", given);

        Assert.Equal(1, code);
        Assert.Contains(expected, err);
    }

    [Fact]
    public async Task Validate_NoAppsettings_SaysTheDefaultsApplyAndPasses()
    {
        var (code, stdout, err) = await DsoProcess.RunAsync(_dir.Root, Quick, "validate");

        Assert.True(code == 0, err);
        Assert.Contains("settings: no appsettings.json here; the built-in defaults apply", stdout);
    }

    public void Dispose() => _dir.Dispose();

    private static string Replace(string text, string from, string to)
    {
        Assert.Contains(from, text);
        return text.Replace(from, to, StringComparison.Ordinal);
    }

    /// <summary>
    /// <c>line:column</c> (1-based, in characters, as an editor shows them) of <paramref name="value"/>'s last
    /// occurrence in <paramref name="snippet"/>, which occurs once in <paramref name="text"/>.
    /// </summary>
    private static string At(string text, string snippet, string value)
    {
        Assert.Single(text.Split(snippet).Skip(1));
        var index = text.IndexOf(snippet, StringComparison.Ordinal) + snippet.LastIndexOf(value, StringComparison.Ordinal);
        var lineStart = text.LastIndexOf('\n', Math.Max(0, index - 1)) + 1;
        return $"{text[..index].Count(c => c == '\n') + 1}:{index - lineStart + 1}";
    }
}
