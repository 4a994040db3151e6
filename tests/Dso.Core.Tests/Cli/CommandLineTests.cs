using Dso.Controller.Composition;
using Dso.Core.Tests.Reconcile;

namespace Dso.Core.Tests.Cli;

/// <summary>The real <c>dso</c> process: mistyped commands never start the service; bad policies fail with located errors.</summary>
public sealed class CommandLineTests : IDisposable
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(60);
    private readonly TestTraces _dir = new();

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("--bogus")]
    [InlineData("simulat")]
    public async Task UnknownCommandOrOption_ExitsNonZeroWithTheCommands_AndStartsNothing(string token)
    {
        var (code, _, err) = await DsoProcess.RunAsync(_dir.Root, Quick, token, $"--Dso:DataDirectory={Path.Combine(_dir.Root, "data")}", "--Dso:Listen=http://127.0.0.1:0");

        Assert.Equal(2, code);
        Assert.Contains($"unknown command or option '{token}'", err);
        Assert.Contains("commands: simulate, validate, detect, forecast, models", err);
        Assert.False(Directory.Exists(Path.Combine(_dir.Root, "data")), "the service started (it created its data directory)");
    }

    [Fact]
    public async Task SubcommandWithUnknownOption_ExitsNonZero()
    {
        var (code, stdout, err) = await DsoProcess.RunAsync(_dir.Root, Quick, "simulate", "--bogus");
        Assert.NotEqual(0, code);
        Assert.Contains("'--bogus' was not matched", stdout + err);
        Assert.False(Directory.Exists(Path.Combine(_dir.Root, "data")));
    }

    [Fact]
    public async Task Validate_BadParametersAndBrokenSyntax_ListsEveryLocatedErrorAndExits1()
    {
        var policies = Directory.CreateDirectory(Path.Combine(_dir.Root, "policies")).FullName;
        await File.WriteAllTextAsync(Path.Combine(policies, "a.yaml"), DefaultPolicy.Text().Replace("coverage_quantile: 0.98", "coverage_quantile: 1.5", StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(policies, "b.yaml"), DefaultPolicy.Text().Replace("name: shop", "name: cart", StringComparison.Ordinal).Replace("    tick: 1m\n", "    tick: [1m\n", StringComparison.Ordinal));

        var (code, _, err) = await DsoProcess.RunAsync(_dir.Root, Quick, "validate", policies);

        Assert.Equal(1, code);
        Assert.Matches(@"a\.yaml:\d+:\d+: service 'shop': strategy\.parameters\.coverage_quantile: must be in \(0\.5, 1\) \(was 1\.5\)", err);
        Assert.Matches(@"b\.yaml:\d+:11: file: not valid YAML: this '\[' is never closed", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public async Task Validate_CalendarWithThreeBadRows_ListsEachAtItsLineAndColumnAndExits1()
    {
        var policies = Directory.CreateDirectory(Path.Combine(_dir.Root, "policies")).FullName;
        await File.WriteAllTextAsync(Path.Combine(policies, "shop.yaml"), DefaultPolicy.Text().Replace("    tick: 1m\n", "    tick: 1m\n    events_file: shop.events.yaml\n", StringComparison.Ordinal));
        await File.WriteAllTextAsync(Path.Combine(policies, "shop.events.yaml"), """
            events:
              - {name: a, start: 2026-11-27T00:00:00Z, end: 2026-11-26T00:00:00Z, multiplier: 2}
              - {name: b, start: tomorrow, end: 2026-12-26T00:00:00Z, multiplier: 2}
              - {name: c, start: 2026-12-25T00:00:00Z, end: 2026-12-26T00:00:00Z, multiplier: -3}
            """);

        var (code, _, err) = await DsoProcess.RunAsync(_dir.Root, Quick, "validate", policies);

        Assert.Equal(1, code);
        Assert.Contains("shop.events.yaml:2:49: service 'shop': events_file: event 'a': end '2026-11-26T00:00:00Z' must be after start '2026-11-27T00:00:00Z'", err);
        Assert.Contains("shop.events.yaml:3:22: service 'shop': events_file: event 'b': 'start' value 'tomorrow' is not a date and time", err);
        Assert.Contains("shop.events.yaml:4:83: service 'shop': events_file: event 'c': multiplier '-3' must be a positive number", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public async Task Validate_MissingPath_Exits1()
    {
        var (code, _, err) = await DsoProcess.RunAsync(_dir.Root, Quick, "validate", Path.Combine(_dir.Root, "nope"));
        Assert.Equal(1, code);
        Assert.Contains("no such policy file or directory", err);
    }

    [Fact]
    public async Task Simulate_PolicyThatDoesNotExist_IsAnErrorNotTheDefault()
    {
        var trace = _dir.WriteTrace("t.csv", TestTraces.Demand(60));
        var scenario = _dir.WriteScenario("s", trace);
        var output = Path.Combine(_dir.Root, "o.csv");

        var (code, _, err) = await DsoProcess.RunAsync(_dir.Root, Quick, "simulate", "--scenario", scenario, "--policy", Path.Combine(_dir.Root, "typo.yaml"), "--output", output);
        var empty = Directory.CreateDirectory(Path.Combine(_dir.Root, "no-policies")).FullName;
        var (emptyCode, _, emptyErr) = await DsoProcess.RunAsync(_dir.Root, Quick, "simulate", "--scenario", scenario, "--policy", empty, "--output", output);

        Assert.Equal((1, 1), (code, emptyCode));
        Assert.Contains("typo.yaml: no such policy file or directory", err);
        Assert.Contains("the directory holds no policy file", emptyErr);
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public async Task Simulate_RowsBelowTwo_IsAnError(string rows)
    {
        var scenario = _dir.WriteScenario("s", _dir.WriteTrace("t.csv", TestTraces.Demand(60)));
        var (code, _, err) = await DsoProcess.RunAsync(_dir.Root, Quick, "simulate", "--scenario", scenario, "--rows", rows, "--output", Path.Combine(_dir.Root, "o.csv"));
        Assert.Equal(1, code);
        Assert.Contains($"--rows must be at least 2 (was {rows})", err);
    }

    [Fact]
    public async Task Service_BadSetting_IsOneLineNotAStackTrace()
    {
        var (code, _, err) = await DsoProcess.RunAsync(_dir.Root, Quick, "--Dso:ClockSpeed=0");

        Assert.Equal(2, code);
        Assert.Contains("dso: configuration rejected:", err);
        Assert.Contains("ClockSpeed", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Theory]
    [InlineData("--Dso:ClockSpeed=banana", "Dso:ClockSpeed")]
    [InlineData("--DecisionLog:StartupCheckTimeout=banana", "DecisionLog:StartupCheckTimeout")]
    [InlineData("--DecisionLog:StartupCheckTimeout=-00:00:05", "StartupCheckTimeout")]
    [InlineData("--Ingestion:MaxSeriesPerService=lots", "Ingestion:MaxSeriesPerService")]
    // A webhook URL without a scheme bound as a relative Uri: the first alert's post threw and stopped the host.
    [InlineData("--Alerts:WebhookUrl=hooks.example.com/dso", "Alerts:WebhookUrl")]
    [InlineData("--Alerts:WebhookUrl=ftp://hooks.example.com/dso", "Alerts:WebhookUrl")]
    // A range nothing fits was taken, and every pushed sample of the KPI refused with a 422.
    [InlineData("--Ingestion:PlausibleRanges:request_rate:Max=-1", "Ingestion:PlausibleRanges:request_rate")]
    [InlineData("--Ingestion:PlausibleRanges:latency_p95_ms:Max=NaN", "Ingestion:PlausibleRanges:latency_p95_ms")]
    // Bound as numbers, -1 was taken (no launch ever fit) and 2.5 dropped without a word (the type left unlimited).
    [InlineData("--SimulatedCloud:CapacityLimits:c7g.large=-1", "SimulatedCloud:CapacityLimits:c7g.large must be a whole number of instances, 0 or more (was '-1')")]
    [InlineData("--SimulatedCloud:CapacityLimits:c7g.large=2.5", "SimulatedCloud:CapacityLimits:c7g.large must be a whole number of instances, 0 or more (was '2.5')")]
    // Taken, and every backoff cut to MaxDelay (the default 10 s): the exponential backoff never happened.
    [InlineData("--Cloud:Resilience:BaseDelay=00:00:30", "Cloud:Resilience:BaseDelay (00:00:30) must be at most Cloud:Resilience:MaxDelay (00:00:10)")]
    [InlineData("--Cloud:Resilience:BaseDelay=00:00:00", "Cloud:Resilience:BaseDelay must be above 0")]
    public async Task Service_SettingOfTheWrongTypeOrValidatedAtStart_IsOneLineNotAStackTrace(string setting, string named)
    {
        var data = Path.Combine(_dir.Root, "data-" + Guid.NewGuid().ToString("N"));
        var (code, stdout, err) = await DsoProcess.RunAsync(_dir.Root, Quick, setting, $"--Dso:DataDirectory={data}", "--Dso:Listen=http://127.0.0.1:0");

        Assert.Equal(2, code);
        Assert.StartsWith("dso: configuration rejected:", err.Trim());
        Assert.Contains(named, err);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", stdout + err);
    }

    [Theory]
    // Each passed [Url] and then failed in Kestrel's start, after the host had logged it with a stack trace.
    [InlineData("http://127.0.0.1:99999", "the port must be a number from 0 to 65535")]
    // Worse: Kestrel took "127.0.0.1:abc" for a host name and listened on every interface, port 80.
    [InlineData("http://127.0.0.1:abc", "the port must be a number from 0 to 65535")]
    [InlineData("ftp://127.0.0.1:5080", "the scheme must be http or https")]
    [InlineData("http://127.0.0.1:5080/dso", "no path may follow the port")]
    public async Task Service_ListenUrlKestrelCannotBind_IsOneLineNotAStackTrace(string listen, string problem)
    {
        var data = Path.Combine(_dir.Root, "data-" + Guid.NewGuid().ToString("N"));
        var (code, stdout, err) = await DsoProcess.RunAsync(_dir.Root, Quick, $"--Dso:DataDirectory={data}", $"--Dso:Listen={listen}");

        Assert.Equal(2, code);
        Assert.StartsWith("dso: configuration rejected:", err.Trim());
        Assert.Contains($"Dso:Listen '{listen}': {problem}", err);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", stdout + err);
    }

    [Theory]
    // Kestrel failed only once the host started ("Hosting failed to start", a stack trace); the no-certificate case is
    // ListenCertificateValidatorTests' (a machine with a development certificate would start with it).
    [InlineData("missing.pfx", "Kestrel:Certificates:Default:Path 'missing.pfx': no such certificate file")]
    [InlineData("garbage.pfx", "Kestrel:Certificates:Default:Path 'garbage.pfx' cannot be loaded as a PKCS#12 (.pfx) file without a password")]
    public async Task Service_HttpsListenWithoutALoadableCertificate_IsOneLineNotAStackTrace(string certificate, string problem)
    {
        await File.WriteAllTextAsync(Path.Combine(_dir.Root, "garbage.pfx"), "not a certificate");
        var data = Path.Combine(_dir.Root, "data-" + Guid.NewGuid().ToString("N"));
        var (code, stdout, err) = await DsoProcess.RunAsync(_dir.Root, Quick, $"--Dso:DataDirectory={data}", "--Dso:Listen=https://127.0.0.1:0",
            $"--Kestrel:Certificates:Default:Path={certificate}");

        Assert.Equal(2, code);
        Assert.StartsWith("dso: configuration rejected:", err.Trim());
        Assert.Contains($"Dso:Listen 'https://127.0.0.1:0': {problem}", err);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", stdout + err);
    }

    [Theory]
    // Each said "Access to the path ... is denied", which sends the operator after permissions.
    [InlineData("simulate --scenario DIR --output OUT", "simulate: --scenario DIR: is a directory, not a scenario file")]
    [InlineData("simulate --scenario SCENARIO --experiment DIR", "simulate: --experiment DIR: is a directory, not an experiment file")]
    [InlineData("detect --input DIR --output OUT", "detect: --input DIR: is a directory, not a timestamp,value CSV file")]
    [InlineData("detect --input TRACE --output DIR", "detect: --output DIR: is a directory, not a file")]
    [InlineData("forecast --input DIR --horizon-minutes 5 --output OUT", "forecast: --input DIR: is a directory, not a timestamp,value CSV file")]
    [InlineData("forecast --input TRACE --horizon-minutes 5 --output OUT --events DIR", "forecast: --events DIR: is a directory, not an event calendar file")]
    public async Task Command_DirectoryWhereAFileBelongs_SaysSoNotAccessDenied(string command, string expected)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_dir.Root, "a-directory")).FullName;
        var trace = _dir.WriteTrace("t.csv", TestTraces.Demand(60));
        var scenario = _dir.WriteScenario("s", trace);
        string Fill(string text) => text.Replace("DIR", directory, StringComparison.Ordinal)
            .Replace("OUT", Path.Combine(_dir.Root, "o.csv"), StringComparison.Ordinal).Replace("SCENARIO", scenario, StringComparison.Ordinal).Replace("TRACE", trace, StringComparison.Ordinal);

        var (code, stdout, err) = await DsoProcess.RunAsync(_dir.Root, Quick, Fill(command).Split(' '));

        Assert.Equal(1, code);
        Assert.Contains(Fill(expected), err);
        Assert.DoesNotContain("denied", stdout + err, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(Path.Combine(_dir.Root, "o.csv")));
    }

    [Fact]
    public async Task Forecast_TooFewRowsToScore_SaysNotYetNotNaN()
    {
        // With no forecast resolved yet the summary read "rolling MASE not yet (too few rows), coverage NaN".
        var trace = _dir.WriteTrace("t.csv", TestTraces.Demand(60));

        var (code, stdout, err) = await DsoProcess.RunAsync(_dir.Root, Quick, "forecast", "--input", trace, "--horizon-minutes", "100000", "--output", Path.Combine(_dir.Root, "o.csv"));

        Assert.Equal(0, code);
        Assert.Contains("rolling MASE not yet (too few rows), coverage not yet", stdout + err);
        Assert.DoesNotContain("NaN", stdout + err);
    }

    [Fact]
    public async Task Simulate_BadPolicy_ExitsNonZeroWithLocatedErrorNotAStackTrace()
    {
        var trace = _dir.WriteTrace("t.csv", TestTraces.Demand(60));
        var scenario = _dir.WriteScenario("s", trace);
        var policy = Path.Combine(_dir.Root, "bad.yaml");
        await File.WriteAllTextAsync(policy, DefaultPolicy.Text().Replace("coverage_quantile: 0.98", "coverage_quantile: -3", StringComparison.Ordinal));

        var (code, _, err) = await DsoProcess.RunAsync(_dir.Root, Quick, "simulate", "--scenario", scenario, "--policy", policy, "--output", Path.Combine(_dir.Root, "o.csv"));

        Assert.Equal(1, code);
        Assert.Matches(@"bad\.yaml:\d+:\d+: service 'shop': strategy\.parameters\.coverage_quantile: must be in \(0\.5, 1\) \(was -3\)", err);
        Assert.DoesNotContain("Unhandled exception", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Fact]
    public async Task Simulate_Redirected_PrintsNoProgressAndNoEscapeCodes()
    {
        var trace = _dir.WriteTrace("t.csv", TestTraces.Demand(240));
        var scenario = _dir.WriteScenario("s", trace);

        var (code, stdout, err) = await DsoProcess.RunAsync(_dir.Root, TimeSpan.FromMinutes(3), "simulate", "--scenario", scenario, "--output", Path.Combine(_dir.Root, "o.csv"));

        Assert.True(code == 0, err);
        Assert.DoesNotContain("\u001b", stdout + err);
        Assert.DoesNotContain("simulating", stdout + err);
        Assert.Contains("unserved requests (%)", err);
    }

    [Fact]
    public async Task SimulateExperiment_Redirected_PrintsItsTablesWithoutEscapeCodes()
    {
        var trace = _dir.WriteTrace("t.csv", TestTraces.Demand(480));
        var scenario = _dir.WriteScenario("s", trace);
        var experiment = Path.Combine(_dir.Root, "exp.yaml");
        await File.WriteAllTextAsync(experiment, """
            experiments:
              - name: coverage
                service: shop
                design: {kind: switchback, block: 1h, washout: 15m, seed: 7}
                primary_metric: cost
                variants:
                  - name: q98
                  - name: q90
                    overrides:
                      strategy:
                        parameters: {coverage_quantile: 0.9}
            """);

        var (code, stdout, err) = await DsoProcess.RunAsync(_dir.Root, TimeSpan.FromMinutes(3), "simulate", "--scenario", scenario, "--experiment", experiment);

        Assert.True(code == 0, err);
        Assert.Contains("experiment on", stdout); // the table's title, written with colour markup at a terminal
        Assert.DoesNotContain("\u001b", stdout + err);
    }

    [Fact]
    public async Task Detect_PrintsAOneLineSummary()
    {
        var trace = _dir.WriteTrace("t.csv", TestTraces.Demand(500));
        var output = Path.Combine(_dir.Root, "scores.csv");

        var (code, stdout, err) = await DsoProcess.RunAsync(_dir.Root, Quick, "detect", "--input", trace, "--output", output);

        Assert.True(code == 0, err);
        var line = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Matches(@"^detect: 500 points scored, \d+ flagged as anomalies \(highest score [\d.]+ at .+\); wrote .*scores\.csv$", line);
    }

    /// <summary>
    /// A device or a binary where a text file belongs is bad input like any other: one line naming it, exit 1, at
    /// once (read whole, /dev/zero never ended for detect and ran the others out of memory with a stack trace).
    /// </summary>
    [Theory]
    [InlineData("detect", "--input", "/dev/zero", "--output", "OUT", "detect: /dev/zero:1: holds a NUL character")]
    [InlineData("forecast", "--input", "/dev/zero", "--output", "OUT", "forecast: /dev/zero:1: holds a NUL character")]
    [InlineData("simulate", "--scenario", "/dev/zero", "--output", "OUT", "simulate: /dev/zero: cannot read (it holds a NUL character")]
    [InlineData("validate", "/dev/zero", "", "", "", "/dev/zero:1:1: file: could not be read (it holds a NUL character")]
    public async Task Command_DeviceForATextFile_IsOneLineAndExit1(string command, string a, string b, string c, string d, string expected)
    {
        if (!File.Exists("/dev/zero"))
        {
            return; // not a Unix machine: there is no such device to hand over
        }

        string[] args = [command, a, b, c, d.Replace("OUT", Path.Combine(_dir.Root, "out.csv"), StringComparison.Ordinal)];
        if (command == "forecast")
        {
            args = [.. args, "--horizon-minutes", "5"];
        }

        var (code, _, err) = await DsoProcess.RunAsync(_dir.Root, Quick, [.. args.Where(x => x.Length > 0)]);
        Assert.Equal(1, code);
        Assert.StartsWith(expected, err.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
    }

    /// <summary>
    /// An output the run cannot write is refused before the run, in one line naming the option (an unwritable
    /// --decision-log ended with SQLite's stack trace; a missing --output directory only after the whole simulation).
    /// </summary>
    [Theory]
    [InlineData("--output", "NODIR/o.csv", "--output {0}: the directory")]
    [InlineData("--output", "DIR", "--output {0}: is a directory, not a file")]
    [InlineData("--decision-log", "DIR", "--decision-log {0}: is a directory, not a file")]
    [InlineData("--decision-log", "/dev/zero", "--decision-log {0}: cannot be opened as a SQLite decision log")]
    [InlineData("--plot", "NODIR/p.png", "--plot {0}: the directory")]
    public async Task Simulate_UnwritableOutput_IsOneLineBeforeTheRun(string option, string target, string expected)
    {
        if (target.StartsWith("/dev/", StringComparison.Ordinal) && !File.Exists(target))
        {
            return; // not a Unix machine
        }

        var scenario = _dir.WriteScenario("s", _dir.WriteTrace("t.csv", TestTraces.Demand(60)));
        var path = target.Replace("NODIR", Path.Combine(_dir.Root, "missing"), StringComparison.Ordinal).Replace("DIR", _dir.Root, StringComparison.Ordinal);
        string[] args = option == "--output"
            ? ["simulate", "--scenario", scenario, "--output", path]
            : ["simulate", "--scenario", scenario, "--output", Path.Combine(_dir.Root, "o.csv"), option, path];

        var (code, _, err) = await DsoProcess.RunAsync(_dir.Root, Quick, args);

        Assert.Equal(1, code);
        Assert.StartsWith("simulate: " + string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, path), err.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
    }

    /// <summary>A calendar named on its own was read as a policy: "services: is required", "events: unknown key".</summary>
    [Fact]
    public async Task Validate_AnEventCalendar_ChecksItAsACalendar()
    {
        var calendar = Path.Combine(_dir.Root, "shop.events.yaml");
        await File.WriteAllTextAsync(calendar, "events:\n  - {name: sale, start: 2026-11-27T00:00:00Z, end: 2026-11-28T00:00:00Z, multiplier: 2.5}\n");
        var (code, stdout, err) = await DsoProcess.RunAsync(_dir.Root, Quick, "validate", calendar);
        Assert.True(code == 0, err);
        Assert.Contains("ok: event calendar with 1 event(s)", stdout, StringComparison.Ordinal);

        await File.WriteAllTextAsync(calendar, "events:\n  - {name: sale, start: 2026-11-27T00:00:00Z, end: 2026-11-28T00:00:00Z, multiplier: -1}\n");
        (code, _, err) = await DsoProcess.RunAsync(_dir.Root, Quick, "validate", calendar);
        Assert.Equal(1, code);
        Assert.Equal($"{calendar}:2:86: event 'sale': multiplier '-1' must be a positive number", err.Trim());
    }

    [Fact]
    public async Task ModelsList_WithoutModels_ErrorsInsteadOfAnEmptyTable()
    {
        var (code, stdout, err) = await DsoProcess.RunAsync(_dir.Root, Quick, "models", "list", "--dir", Path.Combine(_dir.Root, "models"));
        Assert.NotEqual(0, code);
        Assert.Contains("no saved models", err);
        Assert.DoesNotContain("version", stdout);

        var (unknown, _, unknownErr) = await DsoProcess.RunAsync(_dir.Root, Quick, "models", "list", "--dir", Path.Combine(_dir.Root, "models"), "--series", "shop");
        Assert.NotEqual(0, unknown);
        Assert.Contains("no saved models for series 'shop'", unknownErr);

        // Promote and rollback say the same, not "v0003.json: no version 3" about a file that was never there.
        var (promote, _, promoteErr) = await DsoProcess.RunAsync(_dir.Root, Quick, "models", "promote", "--dir", Path.Combine(_dir.Root, "models"), "--series", "shop", "--version", "3");
        Assert.Equal(2, promote);
        Assert.StartsWith("models: no saved models for series 'shop'", promoteErr.Trim(), StringComparison.Ordinal);
        var (rollback, _, rollbackErr) = await DsoProcess.RunAsync(_dir.Root, Quick, "models", "rollback", "--dir", Path.Combine(_dir.Root, "models"), "--series", "shop");
        Assert.Equal(2, rollback);
        Assert.StartsWith("models: no saved models for series 'shop'", rollbackErr.Trim(), StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
