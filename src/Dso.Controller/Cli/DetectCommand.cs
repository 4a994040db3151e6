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
        try
        {
            var points = ReadAllowingRepeatedTimestamps(input.FullName);
            var raw = TimeSeriesCsv.ReadRawTimestamps(input.FullName);
            if (raw.Count != points.Count)
            {
                // Both readers skip the same blank lines, so a mismatch means the file changed under us.
                Console.Error.WriteLine($"detect: {input.FullName}: read {points.Count} rows but {raw.Count} timestamps");
                return 1;
            }

            // The service's detector with its default settings: no per-file tuning, strictly streaming.
            var detector = AnomalyDetectors.Create();
            using var writer = new StreamWriter(output.FullName);
            writer.WriteLine("timestamp,value,anomaly_score");
            for (var i = 0; i < points.Count; i++)
            {
                var result = detector.Observe(points[i].Timestamp, points[i].Value);
                writer.Write(raw[i]);
                writer.Write(',');
                writer.Write(points[i].Value.ToString("R", CultureInfo.InvariantCulture));
                writer.Write(',');
                writer.WriteLine(result.Score.ToString("R", CultureInfo.InvariantCulture));
            }

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

    /// <summary>
    /// <see cref="TimeSeriesCsv.Read(string, string)"/> rejects a timestamp that does not increase, which is right for
    /// workload traces but not here: real KPI exports (and 8 NAB files) repeat an hour at the DST change or
    /// log two samples in one second. Anomaly scoring is per row, so such rows are kept in file order.
    /// Everything else (header, timestamp syntax, finite values) is validated exactly as the shared reader does.
    /// </summary>
    private static List<TimeSeriesPoint> ReadAllowingRepeatedTimestamps(string path)
    {
        try
        {
            return [.. TimeSeriesCsv.Read(path)];
        }
        catch (TimeSeriesCsvException ex) when (ex.Message.Contains("is not after the previous row", StringComparison.Ordinal))
        {
            // The shared reader got past the header and earlier rows, so only the ordering rule failed:
            // read again below without it.
        }

        var lines = File.ReadAllLines(path);
        var points = new List<TimeSeriesPoint>();
        var header = lines.Length > 0 ? lines[0].Split(',').Select(c => c.Trim().Trim('"')).ToArray() : [];
        var tsIndex = Array.FindIndex(header, c => c.Equals("timestamp", StringComparison.OrdinalIgnoreCase));
        var valueIndex = Array.FindIndex(header, c => c.Equals("value", StringComparison.OrdinalIgnoreCase));
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            var fields = lines[i].Split(',');
            if (fields.Length <= Math.Max(tsIndex, valueIndex))
            {
                throw new TimeSeriesCsvException($"{path}:{i + 1}: expected {header.Length} fields, found {fields.Length}");
            }

            var timestamp = TimeSeriesCsv.ParseTimestamp(fields[tsIndex], path, i + 1);
            if (!double.TryParse(fields[valueIndex].Trim().Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                throw new TimeSeriesCsvException($"{path}:{i + 1}: value '{fields[valueIndex]}' is not a finite number");
            }

            points.Add(new TimeSeriesPoint(timestamp, value));
        }

        return points;
    }
}
