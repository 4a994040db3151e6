using Dso.Policies.Loading;

namespace Dso.Core.Tests.Policies;

/// <summary>The optional showback label <c>team</c>.</summary>
public sealed class TeamLabelTests
{
    private static string Policy(string? team) => $$"""
        services:
          - name: shop
        {{(team is null ? "" : $"    team: {team}\n")}}    slo: {latency_p95_ms: 200}
            instance_types:
              - {name: m.large, vcpu: 2, memory_gib: 8, price_per_hour: 0.1, capacity_rps: 100}
            budget: {monthly_usd: 100, enforcement: soft}
            limits: {min_instances: 1, max_instances: 5}
            metrics: {source: synthetic}
            strategy: {name: target-tracking}
        """;

    [Theory]
    [InlineData(null, null)]
    [InlineData("storefront", "storefront")]
    [InlineData("team-a_2.eu", "team-a_2.eu")]
    public void Parse_Team_IsTheLabelOrNull(string? yaml, string? expected) =>
        Assert.Equal(expected, Assert.Single(new PolicyLoader().Parse([("p.yaml", Policy(yaml))]).Services).Team);

    [Theory]
    [InlineData("Storefront")]
    [InlineData("'two words'")]
    [InlineData("'a/b'")]
    public void Parse_BadTeam_ErrorNamesTheFieldAndValue(string yaml)
    {
        var error = Assert.Single(Assert.Throws<PolicyLoadException>(() => new PolicyLoader().Parse([("p.yaml", Policy(yaml))])).Errors);
        Assert.Equal("team", error.Field);
        Assert.Equal(3, error.Line);
        Assert.Contains("must be 1-63 characters", error.Problem);
    }
}
