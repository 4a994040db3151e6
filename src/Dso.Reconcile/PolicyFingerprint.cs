using System.Text.Json;
using Dso.Policies.Model;

namespace Dso.Reconcile;

/// <summary>
/// A service's policy as comparable text, so a reload can tell which services actually changed. The origin
/// (file:line) is left out: editing another service in the same file moves it without changing this one; so is the
/// promotion label (a promoted variant's settings count, its name does not).
/// </summary>
internal static class PolicyFingerprint
{
    public static string Of(ServicePolicy policy) => JsonSerializer.Serialize(policy with { Origin = "", Promoted = null });
}
