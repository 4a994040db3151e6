using Dso.Integration.Tests.Infrastructure;

namespace Dso.Integration.Tests.Api;

/// <summary>The decision-log API on a real PostgreSQL (its own cluster, removed afterwards).</summary>
public sealed class PostgresDecisionApiTests(SeededPostgresService seeded) : DecisionApiTests(seeded), IClassFixture<SeededPostgresService>
{
    [PostgresFact]
    public Task Paging_FollowingTheCursor_VisitsEveryRowOnceNewestFirst_Postgres() => Paging_FollowingTheCursor_VisitsEveryRowOnceNewestFirst();

    [PostgresFact]
    public Task Filter_ServiceAndRange_ReturnsExactlyThatDay_Postgres() => Filter_ServiceAndRange_ReturnsExactlyThatDay();

    [PostgresFact]
    public Task Filter_Variant_OnlyTheCanary_Postgres() => Filter_Variant_OnlyTheCanary();

    [PostgresFact]
    public Task Filter_StrategyAndAnomalies_MatchTheSeededSpikes_Postgres() => Filter_StrategyAndAnomalies_MatchTheSeededSpikes();

    [PostgresFact]
    public Task Filter_Held_TrueAndFalse_Postgres() => Filter_Held_TrueAndFalse();

    [PostgresFact]
    public Task Filter_ChangesOnly_EveryRowChangedTheFleet_Postgres() => Filter_ChangesOnly_EveryRowChangedTheFleet();

    [PostgresFact]
    public Task Filter_Outcome_FailedPendingAndNoChange_Postgres() => Filter_Outcome_FailedPendingAndNoChange();

    [PostgresFact]
    public Task Decision_ById_InFullAnd404WhenUnknown_Postgres() => Decision_ById_InFullAnd404WhenUnknown();

    [PostgresFact]
    public Task Series_WeekAtOneHour_168BucketsWithDemandCapacityCostAndMarkers_Postgres() => Series_WeekAtOneHour_168BucketsWithDemandCapacityCostAndMarkers();

    [PostgresFact]
    public Task Savings_AndShowback_ReactiveCostsMoreAndTeamsAddUp_Postgres() => Savings_AndShowback_ReactiveCostsMoreAndTeamsAddUp();

    [PostgresFact]
    public Task Csv_DecisionQuery_HasOneParsedRowPerDecision_Postgres() => Csv_DecisionQuery_HasOneParsedRowPerDecision();

    [PostgresFact]
    public Task Auth_NoKeyIs401_AnalystReads_AnalystCannotAct_Postgres() => Auth_NoKeyIs401_AnalystReads_AnalystCannotAct();

    [PostgresFact]
    public Task BadParameters_Each400NamesTheParameter_Postgres() => BadParameters_Each400NamesTheParameter();

    [PostgresFact]
    public Task Events_FilteredByServiceAndKind_NewestFirst_Postgres() => Events_FilteredByServiceAndKind_NewestFirst();

    [PostgresFact]
    public Task OpenApi_DescribesTheApi_Postgres() => OpenApi_DescribesTheApi();

    [PostgresFact]
    public Task Showback_ThisMonth_EqualsTheSpendTheBudgetEnforces_Postgres() => Showback_ThisMonth_EqualsTheSpendTheBudgetEnforces();

    [PostgresFact]
    public Task ServerTiming_HeavyEndpoints_ReportDbSerializationAndTotal_Postgres() => ServerTiming_HeavyEndpoints_ReportDbSerializationAndTotal();
}
