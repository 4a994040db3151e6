using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Dso.Optimization.State;

/// <summary>
/// What a planner learned, as bytes a store keeps between ticks (README, "Restarts"): a header naming the strategy and
/// the layout the state was learned under, named sections (each restored or left out on its own), compressed, and a
/// SHA-256 digest over all of it, so a truncated or altered row is refused whole rather than half read.
/// </summary>
public static class PlannerState
{
    /// <summary>Format version; a state of another version is not read (the planner starts afresh and says so).</summary>
    public const int Version = 2;

    private static ReadOnlySpan<byte> Magic => "DSOPLAN"u8;

    private const int DigestBytes = 32;

    /// <summary>Largest section read (a week of one-minute demand is under 100 KB; a damaged length must not allocate gigabytes).</summary>
    private const int MaxSectionBytes = 256 << 20;

    /// <summary>Writes the sections, in order, under a header naming the strategy and its layout.</summary>
    internal static byte[] Write(string strategy, string layout, IReadOnlyList<(string Name, Action<StateWriter> Write)> sections)
    {
        using var raw = new MemoryStream();
        using (var zip = new ZLibStream(raw, CompressionLevel.Fastest, leaveOpen: true))
        using (var w = new BinaryWriter(zip, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(strategy);
            w.Write(layout);
            w.Write(sections.Count);
            foreach (var (name, write) in sections)
            {
                using var body = new MemoryStream();
                using (var sw = new StateWriter(body))
                {
                    write(sw);
                }

                w.Write(name);
                w.Write((int)body.Length);
                w.Write(body.GetBuffer(), 0, (int)body.Length);
            }
        }

        var payload = raw.ToArray();
        var result = new byte[Magic.Length + sizeof(int) + payload.Length + DigestBytes];
        Magic.CopyTo(result);
        BitConverter.TryWriteBytes(result.AsSpan(Magic.Length), Version);
        payload.CopyTo(result, Magic.Length + sizeof(int));
        SHA256.HashData(result.AsSpan(0, result.Length - DigestBytes), result.AsSpan(result.Length - DigestBytes));
        return result;
    }

    /// <summary>Checks the digest and reads the header and sections; <see cref="PlannerStateException"/> when it cannot.</summary>
    internal static SavedSections Read(byte[] state)
    {
        if (state.Length < Magic.Length + sizeof(int) + DigestBytes || !state.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new PlannerStateException("not a saved planner state");
        }

        Span<byte> digest = stackalloc byte[DigestBytes];
        SHA256.HashData(state.AsSpan(0, state.Length - DigestBytes), digest);
        if (!digest.SequenceEqual(state.AsSpan(state.Length - DigestBytes)))
        {
            throw new PlannerStateException("its checksum does not match (truncated or altered)");
        }

        var version = BitConverter.ToInt32(state, Magic.Length);
        if (version != Version)
        {
            throw new PlannerStateException($"format version {version}, this build reads {Version}");
        }

        try
        {
            using var raw = new MemoryStream(state, Magic.Length + sizeof(int), state.Length - Magic.Length - sizeof(int) - DigestBytes);
            using var zip = new ZLibStream(raw, CompressionMode.Decompress);
            using var r = new BinaryReader(zip, Encoding.UTF8);
            var strategy = r.ReadString();
            var layout = r.ReadString();
            var count = r.ReadInt32();
            var sections = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                var name = r.ReadString();
                var length = r.ReadInt32();
                if (length < 0 || length > MaxSectionBytes)
                {
                    throw new PlannerStateException($"section '{name}' claims {length} bytes");
                }

                var body = r.ReadBytes(length);
                if (body.Length != length)
                {
                    throw new PlannerStateException($"section '{name}' is cut short");
                }

                sections[name] = body;
            }

            return new SavedSections(strategy, layout, sections);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or ArgumentException)
        {
            throw new PlannerStateException($"unreadable ({ex.Message})");
        }
    }
}

/// <summary>The sections of a saved state, by name, with the strategy and layout it was learned under.</summary>
internal sealed record SavedSections(string Strategy, string Layout, IReadOnlyDictionary<string, byte[]> Sections)
{
    /// <summary>
    /// Loads one section with <paramref name="load"/>; false (and why) when it is missing or does not fit. A section
    /// must be read to its end: a shorter read means the layout differs.
    /// </summary>
    public bool TryLoad(string name, Action<StateReader> load, out string? problem)
    {
        problem = null;
        if (!Sections.TryGetValue(name, out var body))
        {
            problem = $"no '{name}' section";
            return false;
        }

        try
        {
            using var r = new StateReader(new MemoryStream(body, writable: false));
            load(r);
            if (!r.AtEnd)
            {
                throw new PlannerStateException("longer than this planner's layout");
            }

            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever does not fit (a length, an index, a value out of range) leaves the section out, never the service.
            problem = $"'{name}': {ex.Message}";
            return false;
        }
    }
}

