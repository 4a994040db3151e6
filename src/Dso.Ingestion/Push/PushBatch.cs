namespace Dso.Ingestion.Push;

/// <summary>
/// What a parser produced from one payload: the samples it could read and the ones it could not. Only the
/// first few problems are kept in full; the rest are counted.
/// </summary>
internal sealed class PushBatch(int maxSamples, int maxReportedProblems)
{
    public List<PendingSample> Samples { get; } = new(Math.Min(maxSamples, 4096));

    public List<PushProblem> Problems { get; } = [];

    public int Rejected { get; private set; }

    /// <summary>Set when the whole payload is unusable; nothing of it is stored.</summary>
    public string? Error { get; private set; }

    public bool TooLarge { get; private set; }

    public int Seen => Samples.Count + Rejected;

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

    public void Add(int index, string kpi, long timeMs, double value) => Samples.Add(new PendingSample(index, kpi, timeMs, value));

    public void Reject(int index, string field, string message)
    {
        Rejected++;
        if (Problems.Count < maxReportedProblems)
        {
            Problems.Add(new PushProblem(index, field, message));
        }
    }

    public void Fail(string error) => Error = error;
}
