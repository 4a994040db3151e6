using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;
using Dso.Cloud.Simulated;
using Dso.Reconcile.Simulation;

namespace Dso.Core.Tests.Cloud;

/// <summary>Spot interruptions and serverless billing in the simulated cloud.</summary>
public sealed class SimulatedCloudSpotTests
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly InstanceType Large = new("c7g.large", 2, 4, 0.0725m, 110);
    private static readonly InstanceType LargeSpot = Large.Spot(0.03m, interruptionPerHour: 2);

    private static readonly ServerlessOffering Lambda = new("lambda", 0.20m, 0.0000166667m, 0.5, 120, 1000, 400);

    private static (SimulatedCloud Cloud, VirtualTimeProvider Time) Create(int seed)
    {
        var time = new VirtualTimeProvider(Start);
        var cloud = new SimulatedCloud(time);
        var settings = new SimulatedGroupSettings(new InstanceCatalog([Large, LargeSpot]), TimeSpan.FromMinutes(4), TimeSpan.FromSeconds(60), Fleet.Empty)
        {
            InterruptionSeed = seed,
            Serverless = Lambda,
        };
        cloud.EnsureGroup("web", settings);
        return (cloud, time);
    }

    /// <summary>Launches 3 on-demand and 20 spot instances, then records the spot count minute by minute for 6 hours.</summary>
    private static async Task<(List<int> SpotCounts, SimulatedCloud Cloud, VirtualTimeProvider Time)> RunAsync(int seed)
    {
        var (cloud, time) = Create(seed);
        await cloud.ApplyAsync(new ApplyRequest("web", Fleet.Of((Large.Name, 3), (LargeSpot.Name, 20)), "k1"), CancellationToken.None);
        var counts = new List<int>();
        for (var minute = 1; minute <= 360; minute++)
        {
            time.Set(Start.AddMinutes(minute));
            var state = await cloud.GetFleetAsync("web", CancellationToken.None);
            counts.Add(state.Fleet[LargeSpot.Name]);
            Assert.Equal(3, state.Fleet[Large.Name]);
        }

        return (counts, cloud, time);
    }

    [Fact]
    public async Task GetFleet_SameSeed_InterruptsSpotAtTheSameTimes()
    {
        var (first, _, _) = await RunAsync(seed: 11);
        var (second, _, _) = await RunAsync(seed: 11);
        var (other, _, _) = await RunAsync(seed: 12);
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.True(first[0] < 20 || first.Last() < first[0], "some spot instances are interrupted at 2/h");
        Assert.True(first.Last() <= 1, $"after 6 h at 2 interruptions/h almost all are gone (left {first.Last()})");
        Assert.True(first.Zip(first.Skip(1)).All(p => p.Second <= p.First), "interrupted instances never come back");
    }

    [Fact]
    public async Task CostUsd_SpotInterrupted_IsBilledOnlyUntilInterruption()
    {
        var (counts, cloud, time) = await RunAsync(seed: 5);
        // Each interruption happened within the minute before the count dropped: bill those spans, and on-demand throughout.
        var spotHours = 0.0;
        var previous = 20;
        for (var minute = 1; minute <= counts.Count; minute++)
        {
            spotHours += (previous - counts[minute - 1]) * (minute - 0.5) / 60.0;
            previous = counts[minute - 1];
        }

        spotHours += previous * 6.0;
        var expected = (3 * 6 * Large.PricePerHour) + ((decimal)spotHours * LargeSpot.PricePerHour);
        var cost = cloud.CostUsd("web");
        // Each interruption is known to the minute: half a minute either way per instance (or the 60 s billing minimum).
        Assert.InRange(cost, expected - (20 * LargeSpot.PricePerHour / 60m), expected + (20 * LargeSpot.PricePerHour / 60m));
        Assert.True(cloud.Interruptions("web") >= 19);

        // Once interrupted, an instance costs nothing more: six more hours add only the on-demand instances.
        Assert.Equal(0, previous);
        time.Set(Start.AddHours(12));
        Assert.Equal(cost + (3 * 6 * Large.PricePerHour), cloud.CostUsd("web"), 10);
    }

    [Fact]
    public async Task ServingCapacity_InterruptedInsideTheInterval_CountsUntilInterruption()
    {
        var (cloud, time) = Create(seed: 3);
        await cloud.ApplyAsync(new ApplyRequest("web", Fleet.Of((LargeSpot.Name, 50)), "k1"), CancellationToken.None);
        var readyCapacity = 50 * LargeSpot.CapacityRps;
        var total = 0.0;
        for (var minute = 5; minute < 65; minute++)
        {
            time.Set(Start.AddMinutes(minute));
            total += cloud.ServingCapacity("web", Start.AddMinutes(minute), Start.AddMinutes(minute + 1));
        }

        var survivors = (await cloud.GetFleetAsync("web", CancellationToken.None)).Fleet[LargeSpot.Name];
        Assert.True(total / 60 < readyCapacity, "interruptions reduce the capacity served");
        Assert.True(total / 60 > survivors * LargeSpot.CapacityRps, "instances serve until they are interrupted");
    }

    [Fact]
    public async Task Apply_ServerlessRps_IsBilledPerRequestAndGbSecondAndServes()
    {
        var (cloud, time) = Create(seed: 1);
        var result = await cloud.ApplyAsync(new ApplyRequest("web", Fleet.Of((Large.Name, 1)), "k1") { ServerlessRps = 100 }, CancellationToken.None);
        Assert.Equal(ApplyStatus.Applied, result.Status);
        Assert.Contains("routing 100 rps to lambda", result.Message);
        Assert.Equal(100, (await cloud.GetFleetAsync("web", CancellationToken.None)).ServerlessRps);
        time.Set(Start.AddHours(1));
        Assert.Equal(Large.CapacityRps + 100, cloud.ServingCapacity("web", Start.AddHours(1), Start.AddHours(1).AddMinutes(1)));
        var requests = 100m * 3600m;
        var expected = requests * ((0.20m / 1_000_000m) + (0.5m * 0.12m * 0.0000166667m));
        Assert.Equal(expected, cloud.ServerlessCostUsd("web"), 10);
        Assert.Equal(Large.PricePerHour + expected, cloud.CostUsd("web"), 10);

        var again = await cloud.ApplyAsync(new ApplyRequest("web", Fleet.Of((Large.Name, 1)), "k2") { ServerlessRps = 0 }, CancellationToken.None);
        Assert.Equal(ApplyStatus.Applied, again.Status);
        time.Set(Start.AddHours(2));
        Assert.Equal(expected, cloud.ServerlessCostUsd("web"), 10);
    }
}
