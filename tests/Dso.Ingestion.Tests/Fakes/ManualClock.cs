namespace Dso.Ingestion.Tests.Fakes;

/// <summary>A clock that moves only when told, so staleness and gaps are exact.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
