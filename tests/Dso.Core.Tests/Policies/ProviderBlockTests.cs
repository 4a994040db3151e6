using Dso.Abstractions.Cloud;
using Dso.Cloud.Simulated;
using Dso.Policies.Loading;
using Dso.Policies.Model;
using Dso.Reconcile.Providers;

namespace Dso.Core.Tests.Policies;

public sealed class ProviderBlockTests
{
    private const string Service = """
        services:
          - name: shop
            PROVIDER
            slo: {latency_p95_ms: 200}
            instance_types:
              - {name: c7g.large, vcpu: 2, memory_gib: 4, price_per_hour: 0.0725, capacity_rps: 110, spot_price_per_hour: 0.029}
              - {name: c7g.xlarge, vcpu: 4, memory_gib: 8, price_per_hour: 0.145, capacity_rps: 225}
            spot: {max_share: 0.5}
            budget: {monthly_usd: 500}
        """;

    private const string FullBlock = """
        provider:
              name: fake
              mode: approve
              approval: {instances: 4, usd_per_hour: 1.5, timeout: 10m, window: 2h}
              settings: {region: eu-west-1}
              groups:
                c7g.large: shop-large
                c7g.large/spot: shop-large-spot
                c7g.xlarge: shop-xlarge
        """;

    private static readonly CloudProviderRegistry Registry = new([new SimulatedCloudFactory(TimeProvider.System), new FakeFactory()]);

    private static PolicySet Parse(string provider) =>
        new PolicyLoader(Registry.Extend(PolicyVocabulary.Default)).Parse([("policies/shop.yaml", Service.Replace("PROVIDER", provider))]);

    private static List<string> Errors(string provider) =>
        Assert.Throws<PolicyLoadException>(() => Parse(provider)).Errors.Select(e => e.ToString()).ToList();

    [Fact]
    public void Parse_ScalarProvider_RunsAutoWithNoGroups()
    {
        var service = Assert.Single(Parse("provider: simulated").Services);
        Assert.Equal("simulated", service.Provider);
        Assert.Equal(ApplyMode.Auto, service.Cloud.Mode);
        Assert.Empty(service.Cloud.Groups);
    }

    [Fact]
    public void Parse_FullBlock_ReadsModeApprovalSettingsAndGroups()
    {
        var service = Assert.Single(Parse(FullBlock).Services);
        Assert.Equal("fake", service.Provider);
        Assert.Equal(ApplyMode.Approve, service.Cloud.Mode);
        Assert.Equal(new ApprovalPolicy(4, 1.5m, TimeSpan.FromMinutes(10)) { Window = TimeSpan.FromHours(2) }, service.Cloud.Approval);
        Assert.Equal("eu-west-1", service.Cloud.Settings["region"]);
        var binding = service.Binding();
        Assert.Equal("shop-large-spot", binding.GroupOf("c7g.large/spot"));
        Assert.Equal(3, binding.Catalog.Offerings.Count);
    }

    [Fact]
    public void Parse_UnknownProvider_ListsTheRegisteredOnes()
    {
        var error = Assert.Single(Errors("provider: nimbus"));
        Assert.Equal("policies/shop.yaml:3:15: service 'shop': provider: unknown provider 'nimbus' (known: fake, simulated)", error);
    }

    [Fact]
    public void Parse_UnmappedOffering_IsAnErrorAtTheGroups()
    {
        var errors = Errors(FullBlock.Replace("c7g.large/spot: shop-large-spot", ""));
        Assert.Contains("policies/shop.yaml:9:9: service 'shop': provider.groups: offering 'c7g.large/spot' is not mapped to a group (every offering needs one)", errors);
    }

