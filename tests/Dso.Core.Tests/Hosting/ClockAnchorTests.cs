using Dso.Controller.Hosting;
using Dso.Reconcile.Simulation;

namespace Dso.Core.Tests.Hosting;

/// <summary>The accelerated service clock's anchor survives restarts, and a damaged one stops the service instead of moving time.</summary>
public sealed class ClockAnchorTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("dso-anchor-").FullName;

    [Fact]
    public void Restart_ContinuesServiceTimeFromTheAnchor()
    {
        var real = new VirtualTimeProvider(Now);
        var first = AcceleratedTimeProvider.Create(real, 60, _dir);
        real.Set(Now.AddMinutes(1));
        var atStop = first.GetUtcNow();

        var second = AcceleratedTimeProvider.Create(real, 60, _dir);

        Assert.Equal(Now.AddHours(1), atStop);
        Assert.Equal(atStop, second.GetUtcNow());
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    [InlineData("1970-01-01T00:00:00+00:00 2026-12-03T00:00:00+00:00")] // 57 years of wall time at 60x: year 5442
    [InlineData("0001-01-01T00:00:00+00:00 2026-12-03T00:00:00+00:00")] // overflowed the clock on every read
    [InlineData("2026-12-03T11:00:00+00:00 9999-12-31T00:00:00+00:00")]
    [InlineData("2027-12-03T11:00:00+00:00 2026-12-03T00:00:00+00:00")] // wall anchor in the future
    public void DamagedAnchor_StopsWithTheFileNamed_InsteadOfMovingServiceTime(string content)
    {
        var path = Path.Combine(_dir, "clock-anchor.txt");
        File.WriteAllText(path, content);

        var ex = Assert.Throws<InvalidDataException>(() => AcceleratedTimeProvider.Create(new VirtualTimeProvider(Now), 60, _dir));

        Assert.StartsWith($"{path}: not a usable clock anchor", ex.Message);
        Assert.Equal(content, File.ReadAllText(path)); // left for the operator to look at, not overwritten
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
