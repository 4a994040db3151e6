using Dso.Integration.Tests.Infrastructure;

namespace Dso.Integration.Tests.Api;

/// <summary>The decision-log API on the SQLite store.</summary>
public sealed class SqliteDecisionApiTests(SeededSqliteService seeded) : DecisionApiTests(seeded), IClassFixture<SeededSqliteService>
{
    [Fact]
    public Task Paging_FollowingTheCursor_VisitsEveryRowOnceNewestFirst_Sqlite() => Paging_FollowingTheCursor_VisitsEveryRowOnceNewestFirst();

    [Fact]
    public Task Filter_ServiceAndRange_ReturnsExactlyThatDay_Sqlite() => Filter_ServiceAndRange_ReturnsExactlyThatDay();

    [Fact]
    public Task Filter_Variant_OnlyTheCanary_Sqlite() => Filter_Variant_OnlyTheCanary();

    [Fact]
    public Task Filter_StrategyAndAnomalies_MatchTheSeededSpikes_Sqlite() => Filter_StrategyAndAnomalies_MatchTheSeededSpikes();

    [Fact]
    public Task Filter_Held_TrueAndFalse_Sqlite() => Filter_Held_TrueAndFalse();

    [Fact]
    public Task Filter_ChangesOnly_EveryRowChangedTheFleet_Sqlite() => Filter_ChangesOnly_EveryRowChangedTheFleet();

    [Fact]
    public Task Filter_Outcome_FailedPendingAndNoChange_Sqlite() => Filter_Outcome_FailedPendingAndNoChange();

    [Fact]
    public Task Decision_ById_InFullAnd404WhenUnknown_Sqlite() => Decision_ById_InFullAnd404WhenUnknown();

    [Fact]
    public Task Series_WeekAtOneHour_168BucketsWithDemandCapacityCostAndMarkers_Sqlite() => Series_WeekAtOneHour_168BucketsWithDemandCapacityCostAndMarkers();

    [Fact]
    public Task Savings_AndShowback_ReactiveCostsMoreAndTeamsAddUp_Sqlite() => Savings_AndShowback_ReactiveCostsMoreAndTeamsAddUp();

    [Fact]
    public Task Csv_DecisionQuery_HasOneParsedRowPerDecision_Sqlite() => Csv_DecisionQuery_HasOneParsedRowPerDecision();

    [Fact]
    public Task Auth_NoKeyIs401_AnalystReads_AnalystCannotAct_Sqlite() => Auth_NoKeyIs401_AnalystReads_AnalystCannotAct();

    [Fact]
    public Task BadParameters_Each400NamesTheParameter_Sqlite() => BadParameters_Each400NamesTheParameter();

    [Fact]
    public Task Events_FilteredByServiceAndKind_NewestFirst_Sqlite() => Events_FilteredByServiceAndKind_NewestFirst();

    [Fact]
    public Task OpenApi_DescribesTheApi_Sqlite() => OpenApi_DescribesTheApi();

    [Fact]
    public Task Showback_ThisMonth_EqualsTheSpendTheBudgetEnforces_Sqlite() => Showback_ThisMonth_EqualsTheSpendTheBudgetEnforces();

    [Fact]
    public Task ServerTiming_HeavyEndpoints_ReportDbSerializationAndTotal_Sqlite() => ServerTiming_HeavyEndpoints_ReportDbSerializationAndTotal();
}