    [Fact]
    public void Parse_GroupForUnknownOffering_IsAnError()
    {
        var errors = Errors(FullBlock.Replace("c7g.xlarge: shop-xlarge", "c7g.xlarge: shop-xlarge\n        m7g.large: shop-m7g"));
        Assert.Contains(errors, e => e.Contains(":12:9: service 'shop': provider.groups.m7g.large: not an offering of this service", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_GroupForATypeWhoseEntryIsRejected_IsNotAlsoAnUnknownOffering()
    {
        var provider = FullBlock;
        var text = Service.Replace("PROVIDER", provider).Replace("price_per_hour: 0.0725,", "price_per_hour: cheap,", StringComparison.Ordinal);
        var ex = Assert.Throws<PolicyLoadException>(() => new PolicyLoader(Registry.Extend(PolicyVocabulary.Default)).Parse([("policies/shop.yaml", text)]));
        var error = Assert.Single(ex.Errors);
        Assert.Equal("instance_types[0].price_per_hour", error.Field);
    }

    [Fact]
    public void Parse_SettingThePluginRejects_IsPlacedAtThatSetting()
    {
        var errors = Errors(FullBlock.Replace("settings: {region: eu-west-1}", "settings: {region: eu-west-1, secret_key: x}"));
        var error = Assert.Single(errors);
        Assert.Equal("policies/shop.yaml:7:37: service 'shop': provider.settings.secret_key: unknown setting (known: region)", error);
    }

    [Fact]
    public void Parse_MissingRequiredSetting_IsPlacedAtTheBlock()
    {
        var error = Assert.Single(Errors(FullBlock.Replace("settings: {region: eu-west-1}", "settings: {}")));
        Assert.Contains("service 'shop': provider.settings: region is required", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mode: sometimes", "provider.mode: 'sometimes' is not one of: auto, dry_run, approve")]
    [InlineData("approval: {instances: -1}", "provider.approval.instances: must be at least 0")]
    [InlineData("approval: {timeout: soon}", "provider.approval.timeout")]
    [InlineData("approval: {window: 30d}", "provider.approval.window: must be at most 7d")]
    [InlineData("approval: {window: hourly}", "provider.approval.window: must be a duration")]
    [InlineData("region: eu-west-1", "provider.region: unknown key")]
    public void Parse_BadBlockField_NamesIt(string line, string expected)
    {
        var errors = Errors($"""
            provider:
                  name: simulated
                  {line}
            """);
        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ApprovalWithoutApproveMode_IsAnError()
    {
        var errors = Errors(FullBlock.Replace("mode: approve", "mode: dry-run"));
        Assert.Contains(errors, e => e.Contains("provider.approval: only applies with mode: approve (mode is dryrun)", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_DryRun_ReadsTheHyphenatedName()
    {
        var service = Assert.Single(Parse("provider: {name: simulated, mode: dry-run}").Services);
        Assert.Equal(ApplyMode.DryRun, service.Cloud.Mode);
    }

    [Fact]
    public void Approval_Thresholds_WaitOnlyAboveThem()
    {
        var approval = new ApprovalPolicy(4, 1.5m, TimeSpan.FromMinutes(10));
        Assert.False(approval.Requires(4, 1.5m));
        Assert.True(approval.Requires(-5, 0.2m));
        Assert.True(approval.Requires(1, 1.6m));
        Assert.True(ApprovalPolicy.Default.Requires(1, 0.01m));
        Assert.False(ApprovalPolicy.Default.Requires(0, 0m));
    }

    /// <summary>A provider plug-in that wants a region and every offering mapped, like the real ones.</summary>
    private sealed class FakeFactory : ICloudProviderFactory
    {
        public string Name => "fake";

        public IReadOnlyList<string> Validate(ProviderBinding binding)
        {
            var problems = binding.Settings.Keys.Where(k => k != "region").Select(k => $"settings.{k}: unknown setting (known: region)").ToList();
            if (binding.Setting("region") is null)
            {
                problems.Add("settings: region is required");
            }

            return problems;
        }

        public ICloudProvider Create(ProviderBinding binding) => throw new NotSupportedException();
    }
}
