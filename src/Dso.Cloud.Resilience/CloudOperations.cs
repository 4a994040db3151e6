namespace Dso.Cloud.Resilience;

/// <summary>Operation names as they appear in logs and in the <c>operation</c> label of the cloud metrics.</summary>
public static class CloudOperations
{
    public const string GetFleet = "get_fleet";
    public const string Apply = "apply";
}
