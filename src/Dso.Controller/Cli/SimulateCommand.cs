using Dso.Abstractions;
using System.CommandLine;
using System.Globalization;
using System.Text;
using Dso.Abstractions.Decisions;
using Dso.Abstractions.Series;
using Dso.Controller.Composition;
using Dso.DecisionLog;
using Dso.Policies.Loading;
using Dso.Reconcile;
using Dso.Reconcile.Simulation;
using Spectre.Console;

namespace Dso.Controller.Cli;

/// <summary><c>dso simulate --scenario FILE [--policy FILE] --output FILE [--plot FILE.png]</c>.</summary>
internal static class SimulateCommand
{
    private const string OutputStage = "output (CSV, plot)";

    public static Command Create()
    {
        var scenario = new Option<FileInfo>("--scenario") { Description = "scenario YAML (trace, catalog, limits, budget)", Required = true };
        var policy = new Option<FileInfo?>("--policy") { Description = "policy YAML whose first service's strategy and limits to use (default: the built-in policy)" };
        var output = new Option<FileInfo?>("--output") { Description = "decisions CSV: timestamp,fleet,... (required without --experiment)" };
        var experiment = new Option<FileInfo?>("--experiment") { Description = "experiment YAML (experiments:) to run both ways: each variant alone and as a switchback" };
        var plot = new Option<FileInfo?>("--plot") { Description = "PNG of demand, capacity and fleet cost over time" };
        var log = new Option<FileInfo?>("--decision-log") { Description = "SQLite decision log to write (default: none; only what the loop reads back is kept)" };
        var rows = new Option<int?>("--rows") { Description = "simulate only the first N rows of the trace" };
        var profile = new Option<bool>("--profile") { Description = "print where the time went: each stage of the loop, the simulator, the output, and the GC" };
        var sequential = new Option<bool>("--sequential")
        {
            Description = "detect and forecast on the loop's thread, as the service does (default: on a second thread, ahead of the loop; the same decisions, sooner)",
        };
        var command = new Command("simulate", "Replay a scenario through the control loop on virtual time against the simulated cloud")
        {
            scenario, policy, output, plot, log, rows, experiment, profile, sequential,
        };
        command.SetAction((parse, ct) => parse.GetValue(rows) is < 2
            ? Task.FromResult(Fail($"--rows must be at least 2 (was {parse.GetValue(rows)}): a step is known from two rows"))
            : parse.GetValue(experiment) is { } experimentFile
            ? RunExperimentAsync(parse.GetValue(scenario)!, parse.GetValue(policy), experimentFile, parse.GetValue(plot), parse.GetValue(rows), ct)
            : parse.GetValue(output) is { } outputFile
                ? RunAsync(parse.GetValue(scenario)!, parse.GetValue(policy), outputFile, parse.GetValue(plot), parse.GetValue(log), parse.GetValue(rows), parse.GetValue(profile), parse.GetValue(sequential), ct)
                : Task.FromResult(Fail("--output is required (or --experiment FILE)")));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo scenarioFile, FileInfo? policyFile, FileInfo output, FileInfo? plot, FileInfo? logFile, int? rows, bool profile, bool sequential, CancellationToken ct)
    {
        try
        {
            var stages = profile ? new StageTimer() : null;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            // Before the run, not after it: a path nobody can write is known now, not forty seconds from now.
            CheckWritable("--output", output);
            CheckWritable("--plot", plot);
            CheckWritable("--decision-log", logFile);
            CheckReadable("--scenario", scenarioFile, "a scenario file");
            var scenario = ScenarioLoader.Load(scenarioFile.FullName);
            var admission = new PolicyAdmission(CheckingSourceFactories.Create());
            var policies = policyFile is null ? admission.Parse([("<built-in default policy>", DefaultPolicy.Text())]) : admission.Load(ExplicitPolicy(policyFile));
            var template = policies.Services.FirstOrDefault() ?? throw new ScenarioException($"{policyFile?.FullName}: declares no service");
            // The scenario sets catalog, budget and min/max instances; the policy the other limits (max_hourly_usd): both named.
            var origin = $"{scenarioFile.FullName} with {(string.IsNullOrEmpty(template.Origin) ? DefaultPolicy.Origin : template.Origin)}";
            foreach (var warning in PolicyWarnings.For(SimulationRunner.PolicyFor(scenario, template, []) with { Origin = origin }))
            {
                Console.Error.WriteLine($"simulate: warning: {warning}");
            }

            // Without --decision-log nobody reads the log after the run: keep only what the loop reads back (see ReadBackDecisionLog).
            using var file = logFile is null ? null : OpenLog(logFile);
            IDecisionLog log = file is null ? new ReadBackDecisionLog() : file;
            var runner = new SimulationRunner(Plugins.Strategies, Plugins.DetectorFactory, Plugins.ForecasterFactory, Plugins.VirtualCloud)
            {
                Stages = stages,
                Pipelined = !sequential,
            };
            var result = await RunWithProgressAsync(runner, scenario, template, log, rows, ct);
            stages?.Enter(TickStage.Log);
            file?.Flush();
            stages?.Enter(OutputStage);
            await WriteCsvAsync(output.FullName, result);
            if (plot is not null)
            {
                SimulationPlot.Save(plot.FullName, result);
            }

            stages?.Stop();
            PrintSummary(result.Summary);
            if (stages is not null)
            {
                SimulationProfile.Print(stages, result.Summary.Rows, System.Diagnostics.Stopwatch.GetElapsedTime(started), runner.SensingThreadBusy);
            }

            return 0;
        }
        catch (PolicyLoadException ex)
        {
            // One located error a line, as dso validate prints them.
            Console.Error.WriteLine("simulate: the policy was rejected:");
            foreach (var error in ex.Errors)
            {
                Console.Error.WriteLine(error);
            }

            return 1;
        }
        catch (Exception ex) when (ex is ScenarioException or TimeSeriesCsvException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"simulate: {ex.Message.ReplaceLineEndings(" | ")}");
            return 1;
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or DecisionLogException)
        {
            // The decision log failed mid-run (a full disk, a file replaced under it).
            Console.Error.WriteLine($"simulate: --decision-log {logFile?.FullName}: {ex.Message.ReplaceLineEndings(" | ")}");
            return 1;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // The scenario's catalog, limits or budget merged into the policy can still be refused by the strategy.
            Console.Error.WriteLine($"simulate: the scenario and policy together cannot run: {ex.Message.ReplaceLineEndings(" | ")}");
            return 1;
        }
    }

    /// <summary>An output path the run could not write: a directory, or in a directory that does not exist.</summary>
    private static void CheckWritable(string option, FileInfo? file)
    {
        if (CliPaths.OutputProblem(option, file) is { } problem)
        {
            throw new ScenarioException(problem);
        }
    }

    /// <summary>An input path that is a directory, named as such rather than left to fail with "access denied".</summary>
    private static void CheckReadable(string option, FileInfo? file, string what)
    {
        if (CliPaths.InputProblem(option, file, what) is { } problem)
        {
            throw new ScenarioException(problem);
        }
    }

    /// <summary>The SQLite decision log at <c>--decision-log</c>; a file SQLite cannot open or write is a one-line error naming it.</summary>
    private static SqliteDecisionLog OpenLog(FileInfo logFile)
    {
        try
        {
            return new SqliteDecisionLog(new SqliteDecisionLogOptions(logFile.FullName, BatchSize: 2000));
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or DecisionLogException)
        {
            throw new ScenarioException($"--decision-log {logFile.FullName}: cannot be opened as a SQLite decision log ({ex.Message})");
        }
    }

    /// <summary>
    /// A <c>--policy</c> the operator named must exist and hold a policy: the service's fallback to the built-in default
    /// (no <c>policies/</c> at all) would here run another policy than the one asked for, silently.
    /// </summary>
    private static string ExplicitPolicy(FileInfo policyFile)
    {
        var path = policyFile.FullName;
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new ScenarioException($"--policy {path}: no such policy file or directory");
        }

        return PolicyAdmission.HasPolicyFiles(path) ? path : throw new ScenarioException($"--policy {path}: the directory holds no policy file (*.yaml, *.yml)");
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"simulate: {message}");
        return 1;
    }

    /// <summary>
    /// Runs the experiment's first service's variants on the scenario. The experiment file is read together with the
    /// policy (the built-in default without --policy), so it is validated exactly as it would be in policies/.
    /// </summary>
    private static async Task<int> RunExperimentAsync(FileInfo scenarioFile, FileInfo? policyFile, FileInfo experimentFile, FileInfo? plot, int? rows, CancellationToken ct)
    {
        try
        {
            CheckWritable("--plot", plot);
            CheckReadable("--scenario", scenarioFile, "a scenario file");
            CheckReadable("--experiment", experimentFile, "an experiment file");
            var scenario = ScenarioLoader.Load(scenarioFile.FullName);
            var admission = new PolicyAdmission(CheckingSourceFactories.Create());
            var policySource = policyFile is null
                ? ("<built-in default policy>", DefaultPolicy.Text())
                : (policyFile.FullName, TextFile.ReadAll(ExplicitPolicy(policyFile)));
            var set = admission.Parse([policySource, (experimentFile.FullName, TextFile.ReadAll(experimentFile.FullName))]);
            var experiment = set.Experiments.FirstOrDefault() ?? throw new ScenarioException($"{experimentFile.FullName}: declares no experiment");
            var simulation = new ExperimentSimulation(Plugins.Strategies, Plugins.DetectorFactory, Plugins.ForecasterFactory, Plugins.VirtualCloud);
            var logs = new List<SqliteDecisionLog>();
            ExperimentSimulationResult? result = null;
            try
            {
                Func<Abstractions.Decisions.IDecisionLog> logFactory = () =>
                {
                    var log = new SqliteDecisionLog(new SqliteDecisionLogOptions(":memory:", BatchSize: 2000));
                    logs.Add(log);
                    return log;
                };
                if (Console.IsErrorRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
                {
                    var last = -1;
                    result = await simulation.RunAsync(scenario, experiment, logFactory, new Progress<double>(p =>
                    {
                        var pct = (int)(p * 10) * 10;
                        if (pct > Interlocked.Exchange(ref last, pct))
                        {
                            Console.Error.WriteLine($"simulate: {scenario.Name}: {pct} %");
                        }
                    }), rows, ct);
                }
                else
                {
                    await AnsiConsole.Progress().StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask($"experiment '{experiment.Name}' on {scenario.Name}", maxValue: 1.0);
                        result = await simulation.RunAsync(scenario, experiment, logFactory, new Progress<double>(p => task.Value = p), rows, ct);
                        task.Value = 1;
                    });
                }
            }
            finally
            {
                logs.ForEach(l => l.Dispose());
            }

            ExperimentReport.Print(result!);
            if (plot is not null)
            {
                SimulationPlot.Save(plot.FullName, result!.Switchback);
            }

            return 0;
        }
        catch (Exception ex) when (ex is ScenarioException or PolicyLoadException or TimeSeriesCsvException or IOException or UnauthorizedAccessException)
        {
            return Fail(ex.Message.ReplaceLineEndings(" | "));
        }
    }

    private static async Task<SimulationResult> RunWithProgressAsync(SimulationRunner runner, Scenario scenario, Policies.Model.ServicePolicy template, IDecisionLog log, int? rows, CancellationToken ct)
    {
        // Progress is for a person at a terminal: none when stdout goes to a file or a pipe (nor its escape codes).
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            return await runner.RunAsync(scenario, template, log, null, rows, ct);
        }

        SimulationResult? result = null;
        await AnsiConsole.Progress().StartAsync(async ctx =>
        {
            var task = ctx.AddTask($"simulating {scenario.Name}", maxValue: 1.0);
            result = await runner.RunAsync(scenario, template, log, new Progress<double>(p => task.Value = p), rows, ct);
            task.Value = 1;
        });
        return result!;
    }

    private static async Task WriteCsvAsync(string path, SimulationResult result)
    {
        var sb = new StringBuilder("timestamp,fleet,demand_rps,capacity_rps,hourly_cost_usd\n");
        foreach (var row in result.Rows)
        {
            sb.Append(row.RawTimestamp).Append(',').Append(row.Chosen).Append(',')
                .Append(row.Demand.ToString("0.###", CultureInfo.InvariantCulture)).Append(',')
                .Append(row.ServingCapacity.ToString("0.###", CultureInfo.InvariantCulture)).Append(',')
                .Append(row.HourlyCost.ToString("0.####", CultureInfo.InvariantCulture)).Append('\n');
        }

        await File.WriteAllTextAsync(path, sb.ToString());
    }

    private static void PrintSummary(SimulationSummary s)
    {
        var table = new Table().Title($"simulation of {s.Scenario}").AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("rows", s.Rows.ToString(CultureInfo.InvariantCulture));
        table.AddRow("duration (h)", s.DurationHours.ToString("0.0", CultureInfo.InvariantCulture));
        table.AddRow("cost (USD)", s.CostUsd.ToString("0.00", CultureInfo.InvariantCulture));
        table.AddRow("budget for the span (USD)", s.BudgetUsd.ToString("0.00", CultureInfo.InvariantCulture));
        table.AddRow("under-provisioned time (%)", s.UnderProvisionedTimePct.ToString("0.000", CultureInfo.InvariantCulture));
        table.AddRow("unserved requests (%)", s.UnservedRequestPct.ToString("0.000", CultureInfo.InvariantCulture));
        table.AddRow("scaling actions", s.ScalingActions.ToString(CultureInfo.InvariantCulture));
        table.AddRow("elapsed (s)", s.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture));
        var console = ReportConsole.For(Console.Error);
        console.Write(table);
    }
}
