using System.ComponentModel.DataAnnotations;

namespace Dso.Cloud.Resilience.Tests;

/// <summary>The checks <c>ValidateDataAnnotations</c> runs on the <c>Cloud:Resilience</c> section at start.</summary>
public sealed class CloudResilienceOptionsTests
{
    [Theory]
    // Taken before: every backoff was cut to MaxDelay, so the configured exponential backoff never happened.
    [InlineData("00:00:30", "00:00:01", "Cloud:Resilience:BaseDelay (00:00:30) must be at most Cloud:Resilience:MaxDelay (00:00:01)")]
    // Taken before: retries of a throttled cloud went out at once.
    [InlineData("00:00:00", "00:00:10", "Cloud:Resilience:BaseDelay must be above 0")]
    [InlineData("00:00:00.5", "00:00:00", "Cloud:Resilience:MaxDelay must be above 0")]
    [InlineData("-00:00:01", "00:00:10", "Cloud:Resilience:BaseDelay must be above 0")]
    public void Validate_BackoffThatCannotGrow_IsRefusedNamingTheKeys(string baseDelay, string maxDelay, string expected)
    {
        var options = new CloudResilienceOptions { BaseDelay = TimeSpan.Parse(baseDelay), MaxDelay = TimeSpan.Parse(maxDelay) };

        var problems = Problems(options);

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("00:00:00.5", "00:00:10")]
    [InlineData("00:00:02", "00:00:02")]
    [InlineData("00:00:00.001", "00:00:00.001")]
    public void Validate_BaseDelayUpToMaxDelay_IsAccepted(string baseDelay, string maxDelay) =>
        Assert.Empty(Problems(new CloudResilienceOptions { BaseDelay = TimeSpan.Parse(baseDelay), MaxDelay = TimeSpan.Parse(maxDelay) }));

    private static List<string> Problems(CloudResilienceOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results.Select(r => r.ErrorMessage ?? "").ToList();
    }
}
