using Dso.Abstractions.Catalog;
using Dso.Abstractions.Cloud;

namespace Dso.Policies.Model;

/// <summary>Everything the loop needs to scale one service, as the operator declared it in YAML.</summary>
public sealed record ServicePolicy
{
    public required string Name { get; init; }

    /// <summary>Which cloud adapter applies decisions ("simulated", "aws", "azure", "kubernetes").</summary>
    public string Provider { get; init; } = "simulated";

    /// <summary>Mode, approvals, provider settings and offering-to-group map from the <c>provider:</c> block.</summary>
    public CloudPolicy Cloud { get; init; } = CloudPolicy.Default;

    /// <summary>The provider's name for the group of instances (ASG, scale set, deployment).</summary>
    public required string ScaleGroup { get; init; }

    /// <summary>The billed resource the budget counts spend on across renames (<see cref="ProviderBinding.Target"/>).</summary>
    public string ScaleTarget => ProviderBinding.TargetOf(Provider, ScaleGroup, Cloud.Settings);

    /// <summary>Optional owner label: showback groups cost by it. Null when the policy names no team.</summary>
    public string? Team { get; init; }

    public TimeSpan Tick { get; init; } = TimeSpan.FromMinutes(1);

    public required SloPolicy Slo { get; init; }

    public required InstanceCatalog Catalog { get; init; }

    public TimeSpan BootDelay { get; init; } = TimeSpan.FromMinutes(4);

    public TimeSpan BillingMinimum { get; init; } = TimeSpan.FromSeconds(60);

    public required BudgetPolicy Budget { get; init; }

    public required LimitsPolicy Limits { get; init; }

    public Fleet InitialFleet { get; init; } = Fleet.Empty;

    /// <summary>Spot share and on-demand floor; null when the service runs on demand only (the catalog then has no spot offerings).</summary>
    public SpotPolicy? Spot { get; init; }

    /// <summary>A serverless offering the optimizer may route part of the demand to; null when none is declared.</summary>
    public ServerlessOffering? Serverless { get; init; }

    public required MetricsPolicy Metrics { get; init; }

    public required StrategyPolicy Strategy { get; init; }

    /// <summary>What an anomaly on each KPI does; KPIs not listed only alert.</summary>
    public IReadOnlyDictionary<string, AnomalyAction> AnomalyActions { get; init; } = new Dictionary<string, AnomalyAction>();

    /// <summary>
    /// An event calendar (campaigns, launches, holidays with expected effect) for the forecaster, as an absolute
    /// path resolved against the policy file's folder; null when none.
    /// </summary>
    public string? EventsFile { get; init; }

    /// <summary>
    /// SHA-256 (hex) of the events file's content when the policy was read: a reload that finds the same path with
    /// other content sees an edited calendar (and resets the forecaster), not an unchanged policy. Null without a file.
    /// </summary>
    public string? EventsFileHash { get; init; }

    /// <summary>Where the policy came from (file:line), for messages.</summary>
    public string Origin { get; init; } = "";

    /// <summary>
    /// Set when this is a promoted experiment winner's policy laid over the service; null for the policy as the files
    /// declare it. A label, not a setting: a reload does not count it as an edit of the service.
    /// </summary>
    public PromotedVariant? Promoted { get; init; }

    /// <summary>What the provider plug-in needs to know about this service: its groups, settings and offerings.</summary>
    public ProviderBinding Binding() => new(Provider, ScaleGroup, Cloud.Groups, Cloud.Settings)
    {
        Service = Name,
        Catalog = Catalog,
        BootDelay = BootDelay,
        BillingMinimum = BillingMinimum,
        InitialFleet = InitialFleet,
        Serverless = Serverless,
    };
}
