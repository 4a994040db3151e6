using System.Runtime.InteropServices;

namespace Dso.Optimization.Strategies.CostOptimizer;

/// <summary>
/// CP-SAT's answers by the exact model they answered, for <see cref="CpSatFleetSolver"/>. The solver runs on one
/// worker with a deterministic time limit, so the same model always gets the same answer; and the planner asks the
/// same model again and again (a steady fleet weighing the same scale-in against the same stabilization-window peak
/// tick after tick: the model is integral, in centi-rps and micro-dollars, so demand that moved less than that
/// builds it byte for byte again). The key is the whole serialized model, not a hash of it, so a hit is never a
/// different model. Bounded: when full it starts over (a service's ticks keep it small; this only caps the rare case).
/// </summary>
internal sealed class SolveMemo
{
    /// <summary>Models kept before the memo starts over (each a few kilobytes).</summary>
    public const int MaxEntries = 4096;

    private readonly Dictionary<byte[], Answer?> _answers = new(ModelBytesComparer.Instance);
    private readonly Lock _gate = new();

    /// <summary>The variable values of an answered model (null: no feasible plan) and which solver label it earned.</summary>
    public sealed record Answer(int[] Add, int[] RemoveNow, int[] RemoveLater, string Label);

    public long Hits { get; private set; }

    public long Misses { get; private set; }

    public bool TryGet(byte[] model, out Answer? answer)
    {
        lock (_gate)
        {
            var found = _answers.TryGetValue(model, out answer);
            _ = found ? Hits++ : Misses++;
            return found;
        }
    }

    public void Add(byte[] model, Answer? answer)
    {
        lock (_gate)
        {
            if (_answers.Count >= MaxEntries)
            {
                _answers.Clear();
            }

            _answers[model] = answer;
        }
    }

    private sealed class ModelBytesComparer : IEqualityComparer<byte[]>
    {
        public static readonly ModelBytesComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] bytes)
        {
            var hash = new HashCode();
            hash.AddBytes(MemoryMarshal.AsBytes(bytes.AsSpan()));
            return hash.ToHashCode();
        }
    }
}
