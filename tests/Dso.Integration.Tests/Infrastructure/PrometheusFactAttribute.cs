namespace Dso.Integration.Tests.Infrastructure;

/// <summary>
/// A test that needs the real Prometheus binary. Skipped, saying why, only on a developer machine without it;
/// in CI (CI=true) it always runs, so a missing binary fails loudly there instead of passing silently.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PrometheusFactAttribute : FactAttribute
{
    public PrometheusFactAttribute()
    {
        if (!File.Exists(PrometheusServer.Binary) && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = $"{PrometheusServer.Binary} is not installed (apt-get install -y prometheus); CI is not 'true', so this real-server test is skipped";
        }
    }
}
