namespace Dso.Ingestion.Prometheus;

/// <summary>
/// Prometheus answered, but not with data. Transient (overloaded, 5xx) is retried; a bad query or an
/// execution error is not, since asking again gets the same answer.
/// </summary>
public sealed class PrometheusQueryException(string message, bool isTransient) : Exception(message)
{
    public bool IsTransient { get; } = isTransient;
}
