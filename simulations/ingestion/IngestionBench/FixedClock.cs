namespace Dso.Simulations.Ingestion;

/// <summary>The ingestor's clock pinned, so generated timestamps stay inside the accepted window however long a run takes.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
