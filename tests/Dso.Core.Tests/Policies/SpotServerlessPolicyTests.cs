using Dso.Policies.Loading;
using Dso.Policies.Model;

namespace Dso.Core.Tests.Policies;

/// <summary>The <c>spot:</c>, <c>serverless:</c> and per-type spot keys: what they build and how mistakes are located.</summary>
public sealed class SpotServerlessPolicyTests
{
    private const string Valid = """
        services:
          - name: checkout
            slo:
              latency_p95_ms: 300
            instance_types:
              - {name: c7g.large, price_per_hour: 0.0725, capacity_rps: 110, spot_price_per_hour: 0.03, spot_interruption_per_hour: 0.08}
              - {name: c7g.xlarge, price_per_hour: 0.145, capacity_rps: 225, spot_price_per_hour: 0.06}
              - {name: m7g.large, price_per_hour: 0.0816, capacity_rps: 120}
            budget:
              monthly_usd: 500
            limits:
              max_instances: 20
            spot:
              max_share: 0.6
              on_demand_min: 2
            serverless:
              name: lambda
              price_per_million_requests: 0.20
              price_per_gb_second: 0.0000166667
              memory_gb: 0.5
              duration_ms: 120
              concurrency_limit: 1000
              cold_start_ms: 400
        """;

    private static PolicySet Parse(string text) => new PolicyLoader().Parse([("policies/checkout.yaml", text)]);

    private static IReadOnlyList<PolicyError> Errors(string text) => Assert.Throws<PolicyLoadException>(() => Parse(text)).Errors;

    [Fact]
    public void Parse_SpotAndServerless_BuildsSpotOfferingsAndOffering()
    {
        var service = Assert.Single(Parse(Valid).Services);
        Assert.Equal(3, service.Catalog.Types.Count);
        Assert.Equal(["c7g.large/spot", "c7g.xlarge/spot"], service.Catalog.Spot.Select(t => t.Name));
        var spot = service.Catalog["c7g.large/spot"];
        Assert.Equal(("c7g.large", 0.03m, 110.0, 0.08), (spot.SpotOf, spot.PricePerHour, spot.CapacityRps, spot.InterruptionPerHour));
        Assert.Equal(CatalogReader.DefaultSpotInterruptionPerHour, service.Catalog["c7g.xlarge/spot"].InterruptionPerHour);
        Assert.Equal(new SpotPolicy { MaxShare = 0.6, OnDemandMin = 2 }, service.Spot);
        var serverless = service.Serverless!;
        Assert.Equal("lambda", serverless.Name);
        Assert.Equal(1000 / 0.12, serverless.RpsLimit, 6);
        Assert.Equal(3600m * (0.20m / 1_000_000m + 0.5m * 0.12m * 0.0000166667m), serverless.UsdPerRpsHour);
        Assert.True(serverless.ColdStartBreaks(service.Slo.LatencyP95Ms));
    }

    [Fact]
    public void Parse_SpotPriceWithoutSpotSection_OffersNoSpot()
    {
        var text = Valid[..Valid.IndexOf("    spot:", StringComparison.Ordinal)];
        var service = Assert.Single(Parse(text).Services);
        Assert.Empty(service.Catalog.Spot);
        Assert.Null(service.Spot);
        Assert.Null(service.Serverless);
    }

    [Fact]
    public void Parse_SpotTypesList_LimitsTheSpotOfferings()
    {
        var service = Assert.Single(Parse(Valid.Replace("      on_demand_min: 2", "      on_demand_min: 2\n      types: [c7g.xlarge]")).Services);
        Assert.Equal(["c7g.xlarge/spot"], service.Catalog.Spot.Select(t => t.Name));
    }

    [Fact]
    public void Parse_InitialFleetOnSpot_IsAccepted()
    {
        var service = Assert.Single(Parse(Valid.Replace("    spot:", "    initial_fleet: {c7g.large: 2, c7g.large/spot: 1}\n    spot:")).Services);
        Assert.Equal(1, service.InitialFleet["c7g.large/spot"]);
    }

