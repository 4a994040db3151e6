using Dso.Ingestion.Store;

namespace Dso.Ingestion.Tests.Store;

/// <summary>
/// The push journal: what was appended is replayed over the snapshot after a crash; a record cut short by the crash
/// ends its file's replay without costing the records before it; rotation around a snapshot loses nothing.
/// </summary>
public sealed class SeriesJournalTests : IDisposable
{
    private static readonly long T0 = new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private readonly string _dir = Directory.CreateTempSubdirectory("dso-journal-").FullName;

    private string Path => System.IO.Path.Combine(_dir, "series.journal");

    private static SeriesStore NewStore() => new(new SeriesStoreOptions { RawCapacity = 1000, Tiers = [] });

    private static (string, long, double)[] Samples(int from, int count, string kpi = "request_rate") =>
        [.. Enumerable.Range(from, count).Select(i => (kpi, T0 + (i * 1000L), (double)i))];

    private static double[] Values(SeriesStore store, string service = "shop", string kpi = "request_rate") =>
        [.. store.Range(service, kpi, DateTimeOffset.FromUnixTimeMilliseconds(T0), DateTimeOffset.FromUnixTimeMilliseconds(T0).AddDays(1)).Select(p => p.Value)];

    [Fact]
    public void Replay_AfterACrash_RestoresEveryAppendedSample()
    {
        using (var journal = new SeriesJournal(Path))
        {
            journal.Append("shop", Samples(0, 3));
            journal.Append("shop", Samples(3, 2));
            journal.Append("checkout", Samples(0, 1, "latency_p95_ms"));
        }

        var store = NewStore();
        var (samples, problem) = new SeriesJournal(Path).Replay(store);

        Assert.Equal((6, (string?)null), (samples, problem));
        Assert.Equal([0.0, 1, 2, 3, 4], Values(store));
        Assert.Equal([0.0], Values(store, "checkout", "latency_p95_ms"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(30)]
    public void Replay_ARecordCutShortByTheCrash_KeepsTheRecordsBeforeIt(int cut)
    {
        using (var journal = new SeriesJournal(Path))
        {
            journal.Append("shop", Samples(0, 3));
            journal.Append("shop", Samples(3, 3));
        }

        using (var file = new FileStream(Path, FileMode.Open))
        {
            file.SetLength(file.Length - cut);
        }

        var store = NewStore();
        var (samples, problem) = new SeriesJournal(Path).Replay(store);

        Assert.Equal(3, samples);
        Assert.Equal([0.0, 1, 2], Values(store));
        Assert.Contains("a record cut short at byte", problem);
    }

    [Fact]
    public void Replay_ADamagedRecord_StopsThere()
    {
        using (var journal = new SeriesJournal(Path))
        {
            journal.Append("shop", Samples(0, 3));
            journal.Append("shop", Samples(3, 3));
        }

        var bytes = File.ReadAllBytes(Path);
        bytes[^12] ^= 0x10;
        File.WriteAllBytes(Path, bytes);
        var store = NewStore();
        var (samples, problem) = new SeriesJournal(Path).Replay(store);

        Assert.Equal(3, samples);
        Assert.Contains("a damaged record", problem);
    }

    [Fact]
    public void Rotate_WithASnapshotThatFailed_KeepsEverythingUntilOneIsCommitted()
    {
        var journal = new SeriesJournal(Path);
        journal.Append("shop", Samples(0, 2));
        journal.Rotate();
        // The snapshot after that rotation failed (no Committed); more pushes, another rotation.
        journal.Append("shop", Samples(2, 2));
        journal.Rotate();
        journal.Append("shop", Samples(4, 2));
        journal.Dispose();

        var store = NewStore();
        Assert.Equal(6, new SeriesJournal(Path).Replay(store).Samples);
        Assert.Equal([0.0, 1, 2, 3, 4, 5], Values(store));

        var again = new SeriesJournal(Path);
        again.Rotate();
        again.Committed();
        again.Append("shop", Samples(6, 1));
        again.Dispose();
        var after = NewStore();
        Assert.Equal(1, new SeriesJournal(Path).Replay(after).Samples);
        Assert.False(File.Exists(again.RotatedPath));
    }

    [Fact]
    public void Replay_OverASnapshotThatHasTheSamples_IsAnExactResend()
    {
        var store = NewStore();
        var journal = new SeriesJournal(Path);
        foreach (var (kpi, ms, value) in Samples(0, 3))
        {
            store.Append("shop", kpi, DateTimeOffset.FromUnixTimeMilliseconds(ms), value);
        }

        journal.Append("shop", Samples(0, 3));
        journal.Dispose();
        var snapshot = System.IO.Path.Combine(_dir, "series.snapshot");
        SeriesSnapshot.Save(store, snapshot);

        var restored = NewStore();
        SeriesSnapshot.Restore(restored, snapshot);
        new SeriesJournal(Path).Replay(restored);
        Assert.Equal([0.0, 1, 2], Values(restored));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
