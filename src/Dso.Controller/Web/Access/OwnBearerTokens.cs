namespace Dso.Controller.Web.Access;

/// <summary>
/// Endpoint metadata: the endpoint's <c>Authorization: Bearer</c> carries a token of its own (the push API's
/// per-service tokens), not an API key, so the key scheme leaves it alone. It read the push token as an unknown key and
/// logged "DsoKey was not authenticated" for every accepted push.
/// </summary>
internal sealed class OwnBearerTokens
{
    public static readonly OwnBearerTokens Instance = new();

    private OwnBearerTokens()
    {
    }
}