    [Theory]
    [InlineData("      max_share: 0.6", "      max_share: 1.5", 14, 18, "service 'checkout': spot.max_share: must be at least 0 and at most 1 (was 1.5)")]
    [InlineData("      max_share: 0.6", "      max_share: -0.1", 14, 18, "service 'checkout': spot.max_share: must be at least 0 and at most 1 (was -0.1)")]
    [InlineData("      max_share: 0.6", "      share: 0.6", 14, 7, "service 'checkout': spot.max_share: is required")]
    [InlineData("      on_demand_min: 2", "      on_demand_min: 2\n      floor: 3", 16, 7, "service 'checkout': spot.floor: unknown key")]
    [InlineData("      on_demand_min: 2", "      on_demand_min: 25", 15, 22, "service 'checkout': spot.on_demand_min: must not exceed limits.max_instances (25 > 20)")]
    [InlineData("      on_demand_min: 2", "      on_demand_min: 2\n      types: [m7g.large]", 16, 15, "service 'checkout': spot.types[0]: instance type 'm7g.large' has no spot_price_per_hour")]
    [InlineData("      on_demand_min: 2", "      on_demand_min: 2\n      types: [c6g.large]", 16, 15, "service 'checkout': spot.types[0]: unknown instance type 'c6g.large'")]
    [InlineData("spot_price_per_hour: 0.03,", "spot_price_per_hour: -0.03,", 6, 91, "service 'checkout': instance_types[0].spot_price_per_hour: must be positive (was -0.03)")]
    [InlineData("spot_interruption_per_hour: 0.08}", "spot_interruption_per_hour: -1}", 6, 125, "service 'checkout': instance_types[0].spot_interruption_per_hour: must be at least 0 and at most 3600 (was -1)")]
    [InlineData("capacity_rps: 120}", "capacity_rps: 120, spot_interruption_per_hour: 0.1}", 8, 98, "service 'checkout': instance_types[2].spot_interruption_per_hour: is only meaningful with spot_price_per_hour")]
    [InlineData("      price_per_million_requests: 0.20", "      price_per_million_requests: -0.20", 18, 35, "service 'checkout': serverless.price_per_million_requests: must be zero or more (was -0.20)")]
    [InlineData("      price_per_gb_second: 0.0000166667", "      price_per_gb_second: -1", 19, 28, "service 'checkout': serverless.price_per_gb_second: must be zero or more (was -1)")]
    [InlineData("      memory_gb: 0.5", "      memory_gb: 0", 20, 18, "service 'checkout': serverless.memory_gb: must be greater than 0 and at most 1024 (was 0)")]
    [InlineData("      duration_ms: 120", "      duration: 120", 17, 7, "service 'checkout': serverless.duration_ms: is required")]
    [InlineData("      concurrency_limit: 1000", "      concurrency_limit: 0", 22, 26, "service 'checkout': serverless.concurrency_limit: must be at least 1")]
    [InlineData("      cold_start_ms: 400", "      cold_start_ms: 400\n      warm_pool: 5", 24, 7, "service 'checkout': serverless.warm_pool: unknown key")]
    public void Parse_InvalidSpotOrServerless_NamesFileLineServiceAndField(string from, string to, int line, int column, string expected)
    {
        Assert.Contains(from, Valid);
        var errors = Errors(Valid.Replace(from, to)).Select(e => e.ToString()).ToList();
        var error = errors.SingleOrDefault(e => e.Contains(expected, StringComparison.Ordinal));
        Assert.True(error?.StartsWith($"policies/checkout.yaml:{line}:{column}: {expected}", StringComparison.Ordinal), string.Join(" | ", errors));
    }

    [Fact]
    public void Parse_SpotTypeWhoseEntryIsRejected_IsReportedOnlyAtTheEntry()
    {
        var text = Valid.Replace("price_per_hour: 0.145,", "price_per_hour: 0.145 USD,").Replace("      on_demand_min: 2", "      on_demand_min: 2\n      types: [c7g.xlarge]");
        var error = Assert.Single(Errors(text));
        Assert.Equal("instance_types[1].price_per_hour", error.Field);
    }

    [Fact]
    public void Parse_SpotWithoutAnySpotPrice_IsRejected()
    {
        var text = Valid.Replace(", spot_price_per_hour: 0.03, spot_interruption_per_hour: 0.08}", "}").Replace(", spot_price_per_hour: 0.06}", "}");
        var error = Assert.Single(Errors(text));
        Assert.Equal("spot", error.Field);
        Assert.Contains("no instance type has a spot_price_per_hour", error.Problem);
    }

    [Fact]
    public void Parse_ServerlessMissingEveryField_ReportsEachAtOnce()
    {
        var text = Valid[..Valid.IndexOf("      name: lambda", StringComparison.Ordinal)] + "      name: lambda\n";
        var fields = Errors(text).Select(e => e.Field).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["serverless.cold_start_ms", "serverless.concurrency_limit", "serverless.duration_ms", "serverless.memory_gb", "serverless.price_per_gb_second", "serverless.price_per_million_requests"], fields);
    }
}
