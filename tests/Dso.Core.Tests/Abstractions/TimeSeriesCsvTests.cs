using Dso.Abstractions;
using Dso.Abstractions.Catalog;
using Dso.Abstractions.Series;

namespace Dso.Core.Tests.Abstractions;

public sealed class TimeSeriesCsvTests
{
    [Theory]
    [InlineData("", "t.csv:1: file is empty")]
    [InlineData("time,val\n", "t.csv:1: header must name 'timestamp' and 'value' columns")]
    [InlineData("timestamp,value\n2026-01-01 00:00:00,abc\n", "t.csv:2: value 'abc' is not a finite number")]
    [InlineData("timestamp,value\n2026-01-01 00:00:00,NaN\n", "t.csv:2: value 'NaN' is not a finite number")]
    [InlineData("timestamp,value\nyesterday,1\n", "t.csv:2:1: timestamp 'yesterday' is not a date and time (write ISO 8601, yyyy-MM-ddTHH:mm:ssZ")]
    // Read month first without a word: a European 3 April became March 4.
    [InlineData("timestamp,value\n03/04/2026 00:00,1\n", "t.csv:2:1: timestamp '03/04/2026 00:00' writes the day and month first, which is ambiguous")]
    [InlineData("value,timestamp\n1, \"03/04/2026\"\n", "t.csv:2:5: timestamp '03/04/2026' writes the day and month first")]
    [InlineData("timestamp,value\n2026-04-02T00:00:00Z,1\n3-4-2026,1\n", "t.csv:3:1: timestamp '3-4-2026' writes the day and month first")]
    [InlineData("timestamp,value\n13.04.2026 10:00:00,1\n", "t.csv:2:1: timestamp '13.04.2026 10:00:00' writes the day and month first, which is ambiguous (03/04/2026 is 3 April or March 4); write ISO 8601, yyyy-MM-ddTHH:mm:ssZ")]
    [InlineData("timestamp,value\n2026-01-01 00:00:00\n", "t.csv:2: expected 2 fields, found 1")]
    [InlineData("timestamp,value\n2026-01-01 00:05:00,1\n2026-01-01 00:00:00,2\n", "t.csv:3: timestamp 2026-01-01 00:00:00 is not after the previous row's")]
    // A quoted number with a comma split at it read as its first part (1,234 as 1).
    [InlineData("timestamp,value\n2026-01-01 00:00:00,\"1,234\"\n", "t.csv:2: a quoted field holds a comma")]
    // Year 1 or 9999: looking back or forecasting ahead would leave the calendar (un-representable DateTime).
    [InlineData("timestamp,value\n0001-01-01 00:00:00,1\n", "t.csv:2:1: timestamp '0001-01-01 00:00:00' is outside the years 1900-2999")]
    [InlineData("timestamp,value\n2026-01-01 00:00:00,1\n9999-12-31 23:59:00,1\n", "t.csv:3:1: timestamp '9999-12-31 23:59:00' is outside the years 1900-2999")]
    // A binary file or a device (/dev/zero) is refused at its first NUL, not read into memory until it runs out.
    [InlineData("\0\0\0\0", "t.csv:1: holds a NUL character")]
    [InlineData("timestamp,value\r\n2026-01-01 00:00:00,1\r\n2026-01-01 00:01:00,\0", "t.csv:3: holds a NUL character")]
    public void Read_BadInput_NamesFileLineAndProblem(string text, string expected)
    {
        var ex = Assert.Throws<TimeSeriesCsvException>(() => TimeSeriesCsv.Read(new StringReader(text), "t.csv"));
        Assert.StartsWith(expected, ex.Message);
    }

