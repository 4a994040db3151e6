namespace Dso.Ingestion.Push;

/// <summary>What became of one push: counts, and the first problems by index and field.</summary>
public sealed record PushResult(PushOutcome Outcome, int Accepted, int Rejected, IReadOnlyList<PushProblem> Problems, string? Error = null)
{
    public static PushResult Malformed(string error) => new(PushOutcome.Malformed, 0, 0, [], error);

    public static PushResult TooLarge(string error) => new(PushOutcome.TooLarge, 0, 0, [], error);
}
