namespace Dso.Forecasting.Tests;

public sealed class EventCalendarTests
{
    [Fact]
    public void Predict_CampaignInCalendar_MovesForecastOnlyInsideEvent()
    {
        var series = SyntheticSeries.Daily(days: 3, TimeSpan.FromMinutes(5));
        var last = series[^1].Time;
        var campaign = new PlannedEvent("spring-sale", last.AddMinutes(30), last.AddMinutes(60), 2.0, "campaign");
        var options = new ForecasterOptions { Horizon = TimeSpan.FromHours(1.5) };
        var plain = ForecasterTests.Feed(series, options).Predict(18);
        var withEvent = ForecasterTests.Feed(series, new ForecasterOptions { Horizon = options.Horizon, Events = new EventCalendar([campaign]) }).Predict(18);

        for (var j = 0; j < 18; j++)
        {
            var inside = campaign.IsActiveAt(withEvent.TimeOf(j));
            Assert.Equal(inside ? 2.0 : 1.0, withEvent.EventMultipliers[j]);
            Assert.Equal(plain.P50[j] * withEvent.EventMultipliers[j], withEvent.P50[j], 6);
        }

        Assert.Contains(withEvent.EventMultipliers, m => m == 2.0);
        Assert.Equal("spring-sale", Assert.Single(withEvent.Events).Name);
        Assert.Empty(plain.Events);
    }

    [Fact]
    public void Predict_PastEventDividedOut_ForecastAfterItNotInflated()
    {
        // A past campaign doubled demand; the calendar says so, so the forecast after it must not carry the bump.
        var series = SyntheticSeries.Daily(days: 3, TimeSpan.FromMinutes(5), amplitude: 0, relativeNoise: 0.01);
        var from = series[^24].Time;
        var bumped = series.Select(p => p.Time >= from ? (p.Time, Value: p.Value * 2, p.Clean) : p).ToList();
        var calendar = new EventCalendar([new PlannedEvent("launch", from, series[^1].Time.AddMinutes(1), 2.0)]);
        var forecast = ForecasterTests.Feed(bumped, new ForecasterOptions { Horizon = TimeSpan.FromHours(1), Events = calendar }).Predict(12);
        Assert.All(forecast.P50, v => Assert.InRange(v, 180, 220));
    }

