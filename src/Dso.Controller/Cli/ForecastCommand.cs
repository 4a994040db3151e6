using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Dso.Abstractions.Series;
using Dso.Forecasting;

namespace Dso.Controller.Cli;

/// <summary>
/// <c>dso forecast --input FILE --horizon-minutes H --output FILE [--events FILE] [--models DIR]</c>: walk-forward forecasts with the
/// service's forecaster. Rows are fed one at a time exactly as the service would see them (including its retraining);
/// the row for time t gets the forecast made once every row at or before t − H had been observed, and nothing later.
/// </summary>
internal static class ForecastCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo>("--input") { Description = "timestamp,value CSV", Required = true };
        var horizon = new Option<int>("--horizon-minutes") { Description = "forecast horizon in minutes", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "where to write timestamp,forecast,p10,p90", Required = true };
        var events = new Option<FileInfo?>("--events") { Description = "optional event calendar (YAML) applied to the forecasts" };
        var models = new Option<DirectoryInfo?>("--models") { Description = "optional model registry directory: every trained model is registered and promoted there, as the service does" };
        var command = new Command("forecast", "Walk-forward demand forecasts with uncertainty") { input, horizon, output, events, models };
        command.SetAction(parse =>
        {
            try
            {
                return Run(parse.GetValue(input)!, parse.GetValue(horizon), parse.GetValue(output)!, parse.GetValue(events), parse.GetValue(models));
            }
            catch (Exception ex) when (ex is TimeSeriesCsvException or EventCalendarException or ModelRegistryException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                Console.Error.WriteLine($"forecast: {ex.Message.ReplaceLineEndings(" ")}");
                return 1; // bad input exits 1, as detect, simulate and validate do
            }
        });
        return command;
    }

    private static int Run(FileInfo input, int horizonMinutes, FileInfo output, FileInfo? eventsFile, DirectoryInfo? modelsDirectory)
    {
        if (horizonMinutes <= 0)
        {
            throw new ArgumentException($"--horizon-minutes must be positive (was {horizonMinutes})");
        }

        if ((CliPaths.InputProblem("--input", input, "a timestamp,value CSV file") ?? CliPaths.InputProblem("--events", eventsFile, "an event calendar file")
                ?? CliPaths.OutputProblem("--output", output)
                ?? (modelsDirectory is not null && File.Exists(modelsDirectory.FullName) ? $"--models {modelsDirectory.FullName}: is a file, not a model registry directory" : null)) is { } problem)
        {
            throw new ArgumentException(problem);
        }

        var clock = Stopwatch.StartNew();
        var points = TimeSeriesCsv.Read(input.FullName);
        var raw = TimeSeriesCsv.ReadRawTimestamps(input.FullName);
        if (points.Count < 2)
        {
            throw new ArgumentException($"{input.FullName}: needs at least 2 rows (has {points.Count})");
        }

        var horizon = TimeSpan.FromMinutes(horizonMinutes);
        var options = new ForecasterOptions
        {
            Horizon = horizon,
            SeriesName = Path.GetFileNameWithoutExtension(input.Name),
            Events = eventsFile is null ? null : EventCalendarLoader.Load(eventsFile.FullName),
        };
        var forecaster = DemandForecasters.CreateRetrainable(options);
        var trainSeconds = 0.0;
        var registry = modelsDirectory is null ? null : new ModelRegistry(modelsDirectory.FullName, options.SeriesName);
        var reasons = new SortedDictionary<string, int>(StringComparer.Ordinal);
        forecaster.ModelTrained += model =>
        {
            trainSeconds += model.Info.Metrics.GetValueOrDefault("train_seconds");
            reasons[model.Info.Reason] = reasons.GetValueOrDefault(model.Info.Reason) + 1;
            registry?.Register(model, policy: "dso-forecast", promote: true);
        };
        var rows = WalkForward(points, horizon, forecaster);
        WriteCsv(output.FullName, raw, rows);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"forecast: {points.Count} rows, horizon {horizonMinutes} min, {clock.Elapsed.TotalSeconds:F1} s ({(forecaster.RetrainCount == 0 ? "no training" : $"{forecaster.RetrainCount} trainings: {string.Join(' ', reasons.Select(r => $"{r.Key}={r.Value}"))}, {trainSeconds:F1} s")}); rolling MASE {(double.IsFinite(forecaster.RollingMase) ? forecaster.RollingMase.ToString("F3", CultureInfo.InvariantCulture) : "not yet (too few rows)")}, coverage {(double.IsFinite(forecaster.IntervalCoverage) ? forecaster.IntervalCoverage.ToString("P1", CultureInfo.InvariantCulture) : "not yet")}"));
        return 0;
    }

    /// <summary>
    /// For each origin i (after observing row i), fills every target row j whose latest admissible origin is i, i.e.
    /// T[i] ≤ T[j] − H &lt; T[i+1]. Works for irregular rows too: the step count comes from the time difference.
    /// </summary>
    private static (double P50, double P10, double P90)?[] WalkForward(IReadOnlyList<TimeSeriesPoint> points, TimeSpan horizon, IRetrainableForecaster forecaster)
    {
        var rows = new (double, double, double)?[points.Count];
        var target = 0;
        for (var i = 0; i < points.Count; i++)
        {
            forecaster.Observe(points[i].Timestamp, points[i].Value);
            var nextOrigin = i + 1 < points.Count ? points[i + 1].Timestamp : DateTimeOffset.MaxValue;
            while (target < points.Count && points[target].Timestamp - horizon < points[i].Timestamp)
            {
                target++; // its forecast had to be made before row i existed: left empty (only possible at the start)
            }

            DemandForecast? forecast = null;
            while (target < points.Count && points[target].Timestamp - horizon < nextOrigin)
            {
                // One Predict per origin, as long as the farthest target it must cover (usually exactly one).
                var last = target;
                while (last + 1 < points.Count && points[last + 1].Timestamp - horizon < nextOrigin)
                {
                    last++;
                }

                if (StepsAhead(points[target].Timestamp - points[i].Timestamp, forecaster.Step) > MaxStepsAhead)
                {
                    target++; // across a gap of more than MaxStepsAhead steps: no forecast reaches it (left empty)
                    continue;
                }

                forecast ??= forecaster.Predict((int)Math.Min(MaxStepsAhead, StepsAhead(points[last].Timestamp - points[i].Timestamp, forecaster.Step)));
                var step = (int)Math.Round((points[target].Timestamp - points[i].Timestamp) / forecast.Step);
                if (step > forecast.Steps)
                {
                    forecast = forecaster.Predict(step); // sized before the step was known (a lone first point)
                }

                if (step >= 1)
                {
                    rows[target] = (forecast.P50[step - 1], forecast.P10[step - 1], forecast.P90[step - 1]);
                }

                target++;
            }
        }

        return rows;
    }

    /// <summary>
    /// Farthest a walk-forward forecast reaches past its origin, in steps: rows after a longer gap in the trace (years, in
    /// a mis-dated file) are left empty instead of forecasting every step of the gap.
    /// </summary>
    private const int MaxStepsAhead = 100_000;

    /// <summary>Steps to ask for: the span to the farthest target in the forecaster's (inferred) step; 1 while unknown.</summary>
    private static long StepsAhead(TimeSpan span, TimeSpan step) =>
        step <= TimeSpan.Zero ? 1 : Math.Max(1, (long)Math.Round(span / step));

    private static void WriteCsv(string path, IReadOnlyList<string> raw, (double P50, double P10, double P90)?[] rows)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("timestamp,forecast,p10,p90");
        for (var j = 0; j < rows.Length; j++)
        {
            if (rows[j] is { } r)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{raw[j]},{r.P50:0.######},{r.P10:0.######},{r.P90:0.######}"));
            }
            else
            {
                writer.WriteLine($"{raw[j]},,,");
            }
        }
    }
}