    [Fact]
    public void Read_EndlessLine_IsRefusedAtTheLengthLimit()
    {
        var ex = Assert.Throws<TimeSeriesCsvException>(() => TimeSeriesCsv.Read(new EndlessReader('9'), "t.csv"));
        Assert.StartsWith($"t.csv:1: line is longer than {TimeSeriesCsv.MaxLineLength:N0} characters", ex.Message);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void Read_AnyLineEnding_ReadsEveryRow(string end)
    {
        var text = $"timestamp,value{end}2026-01-01 00:00:00,1{end}{end}2026-01-01 00:01:00,2{end}2026-01-01 00:02:00,3";
        var points = TimeSeriesCsv.Read(new StringReader(text), "t.csv");
        Assert.Equal([1.0, 2.0, 3.0], points.Select(p => p.Value));
    }

    [Fact]
    public void TextFile_DeviceOrBinary_IsAnIOExceptionNotARunawayRead()
    {
        var ex = Assert.Throws<InvalidTextFileException>(() => TextFile.ReadAll("/dev/zero"));
        Assert.Contains("NUL character", ex.Message, StringComparison.Ordinal);
        var big = Path.GetTempFileName();
        try
        {
            File.WriteAllText(big, new string('x', 5000));
            Assert.Contains("longer than 4,096 characters", Assert.Throws<InvalidTextFileException>(() => TextFile.ReadAll(big, 4096)).Message, StringComparison.Ordinal);
            Assert.Equal(5000, TextFile.ReadAll(big, 5000).Length);
        }
        finally
        {
            File.Delete(big);
        }
    }

    [Fact]
    public void ReadAndTextFile_Directory_SayItIsADirectoryNotAccessDenied()
    {
        var directory = Directory.CreateTempSubdirectory("dso-dir-").FullName;
        try
        {
            Assert.Equal($"{directory}: is a directory, not a timestamp,value CSV file", Assert.Throws<TimeSeriesCsvException>(() => TimeSeriesCsv.Read(directory)).Message);
            Assert.Equal("it is a directory, not a file", Assert.Throws<InvalidTextFileException>(() => TextFile.ReadAll(directory)).Message);
        }
        finally
        {
            Directory.Delete(directory);
        }
    }

    [Fact]
    public void Read_RepeatedHourAllowed_KeepsFileOrder()
    {
        var points = TimeSeriesCsv.Read(new StringReader("timestamp,value\n2026-01-01 02:55:00,1\n2026-01-01 02:00:00,2\n"), "t.csv", allowUnordered: true);
        Assert.Equal([1.0, 2.0], points.Select(p => p.Value));
    }

    [Theory]
    [InlineData("1995-07-01T04:00:00Z")]
    [InlineData("1995-07-01 04:00:00")]
    [InlineData("1995-07-01T04:00")]
    [InlineData("1995-07-01T04:00:00.000Z")]
    [InlineData("1995-07-01T06:00:00+02:00")]
    // Year first is not ambiguous, whatever the separator.
    [InlineData("1995/07/01 04:00:00")]
    public void ParseTimestamp_TraceForms_AreUtc(string text) =>
        Assert.Equal(new DateTimeOffset(1995, 7, 1, 4, 0, 0, TimeSpan.Zero), TimeSeriesCsv.ParseTimestamp(text, "t.csv", 2));

    [Theory]
    [InlineData("", 0)]
    [InlineData("c7g.large=3;c7g.2xlarge=1", 4)]
    [InlineData(" c7g.large = 2 ; ", 2)]
    public void FleetParse_RoundTrips(string text, int total)
    {
        var fleet = Fleet.Parse(text);
        Assert.Equal(total, fleet.Total);
        Assert.Equal(fleet, Fleet.Parse(fleet.ToString()));
    }

    [Theory]
    [InlineData("c7g.large")]
    [InlineData("c7g.large=-1")]
    [InlineData("=3")]
    public void FleetParse_Malformed_Throws(string text) => Assert.Throws<FormatException>(() => Fleet.Parse(text));

    /// <summary>A text that never ends, as a device or a FIFO would be.</summary>
    private sealed class EndlessReader(char c) : TextReader
    {
        public override int Read(char[] buffer, int index, int count)
        {
            Array.Fill(buffer, c, index, count);
            return count;
        }

        public override int Peek() => c;

        public override int Read() => c;
    }
}
