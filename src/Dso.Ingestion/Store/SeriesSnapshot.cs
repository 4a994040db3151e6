using System.Text;

namespace Dso.Ingestion.Store;

/// <summary>
/// Saves and restores a <see cref="SeriesStore"/> as one binary file, written to a temporary name and renamed
/// so a crash mid-save leaves the previous snapshot intact.
/// </summary>
public static class SeriesSnapshot
{
    private const string Magic = "DSO-SERIES";
    private const int Version = 1;

    public static void Save(SeriesStore store, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        using (var writer = new BinaryWriter(stream, Encoding.UTF8))
        {
            var all = store.All().ToArray();
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(all.Length);
            foreach (var (service, kpi, series) in all)
            {
                var (raw, tiers) = series.Export();
                writer.Write(service);
                writer.Write(kpi);
                writer.Write(raw.Length);
                foreach (var sample in raw)
                {
                    writer.Write(sample.TimeMs);
                    writer.Write(sample.Value);
                }

                writer.Write(tiers.Length);
                foreach (var tier in tiers)
                {
                    writer.Write(tier.Length);
                    foreach (var bucket in tier)
                    {
                        writer.Write(bucket.StartMs);
                        writer.Write(bucket.Mean);
                        writer.Write(bucket.Max);
                        writer.Write(bucket.Count);
                    }
                }
            }

            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Loads a snapshot into an empty store; returns the number of series restored (0 if there is no file).</summary>
    public static int Restore(SeriesStore store, string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        if (reader.ReadString() != Magic || reader.ReadInt32() is var version && version != Version)
        {
            throw new InvalidDataException($"{path} is not a series snapshot of version {Version}");
        }

        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var service = reader.ReadString();
            var kpi = reader.ReadString();
            var raw = new Sample[reader.ReadInt32()];
            for (var j = 0; j < raw.Length; j++)
            {
                raw[j] = new Sample(reader.ReadInt64(), reader.ReadDouble());
            }

            var tiers = new Bucket[reader.ReadInt32()][];
            for (var t = 0; t < tiers.Length; t++)
            {
                tiers[t] = new Bucket[reader.ReadInt32()];
                for (var j = 0; j < tiers[t].Length; j++)
                {
                    tiers[t][j] = new Bucket(reader.ReadInt64(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadInt32());
                }
            }

            store.GetOrCreate(service, kpi)?.Import(raw, tiers);
        }

        return count;
    }
}
