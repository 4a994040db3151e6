using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Dso.Ingestion.Store;

/// <summary>
/// A write-ahead journal of pushed samples, so a sample the push API acknowledged survives a crash between two
/// snapshots of the series store. Each accepted batch is appended as one record (length, payload, checksum) and
/// flushed to disk before the API answers. At a snapshot the journal is rotated first (<see cref="Rotate"/>), the
/// store saved, then the rotated part dropped (<see cref="Committed"/>); at start the snapshot is restored and both
/// parts replayed (<see cref="Replay"/>): a replayed sample the snapshot already holds is an exact resend, which the
/// store accepts without effect. A record cut short by a crash mid-write ends the replay of its file.
/// </summary>
public sealed class SeriesJournal : IDisposable
{
    /// <summary>Largest record replayed (a damaged length must not allocate gigabytes).</summary>
    private const int MaxRecordBytes = 64 << 20;

    private const int DigestBytes = 8;

    private readonly string _path;
    private readonly Lock _gate = new();
    private FileStream? _stream;

    public SeriesJournal(string path)
    {
        _path = path;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>The journal file appends go to.</summary>
    public string FilePath => _path;

    /// <summary>The part rotated out at the latest snapshot, kept until that snapshot is saved.</summary>
    public string RotatedPath => _path + ".1";

    /// <summary>Appends one service's accepted samples and flushes them to disk; throws when the disk refuses.</summary>
    public void Append(string service, IReadOnlyList<(string Kpi, long TimeMs, double Value)> samples)
    {
        if (samples.Count == 0)
        {
            return;
        }

        using var payload = new MemoryStream();
        using (var w = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(service);
            w.Write(samples.Count);
            foreach (var (kpi, timeMs, value) in samples)
            {
                w.Write(kpi);
                w.Write(timeMs);
                w.Write(value);
            }
        }

        var body = payload.GetBuffer().AsSpan(0, (int)payload.Length);
        var record = new byte[sizeof(int) + body.Length + DigestBytes];
        BinaryPrimitives.WriteInt32LittleEndian(record, body.Length);
        body.CopyTo(record.AsSpan(sizeof(int)));
        Digest(body, record.AsSpan(sizeof(int) + body.Length));
        lock (_gate)
        {
            _stream ??= new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
            _stream.Write(record);
            _stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>
    /// Starts a new journal before a snapshot: what was appended so far moves to <see cref="RotatedPath"/> (added to
    /// what an earlier, failed snapshot left there), and appends from now on go to a fresh file.
    /// </summary>
    public void Rotate()
    {
        lock (_gate)
        {
            _stream?.Dispose();
            _stream = null;
            if (!File.Exists(_path))
            {
                return;
            }

            if (File.Exists(RotatedPath))
            {
                using (var rotated = new FileStream(RotatedPath, FileMode.Append, FileAccess.Write))
                using (var current = new FileStream(_path, FileMode.Open, FileAccess.Read))
                {
                    current.CopyTo(rotated);
                    rotated.Flush(flushToDisk: true);
                }

                File.Delete(_path);
            }
            else
            {
                File.Move(_path, RotatedPath);
            }
        }
    }

    /// <summary>The snapshot taken after <see cref="Rotate"/> is saved: the rotated part is no longer needed.</summary>
    public void Committed()
    {
        lock (_gate)
        {
            File.Delete(RotatedPath);
        }
    }

    /// <summary>Replays both parts into <paramref name="store"/> (after the snapshot is restored); returns the samples replayed.</summary>
    public (int Samples, string? Problem) Replay(SeriesStore store)
    {
        var samples = 0;
        string? problem = null;
        Span<byte> digest = stackalloc byte[DigestBytes];
        foreach (var path in new[] { RotatedPath, _path })
        {
            if (!File.Exists(path))
            {
                continue;
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var header = new byte[sizeof(int)];
            while (stream.Position < stream.Length)
            {
                var at = stream.Position;
                if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length ||
                    BinaryPrimitives.ReadInt32LittleEndian(header) is var length && (length <= 0 || length > MaxRecordBytes || length + DigestBytes > stream.Length - stream.Position))
                {
                    problem = $"{path}: a record cut short at byte {at} (a crash while it was written); the rest of the file is skipped";
                    break;
                }

                var record = new byte[length + DigestBytes];
                stream.ReadExactly(record);
                Digest(record.AsSpan(0, length), digest);
                if (!digest.SequenceEqual(record.AsSpan(length)))
                {
                    problem = $"{path}: a damaged record at byte {at}; the rest of the file is skipped";
                    break;
                }

                using var r = new BinaryReader(new MemoryStream(record, 0, length), Encoding.UTF8);
                var service = r.ReadString();
                for (var n = r.ReadInt32(); n > 0; n--)
                {
                    store.AppendMs(service, r.ReadString(), r.ReadInt64(), r.ReadDouble());
                    samples++;
                }
            }
        }

        return (samples, problem);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stream?.Dispose();
            _stream = null;
        }
    }

    private static void Digest(ReadOnlySpan<byte> body, Span<byte> into)
    {
        Span<byte> full = stackalloc byte[32];
        SHA256.HashData(body, full);
        full[..DigestBytes].CopyTo(into);
    }
}
