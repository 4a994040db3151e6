using Dso.Controller.Hosting;
using Dso.Controller.Web;
using Microsoft.Extensions.Options;

namespace Dso.Core.Tests.Web;

/// <summary>The push API's bearer check against <c>Ingestion:PushTokens</c>, as operators really configure it.</summary>
public sealed class PushAuthenticatorTests
{
    [Theory]
    // A token from a Kubernetes secret or a file (`echo tok > token`) keeps its newline; no exporter sends one.
    [InlineData("s3cret\n")]
    [InlineData("s3cret\r\n")]
    [InlineData(" s3cret ")]
    public void IsAuthorized_ConfiguredTokenWithSurroundingWhitespace_AcceptsTheToken(string configured)
    {
        var authenticator = new PushAuthenticator(new FixedOptions(configured));

        Assert.True(authenticator.IsAuthorized("shop", "Bearer s3cret"));
        Assert.False(authenticator.IsAuthorized("shop", "Bearer s3cre"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \n")]
    public void IsAuthorized_BlankToken_TakesNoPushes(string configured)
    {
        var authenticator = new PushAuthenticator(new FixedOptions(configured));

        Assert.False(authenticator.IsAuthorized("shop", "Bearer "));
        Assert.False(authenticator.IsAuthorized("shop", $"Bearer {configured}"));
    }

    private sealed class FixedOptions(string token) : IOptionsMonitor<IngestionOptions>
    {
        public IngestionOptions CurrentValue { get; } = new() { PushTokens = new(StringComparer.Ordinal) { ["shop"] = token } };

        public IngestionOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<IngestionOptions, string?> listener) => null;
    }
}
