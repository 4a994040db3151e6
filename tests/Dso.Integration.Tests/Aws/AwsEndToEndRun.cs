using System.Globalization;
using Dso.Abstractions.Catalog;
using Dso.Integration.Tests.Infrastructure;

namespace Dso.Integration.Tests.Aws;

/// <summary>
/// What an end-to-end run of the real <c>dso</c> service against moto needs: moto with one launch template and Auto
/// Scaling group per offering, a recording proxy between the service and moto, a demand trace, a policy on provider
/// <c>aws</c>, and a data directory whose clock anchor starts service time inside the trace.
/// </summary>
internal sealed class AwsEndToEndRun : IDisposable
{
    public const string Large = "c7g.large";
    public const string Spot = "c7g.large/spot";
    public const string XLarge = "c7g.xlarge";

    /// <summary>Service time runs 60x: a 1-minute tick every real second.</summary>
    public const double ClockSpeed = 60;

    public static readonly IReadOnlyDictionary<string, string> Groups = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Large] = "shop-c7g-large",
        [Spot] = "shop-c7g-large-spot",
        [XLarge] = "shop-c7g-xlarge",
    };

    private static readonly DateTimeOffset TraceStart = new(2026, 3, 10, 6, 0, 0, TimeSpan.Zero);

    public AwsEndToEndRun()
    {
        Moto = new MotoServer();
        Cloud = new MotoFleet(Moto);
        Proxy = new CloudProxy(Moto.Url);
        Root = Directory.CreateTempSubdirectory("dso-aws-e2e-").FullName;
        Directory.CreateDirectory(DataDirectory);
        Directory.CreateDirectory(PoliciesDirectory);
    }

    public MotoServer Moto { get; }

    public MotoFleet Cloud { get; }

    public CloudProxy Proxy { get; }

    public string Root { get; }

    public string DataDirectory => Path.Combine(Root, "data");

    public string PoliciesDirectory => Path.Combine(Root, "policies");

    public DecisionLogFile Log => new(DataDirectory);

    public Task CreateGroupsAsync(int large, int spot, int xlarge) =>
        Cloud.CreateGroupsAsync((Groups[Large], "t4g.large", large), (Groups[Spot], "t4g.large", spot), (Groups[XLarge], "t4g.xlarge", xlarge));

    /// <summary>
    /// A trace that rises from 150 to 1500 rps, falls to 120 and rises again, a policy on provider aws pointed at the
    /// proxy in <paramref name="mode"/>, and the clock anchor (service time starts 2 h into the trace).
    /// </summary>
    /// <param name="mode">The provider's mode.</param>
    /// <param name="extraProvider">More keys of the provider block, indented by six spaces.</param>
    /// <param name="flatRps">Replay this demand throughout instead of the rise and fall.</param>
    public async Task WritePolicyAsync(string mode, string extraProvider = "", double? flatRps = null)
    {
        var trace = Path.Combine(Root, "demand.csv");
        var rows = new List<string> { "timestamp,value" };
        for (var minute = 0; minute < 400; minute++)
        {
            var t = minute - 120;
            double rps = flatRps ?? (t < 0 ? 150 : t < 15 ? 150 + (90 * t) : t < 25 ? 1500 : t < 40 ? 1500 - (92 * (t - 25)) : t < 55 ? 120 : 120 + (40 * (t - 55) % 900));
            rows.Add($"{TraceStart.AddMinutes(minute):yyyy-MM-ddTHH:mm:ssZ},{rps.ToString("0.#", CultureInfo.InvariantCulture)}");
        }

        await File.WriteAllLinesAsync(trace, rows);
        await File.WriteAllTextAsync(Path.Combine(PoliciesDirectory, "shop.yaml"), $$"""
            services:
              - name: shop
                provider:
                  name: aws
                  mode: {{mode}}
            {{extraProvider}}
                  settings:
                    region: us-east-1
                    endpoint_url: '{{Proxy.Url}}'
                  groups:
                    {{Large}}: {{Groups[Large]}}
                    {{Spot}}: {{Groups[Spot]}}
                    {{XLarge}}: {{Groups[XLarge]}}
                scale_group: shop-web
                tick: 1m
                slo:
                  latency_p95_ms: 250
                instance_types:
                  - {name: {{Large}},  vcpu: 2, memory_gib: 4, price_per_hour: 0.0725, capacity_rps: 110, spot_price_per_hour: 0.029}
                  - {name: {{XLarge}}, vcpu: 4, memory_gib: 8, price_per_hour: 0.1450, capacity_rps: 225}
                boot_delay: 1m
                budget:
                  monthly_usd: 100000
                  enforcement: soft
                limits:
                  min_instances: 1
                  max_instances: 20
                  max_step: 10
                  scale_down_stabilization: 0s
                spot:
                  max_share: 0.5
                  on_demand_min: 1
                metrics:
                  source: trace
                  options: {path: '{{trace}}'}
                strategy:
                  name: cost-optimizer
            """);
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "clock-anchor.txt"), $"{DateTimeOffset.UtcNow:o} {TraceStart.AddHours(2):o}");
    }

    public DsoService StartService(IReadOnlyDictionary<string, string>? environment = null, params string[] extraArgs) =>
        new(DataDirectory, PoliciesDirectory, Root, ClockSpeed, environment, extraArgs);

    /// <summary>The groups' desired capacities in moto as a fleet by offering.</summary>
    public async Task<Fleet> DesiredAsync()
    {
        var groups = await Cloud.GroupsAsync([.. Groups.Values]);
        return Fleet.Of(Groups.Select(g => new KeyValuePair<string, int>(g.Key, groups[g.Value].DesiredCapacity)));
    }

    public void Dispose()
    {
        Proxy.Dispose();
        Cloud.Dispose();
        Moto.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
