namespace Dso.Controller.Web.Access;

/// <summary>Authentication scheme and policy names, and the claims the schemes put on a principal.</summary>
public static class AccessSchemes
{
    /// <summary>The default scheme: a key header if the request has one, else the browser session.</summary>
    public const string Default = "Dso";

    /// <summary><c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key: &lt;key&gt;</c>.</summary>
    public const string ApiKey = "DsoKey";

    /// <summary>The HttpOnly, SameSite=Strict cookie the login form sets.</summary>
    public const string Session = "DsoSession";

    public const string AnalystPolicy = "dso-analyst";
    public const string OperatorPolicy = "dso-operator";

    public const string ApiKeyHeader = "X-Api-Key";
    public const string CsrfHeader = "X-CSRF-Token";
    public const string CsrfField = "__RequestVerificationToken";

    /// <summary>The configured hash the session was opened with: rotating or removing the key ends the session.</summary>
    public const string KeyHashClaim = "dso:key-sha256";
}
