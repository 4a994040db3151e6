namespace Dso.Integration.Tests.Infrastructure;

/// <summary>
/// A test that drives Debian's Chromium through Playwright. Skipped, saying why, only on a developer machine without
/// it; in CI (CI=true) it always runs.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Binary = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Binary) && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = $"{Binary} is not installed (apt-get install -y chromium); CI is not 'true', so this browser test is skipped";
        }
    }
}