    [Fact]
    public void Parse_ValidYaml_ReadsEvents()
    {
        var calendar = EventCalendarLoader.Parse("""
            # planned events
            events:
              - name: black-friday
                kind: holiday
                start: 2026-11-27T00:00:00Z
                end: 2026-11-28T00:00:00Z
                multiplier: 2.5
                note: ignored by the loader
              - name: launch
                start: 2026-12-01T09:00:00Z
                end: 2026-12-01T12:00:00Z
                multiplier: 1.4
            """);
        Assert.Equal(2, calendar.Events.Count);
        Assert.Equal("holiday", calendar.Events[0].Kind);
        Assert.Equal(2.5, calendar.MultiplierAt(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero)));
        Assert.Equal(1.0, calendar.MultiplierAt(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("events:\n  - name: x\n    start: 2026-01-02T00:00:00Z\n    end: 2026-01-01T00:00:00Z\n    multiplier: 2\n", "cal.yaml:4:", "end")]
    [InlineData("events:\n  - name: x\n    start: 2026-01-01T00:00:00Z\n    end: 2026-01-02T00:00:00Z\n    multiplier: -1\n", "cal.yaml:5:", "multiplier")]
    [InlineData("events:\n  - name: x\n    start: yesterday\n    end: 2026-01-02T00:00:00Z\n    multiplier: 2\n", "cal.yaml:3:", "start")]
    [InlineData("events:\n  - name: x\n    end: 2026-01-02T00:00:00Z\n    multiplier: 2\n", "cal.yaml:2:", "'start'")]
    [InlineData("events: [\n", "cal.yaml:1:9:", "not valid YAML: this '[' is never closed")]
    // An unclosed '[' followed by more keys: YamlDotNet threw without a position, and the error read
    // "cal.yaml:1:1: invalid YAML (Operation is not valid due to the current state of the object.)".
    [InlineData("events:\n  - name: [x\n    start: 2026-01-01T00:00:00Z\n    end: 2026-01-02T00:00:00Z\n", "cal.yaml:2:11:", "not valid YAML: this '[' is never closed")]
    [InlineData("holidays: []\n", "cal.yaml:1:", "'events'")]
    public void Load_InvalidCalendar_ErrorNamesFileLineAndKey(string yaml, string location, string key)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"dso-cal-{Guid.NewGuid():N}");
        var path = Path.Combine(dir, "cal.yaml");
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(path, yaml);
            var ex = Assert.Throws<EventCalendarException>(() => EventCalendarLoader.Load(path));
            Assert.Contains(location, ex.Message);
            Assert.Contains(key, ex.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    // Read month first, 03/04/2026 was March 4 without a word: a 3 April campaign forecast a month early.
    [InlineData("start: 03/04/2026\n    end: 2026-04-05T00:00:00Z", "cal.yaml:3:12: event 'sale': 'start' value '03/04/2026' writes the day and month first")]
    [InlineData("start: 2026-04-03T00:00:00Z\n    end: 05-04-2026 10:00", "cal.yaml:4:10: event 'sale': 'end' value '05-04-2026 10:00' writes the day and month first")]
    [InlineData("start: \"03.04.2026\"\n    end: 2026-04-05T00:00:00Z", "cal.yaml:3:12: event 'sale': 'start' value '03.04.2026' writes the day and month first, which is ambiguous (03/04/2026 is 3 April or March 4); write ISO 8601")]
    public void Parse_DateWrittenDayOrMonthFirst_IsRefusedAtItsValue(string dates, string expected)
    {
        var yaml = $"events:\n  - name: sale\n    {dates}\n    multiplier: 2\n";

        var ex = Assert.Throws<EventCalendarException>(() => EventCalendarLoader.Parse(yaml, "cal.yaml"));

        Assert.StartsWith(expected, Assert.Single(ex.Errors).ToString());
    }

    [Fact]
    public void Parse_ThreeBadRows_ReportsEveryOneAtItsLineAndColumn()
    {
        // The loader stopped at the first error: an operator with three bad rows learnt of one per validate run.
        const string yaml = """
            events:
              - name: early-end
                start: 2026-11-27T00:00:00Z
                end: 2026-11-26T00:00:00Z
                multiplier: 2.5
              - name: fine
                start: 2026-12-01T00:00:00Z
                end: 2026-12-02T00:00:00Z
                multiplier: 1.2
              - name: two-mistakes
                start: tomorrow
                end: 2026-12-26T00:00:00Z
                multiplier: -3
              - start: 2026-12-30T00:00:00Z
                end: 2026-12-31T00:00:00Z
                multiplier: 2
            """;

        var ex = Assert.Throws<EventCalendarException>(() => EventCalendarLoader.Parse(yaml, "cal.yaml"));

        Assert.Equal(
            [
                "cal.yaml:4:10: event 'early-end': end '2026-11-26T00:00:00Z' must be after start '2026-11-27T00:00:00Z'",
                "cal.yaml:11:12: event 'two-mistakes': 'start' value 'tomorrow' is not a date and time (use e.g. 2026-07-01T00:00:00Z)",
                "cal.yaml:13:17: event 'two-mistakes': multiplier '-3' must be a positive number",
                "cal.yaml:14:5: event 4: missing required key 'name'",
            ],
            ex.Message.Split(Environment.NewLine));
    }

    [Fact]
    public void Parse_WrongValueThroughAnAlias_IsAtTheAliasNamingItsAnchor_AndAMissingAnchorIsLocated()
    {
        // YamlDotNet resolves '*m' to the anchored node itself: the second event's error was reported at line 5, twice
        // the same place, and an alias naming no anchor at line 1, column 1.
        const string yaml = """
            events:
              - name: one
                start: 2026-11-27T00:00:00Z
                end: 2026-11-28T00:00:00Z
                multiplier: &m -2
              - name: two
                start: 2026-12-01T00:00:00Z
                end: 2026-12-02T00:00:00Z
                multiplier: *m
            """;

        var ex = Assert.Throws<EventCalendarException>(() => EventCalendarLoader.Parse(yaml, "cal.yaml"));
        Assert.Equal(
            [
                "cal.yaml:5:17: event 'one': multiplier '-2' must be a positive number",
                "cal.yaml:9:17: event 'two': multiplier '-2' must be a positive number (the value of alias '*m'; its anchor '&m' is at line 5, column 17)",
            ],
            ex.Message.Split(Environment.NewLine));

        var missing = Assert.Throws<EventCalendarException>(() => EventCalendarLoader.Parse(yaml.Replace("&m -2", "2", StringComparison.Ordinal), "cal.yaml"));
        Assert.Equal("cal.yaml:9:17: not valid YAML: alias '*m' names no anchor defined above it", Assert.Single(missing.Errors).ToString());
    }
}
