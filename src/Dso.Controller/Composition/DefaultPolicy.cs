using Dso.Policies.Loading;
using Dso.Policies.Model;

namespace Dso.Controller.Composition;

/// <summary>The built-in policy shipped inside the executable, so a fresh clone runs with no configuration.</summary>
internal static class DefaultPolicy
{
    public const string ResourceName = "default-policy.yaml";

    /// <summary>How errors and origins name the built-in policy.</summary>
    public const string Origin = "<built-in default policy>";

    public static string Text()
    {
        using var stream = typeof(DefaultPolicy).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing from this build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static PolicySet Load(PolicyLoader loader) => loader.Parse([(Origin, Text())]);
}
