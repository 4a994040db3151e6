namespace Dso.Ingestion.Push;

/// <summary>
/// Why one sample was refused. <paramref name="Index"/> is the position in <c>samples</c> (JSON, from 0) or the
/// line number (text format, from 1); <paramref name="Field"/> names what was wrong (kpi, timestamp, value).
/// </summary>
public sealed record PushProblem(int Index, string Field, string Message);
