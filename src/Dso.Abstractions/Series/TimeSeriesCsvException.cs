namespace Dso.Abstractions.Series;

/// <summary>A CSV trace could not be read; the message names the file, the line and the problem.</summary>
public sealed class TimeSeriesCsvException(string message) : Exception(message);
