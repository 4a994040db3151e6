using System.Security.Cryptography;
using System.Text;

namespace Dso.Experiments.Design;

/// <summary>
/// The design for several alike services: each service runs one variant for the whole experiment, chosen by a hash
/// of (experiment, seed, service). The same service always lands in the same variant, whatever order services are
/// declared or reloaded in; adding a service does not move the others.
/// </summary>
public static class StableSplit
{
    public static string VariantOf(string experiment, ulong seed, string service, IReadOnlyList<string> variants)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{experiment}\n{seed}\n{service}"));
        var value = BitConverter.ToUInt64(bytes, 0);
        return variants[(int)(value % (ulong)variants.Count)];
    }

    /// <summary>The whole split, service to variant.</summary>
    public static IReadOnlyDictionary<string, string> Assign(string experiment, ulong seed, IEnumerable<string> services, IReadOnlyList<string> variants) =>
        services.ToDictionary(s => s, s => VariantOf(experiment, seed, s, variants), StringComparer.Ordinal);
}
