using Dso.Ingestion.Store;

namespace Dso.Ingestion.Tests.Store;

public sealed class SeriesSnapshotTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("dso-snapshot-").FullName;

    private static SeriesStoreOptions Options => new()
    {
        RawCapacity = 16,
        Tiers = [new DownsampleTier(TimeSpan.FromMinutes(1), 8)],
    };

    [Fact]
    public void SaveThenRestore_NewStore_HasSameHistory()
    {
        var store = new SeriesStore(Options);
        for (var i = 0; i < 40; i++)
        {
            store.Append("shop", "request_rate", T0.AddSeconds(i * 10), i);
            store.Append("shop", "conversion_rate", T0.AddSeconds(i * 10), i / 100.0);
        }

        var path = Path.Combine(_dir, "series.snapshot");
        SeriesSnapshot.Save(store, path);
        var restored = new SeriesStore(Options);
        var count = SeriesSnapshot.Restore(restored, path);

        Assert.Equal(2, count);
        foreach (var kpi in new[] { "request_rate", "conversion_rate" })
        {
            Assert.Equal(store.Range("shop", kpi, T0, T0.AddDays(1)), restored.Range("shop", kpi, T0, T0.AddDays(1)));
        }

        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void Restore_NoFile_RestoresNothing() =>
        Assert.Equal(0, SeriesSnapshot.Restore(new SeriesStore(Options), Path.Combine(_dir, "missing")));

    [Fact]
    public void Restore_NotASnapshot_ThrowsInvalidData()
    {
        var path = Path.Combine(_dir, "junk");
        File.WriteAllText(path, "not a snapshot at all");

        Assert.ThrowsAny<Exception>(() => SeriesSnapshot.Restore(new SeriesStore(Options), path));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
