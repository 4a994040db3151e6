using System.CommandLine;
using System.Globalization;
using Dso.Abstractions.Series;
using Dso.Detection;

namespace Dso.Controller.Cli;

/// <summary><c>dso detect --input FILE --output FILE</c>: scores a NAB-format series with the service's detector.</summary>
internal static class DetectCommand
{

    public static Command Create()
    {
        var input = new Option<FileInfo>("--input") { Description = "timestamp,value CSV", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "where to write timestamp,value,anomaly_score", Required = true };
        var command = new Command("detect", "Score a series for anomalies, streaming, with the service's default detector") { input, output };
        command.SetAction(parse => Run(parse.GetValue(input)!, parse.GetValue(output)!));
        return command;
    }

    private static int Run(FileInfo input, FileInfo output)
    {
        if ((CliPaths.InputProblem("--input", input, "a timestamp,value CSV file") ?? CliPaths.OutputProblem("--output", output)) is { } problem)
        {
            Console.Error.WriteLine($"detect: {problem}");
            return 1;
        }

        try
        {
            var points = TimeSeriesCsv.Read(input.FullName, allowUnordered: true);
            var raw = TimeSeriesCsv.ReadRawTimestamps(input.FullName);
            if (raw.Count != points.Count)
            {
                // Both readers skip the same blank lines, so a mismatch means the file changed under us.
                Console.Error.WriteLine($"detect: {input.FullName}: read {points.Count} rows but {raw.Count} timestamps");
                return 1;
            }

            // The service's detector with its default settings: no per-file tuning, strictly streaming.
            var detector = AnomalyDetectors.Create();
            var (flagged, top, topAt) = (0, 0.0, "");
            using var writer = new StreamWriter(output.FullName);
            writer.WriteLine("timestamp,value,anomaly_score");
            for (var i = 0; i < points.Count; i++)
            {
                var result = detector.Observe(points[i].Timestamp, points[i].Value);
                flagged += result.IsAnomaly ? 1 : 0;
                (top, topAt) = result.Score > top ? (result.Score, raw[i]) : (top, topAt);
                writer.Write(raw[i]);
                writer.Write(',');
                writer.Write(points[i].Value.ToString("R", CultureInfo.InvariantCulture));
                writer.Write(',');
                writer.WriteLine(result.Score.ToString("R", CultureInfo.InvariantCulture));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"detect: {points.Count} points scored, {flagged} flagged as anomalies (highest score {top:0.000}{(topAt.Length > 0 ? " at " + topAt : "")}); wrote {output.FullName}"));
            return 0;
        }
        catch (TimeSeriesCsvException ex)
        {
            Console.Error.WriteLine($"detect: {ex.Message}");
            return 1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"detect: cannot write {output.FullName}: {ex.Message}");
            return 1;
        }
    }
}
