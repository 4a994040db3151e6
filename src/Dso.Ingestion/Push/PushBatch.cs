using System.Buffers;

namespace Dso.Ingestion.Push;

/// <summary>
/// What a parser produced from one payload: the samples it could read and the ones it could not. Only the
/// first few problems are kept in full; the rest are counted. The sample buffer is pooled: a busy push endpoint
/// would otherwise allocate a large-object-heap array per batch and spend its time in gen-2 collections.
/// </summary>
internal sealed class PushBatch(int maxSamples, int maxReportedProblems) : IDisposable
{
    private PendingSample[] _samples = ArrayPool<PendingSample>.Shared.Rent(Math.Min(maxSamples, 1024));
    private int _count;

    public ReadOnlySpan<PendingSample> Samples => _samples.AsSpan(0, _count);

    public List<PushProblem> Problems { get; } = [];

    public int Rejected { get; private set; }

    /// <summary>Set when the whole payload is unusable; nothing of it is stored.</summary>
    public string? Error { get; private set; }

    public bool TooLarge { get; private set; }

    public int Seen => _count + Rejected;

    /// <summary>Counts a sample; false once the batch is over the limit, so parsers stop early instead of reading a huge body.</summary>
    public bool Admit()
    {
        if (Seen < maxSamples)
        {
            return true;
        }

        TooLarge = true;
        Error = $"the batch has more than {maxSamples} samples; split it into smaller batches";
        return false;
    }

    public void Add(int index, string kpi, long timeMs, double value)
    {
        if (_count == _samples.Length)
        {
            var larger = ArrayPool<PendingSample>.Shared.Rent(_samples.Length * 2);
            Samples.CopyTo(larger);
            ArrayPool<PendingSample>.Shared.Return(_samples, clearArray: true);
            _samples = larger;
        }

        _samples[_count++] = new PendingSample(index, kpi, timeMs, value);
    }

    public void ClearSamples() => _count = 0;

    public void Reject(int index, string field, string message)
    {
        Rejected++;
        if (Problems.Count < maxReportedProblems)
        {
            Problems.Add(new PushProblem(index, field, message));
        }
    }

    public void Fail(string error) => Error = error;

    public void Dispose()
    {
        // Cleared so pooled arrays do not keep KPI strings alive.
        ArrayPool<PendingSample>.Shared.Return(_samples, clearArray: true);
        _samples = [];
        _count = 0;
    }
}