/// <summary>A saved planner state that cannot be read, or does not fit the planner it is loaded into.</summary>
public sealed class PlannerStateException(string message) : Exception(message);

/// <summary>Writes the values of one section; exact (doubles bit for bit), so a restored planner decides as the saved one would.</summary>
internal sealed class StateWriter(Stream stream) : IDisposable
{
    private readonly BinaryWriter _w = new(stream, Encoding.UTF8, leaveOpen: true);

    public void Write(double value) => _w.Write(value);

    public void Write(long value) => _w.Write(value);

    public void Write(int value) => _w.Write(value);

    public void Write(bool value) => _w.Write(value);

    public void Write(decimal value) => _w.Write(value);

    public void Write(string value) => _w.Write(value);

    public void Write(DateTimeOffset value)
    {
        _w.Write(value.UtcTicks);
        _w.Write((short)value.Offset.TotalMinutes);
    }

    public void Write(DateTimeOffset? value)
    {
        _w.Write(value.HasValue);
        if (value is { } v)
        {
            Write(v);
        }
    }

    public void Write(decimal? value)
    {
        _w.Write(value.HasValue);
        if (value is { } v)
        {
            _w.Write(v);
        }
    }

    public void Write(ReadOnlySpan<double> values)
    {
        _w.Write(values.Length);
        foreach (var v in values)
        {
            _w.Write(v);
        }
    }

    /// <summary>Rows of feature values, any of them missing (null): its length, then each row's presence and values.</summary>
    public void Write(IReadOnlyList<double[]?> rows)
    {
        _w.Write(rows.Count);
        foreach (var row in rows)
        {
            _w.Write(row is not null);
            if (row is not null)
            {
                Write(row);
            }
        }
    }

    public void Write(ReadOnlySpan<bool> values)
    {
        _w.Write(values.Length);
        foreach (var v in values)
        {
            _w.Write(v);
        }
    }

    public void Dispose() => _w.Dispose();
}

/// <summary>Reads what <see cref="StateWriter"/> wrote; arrays are read into the planner's own, which must be as long.</summary>
internal sealed class StateReader(Stream stream) : IDisposable
{
    private readonly BinaryReader _r = new(stream, Encoding.UTF8, leaveOpen: false);

    public bool AtEnd => _r.BaseStream.Position == _r.BaseStream.Length;

    public double Double() => _r.ReadDouble();

    public long Long() => _r.ReadInt64();

    public int Int() => _r.ReadInt32();

    public bool Bool() => _r.ReadBoolean();

    public decimal Decimal() => _r.ReadDecimal();

    public string String() => _r.ReadString();

    public DateTimeOffset Time()
    {
        var ticks = _r.ReadInt64();
        var offset = TimeSpan.FromMinutes(_r.ReadInt16());
        return new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(offset);
    }

    public DateTimeOffset? TimeOrNull() => _r.ReadBoolean() ? Time() : null;

    public decimal? DecimalOrNull() => _r.ReadBoolean() ? _r.ReadDecimal() : null;

    /// <summary>A count, refused when negative or above <paramref name="max"/> (a damaged length must not allocate gigabytes).</summary>
    public int Count(int max)
    {
        var n = _r.ReadInt32();
        return n < 0 || n > max ? throw new PlannerStateException($"a count of {n} (at most {max})") : n;
    }

    /// <summary>Reads a saved array into <paramref name="into"/>, which must have the saved length.</summary>
    public void Into(double[] into)
    {
        var n = _r.ReadInt32();
        if (n != into.Length)
        {
            throw new PlannerStateException($"an array of {n} values where this planner keeps {into.Length}");
        }

        for (var i = 0; i < n; i++)
        {
            into[i] = _r.ReadDouble();
        }
    }

    /// <inheritdoc cref="Into(double[])"/>
    public void Into(bool[] into)
    {
        var n = _r.ReadInt32();
        if (n != into.Length)
        {
            throw new PlannerStateException($"an array of {n} values where this planner keeps {into.Length}");
        }

        for (var i = 0; i < n; i++)
        {
            into[i] = _r.ReadBoolean();
        }
    }

    /// <summary>Reads rows <see cref="StateWriter.Write(IReadOnlyList{double[]})"/> wrote into <paramref name="into"/>, which must have as many; each row at most <paramref name="width"/> values.</summary>
    public void Into(double[]?[] into, int width)
    {
        var n = _r.ReadInt32();
        if (n != into.Length)
        {
            throw new PlannerStateException($"{n} rows where this planner keeps {into.Length}");
        }

        for (var i = 0; i < n; i++)
        {
            into[i] = _r.ReadBoolean() ? Doubles(width) : null;
        }
    }

    /// <summary>A saved array of any length up to <paramref name="max"/>.</summary>
    public double[] Doubles(int max)
    {
        var values = new double[Count(max)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = _r.ReadDouble();
        }

        return values;
    }

    public void Dispose() => _r.Dispose();
}
