namespace Dso.Experiments.Design;

/// <summary>
/// A tiny deterministic generator (Steele, Lea and Flood's SplitMix64). Assignments must be reproducible from the
/// recorded seed on any machine and .NET version, which <see cref="Random"/> does not promise.
/// </summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, n) without modulo bias worth noticing for the small n used here.</summary>
    public int Below(int n) => (int)(Next() % (ulong)n);

    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    public static ulong Mix(ulong a, ulong b) => new SplitMix64(a ^ (b * 0xD6E8FEB86659FD93UL)).Next();
}
