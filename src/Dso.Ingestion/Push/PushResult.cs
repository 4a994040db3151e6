namespace Dso.Ingestion.Push;

/// <summary>What became of one push: counts, and the first problems by index and field.</summary>
public sealed record PushResult(PushOutcome Outcome, int Accepted, int Rejected, IReadOnlyList<PushProblem> Problems, string? Error = null)
{
    /// <summary>Of <see cref="Accepted"/>, the exact resends of samples already stored (no-ops).</summary>
    public int Duplicates { get; init; }

    /// <summary>Of <see cref="Rejected"/>, the samples whose timestamp already holds a different value.</summary>
    public int Conflicts { get; init; }

    public static PushResult Malformed(string error) => new(PushOutcome.Malformed, 0, 0, [], error);

    public static PushResult TooLarge(string error) => new(PushOutcome.TooLarge, 0, 0, [], error);
}
