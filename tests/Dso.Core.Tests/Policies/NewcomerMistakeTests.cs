using Dso.Controller.Composition;
using Dso.Policies.Loading;

namespace Dso.Core.Tests.Policies;

/// <summary>
/// Mistakes an operator new to the policy format makes, each of which an earlier build let through (the service then
/// crashed, failed every tick, or ran something else than written): each is a located error at the field it names.
/// </summary>
public sealed class NewcomerMistakeTests
{
    private const string File = "policies/shop.yaml";

    private const string Valid = """
        services:
          - name: shop
            tick: 1m
            slo: {latency_p95_ms: 200}
            instance_types:
              - {name: c7g.large, vcpu: 2, memory_gib: 4, price_per_hour: 0.0725, capacity_rps: 110}
            boot_delay: 4m
            budget: {monthly_usd: 500, enforcement: hard}
            limits: {min_instances: 1, max_instances: 20}
            metrics:
              source: synthetic
              options: {seed: 7}
            anomaly_actions:
              request_rate: alert_only
        """;

    [Theory]
    // A decimal comma is not a thousands separator: read as 725 USD/h before.
    [InlineData("price_per_hour: 0.0725", "price_per_hour: \"0,0725\"", "\"0,0725\"", "instance_types[0].price_per_hour", "no thousands separator")]
    // Past decimal's range a month's spend overflowed on every tick; a billion USD is the ceiling of every amount.
    [InlineData("price_per_hour: 0.0725", "price_per_hour: 79228162514264337593543950335", "79228162514264337593543950335", "instance_types[0].price_per_hour", "must be at most 1000000000 USD")]
    [InlineData("monthly_usd: 500", "monthly_usd: 1e10", "1e10", "budget.monthly_usd", "must be at most 1000000000 USD")]
    // Enum.TryParse took numbers and flag lists: a "hard" budget that was not hard.
    [InlineData("enforcement: hard", "enforcement: 1", "1}", "budget.enforcement", "'1' is not one of: hard, soft")]
    [InlineData("enforcement: hard", "enforcement: \"hard, soft\"", "\"hard, soft\"", "budget.enforcement", "is not one of: hard, soft")]
    // The name is a directory, a URL segment and a metric label: the service refused the whole set, unlocated.
    [InlineData("name: shop", "name: \"shop/web\"", "\"shop/web\"", "name", "must be 1-100 letters, digits")]
    [InlineData("name: shop", "name: \"../../tmp/evil\"", "\"../../tmp/evil\"", "name", "must be 1-100 letters, digits")]
    // The planner holds a row per tick of the boot: a year's boot ran out of memory.
    [InlineData("boot_delay: 4m", "boot_delay: 10000000d", "10000000d", "boot_delay", "must be at most 6h")]
    [InlineData("tick: 1m", "tick: 2d", "2d", "tick", "must be at most 1d")]
    // TimeSpan's own reading of "5:30" is five and a half hours.
    [InlineData("tick: 1m", "tick: \"5:30\"", "\"5:30\"", "tick", "must be a duration such as")]
    [InlineData("tick: 1m", "tick: 500ms", "500ms", "tick", "must be at least 1s")]
    // Option typos and secrets were taken silently.
    [InlineData("options: {seed: 7}", "options: {sed: 7}", "sed", "metrics.options.sed", "unknown option for source 'synthetic' (known: seed, base_rps")]
    [InlineData("options: {seed: 7}", "options: {seed: 7, password: hunter2}", "password", "metrics.options.password", "never from a policy file")]
    [InlineData("request_rate: alert_only", "request_rte: alert_only", "request_rte", "anomaly_actions.request_rte", "did you mean 'request_rate'?")]
    // Fleets travel as type=count;type=count: the loop could not read its own last decision back and failed every tick.
    [InlineData("{name: c7g.large,", "{name: \"c7g=large\",", "\"c7g=large\"", "instance_types[0].name", "fleets are written type=count;type=count")]
    [InlineData("{name: c7g.large,", "{name: \"c7g;large\",", "\"c7g;large\"", "instance_types[0].name", "must be 1-100 letters, digits")]
    [InlineData("{name: c7g.large,", "{name: \"\",", "\"\"", "instance_types[0].name", "must be 1-100 letters, digits")]
    [InlineData("slo: {latency_p95_ms: 200}", "slo: {latency_p95_ms: [200]}", "[200]", "slo.latency_p95_ms", "must be a single value, not a list")]
    [InlineData("    tick: 1m", "    scale_group: \"\"\n    tick: 1m", "\"\"", "scale_group", "must name the group to scale")]
    public void Mistake_IsLocatedAtItsField(string from, string to, string token, string field, string problem)
    {
        var text = Valid.Replace(from, to);
        var error = Assert.Single(Errors(text));
        Assert.Equal((File, Locate(text, token)), (error.File, (error.Line, error.Column)));
        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Problem);
    }

    [Fact]
    public void BootOfMoreTicksThanThePlannerHolds_IsAnErrorAtTheBootDelay()
    {
        var text = Valid.Replace("tick: 1m", "tick: 1s").Replace("boot_delay: 4m", "boot_delay: 1h");
        var error = Assert.Single(Errors(text));
        Assert.Equal(("boot_delay", Locate(text, "1h")), (error.Field, (error.Line, error.Column)));
        Assert.Contains("spans 3600 ticks of 1s; at most 2880", error.Problem);
        Assert.Single(Parse(Valid.Replace("tick: 1m", "tick: 2s").Replace("boot_delay: 4m", "boot_delay: 1h")).Services);
    }

    [Fact]
    public void SecondDocument_IsAnErrorAtItsStart_NotSilentlyDropped()
    {
        var text = Valid + "\n---\nservices:\n  - name: second\n";
        var error = Assert.Single(Errors(text));
        Assert.Equal(Valid.Split('\n').Length + 2, error.Line);
        Assert.Contains("a second YAML document", error.Problem);
    }

    [Fact]
    public void MergeKey_SaysMergeKeysAreNotSupported()
    {
        var text = "x-slo: &slo\n  latency_p95_ms: 200\n" + Valid;
        Assert.Contains(Errors(text), e => e.Field == "x-slo");
        var merged = Valid.Replace("    tick: 1m", "    <<: {tick: 1m}");
        Assert.Contains(Errors(merged), e => e.Field == "<<" && e.Problem.Contains("merge keys are not supported"));
    }

    [Fact]
    public void StrategyShortForm_NamesTheStrategy()
    {
        var service = Assert.Single(Parse(Valid.Replace("    tick: 1m", "    tick: 1m\n    strategy: target-tracking")).Services);
        Assert.Equal("target-tracking", service.Strategy.Name);
        var error = Assert.Single(Errors(Valid.Replace("    tick: 1m", "    tick: 1m\n    strategy: magic")));
        Assert.Contains("unknown strategy 'magic'", error.Problem);
    }

    [Fact]
    public void Directory_SkipsEditorLockFiles_ReportsUnreadableFilesBesideTheOthersErrors()
    {
        var dir = Directory.CreateTempSubdirectory("dso-policies-").FullName;
        try
        {
            System.IO.File.WriteAllText(Path.Combine(dir, "shop.yaml"), Valid);
            // Emacs's lock file while shop.yaml is edited: a dangling symlink named like a policy file.
            System.IO.File.CreateSymbolicLink(Path.Combine(dir, ".#shop.yaml"), "user@host.1234:17");
            var set = new PolicyLoader().Load(dir);
            Assert.Equal("shop", Assert.Single(set.Services).Name);

            System.IO.File.CreateSymbolicLink(Path.Combine(dir, "gone.yaml"), Path.Combine(dir, "missing-target.yaml"));
            System.IO.File.WriteAllText(Path.Combine(dir, "OTHER.YAML"), Valid.Replace("name: shop", "name: other").Replace("tick: 1m", "tikc: 1m"));
            var errors = Assert.Throws<PolicyLoadException>(() => new PolicyLoader().Load(dir)).Errors;
            Assert.Contains(errors, e => e.File.EndsWith("gone.yaml", StringComparison.Ordinal) && e.Line == 1 && e.Problem.Contains("could not be read"));
            Assert.Contains(errors, e => e.File.EndsWith("OTHER.YAML", StringComparison.Ordinal) && e.Field == "tikc");

            // The service's gate (validate, simulate, the reloader) reads the same files.
            var admitted = Assert.Throws<PolicyLoadException>(() => new PolicyAdmission(CheckingSourceFactories.Create()).Load(dir)).Errors;
            Assert.Equal(errors.Select(e => e.ToString()), admitted.Select(e => e.ToString()));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AliasOfAValueOfTheWrongType_IsLocatedAtTheAlias_AndNamesTheAnchor()
    {
        // YamlDotNet resolves '*slo' to the anchored node itself: the error pointed at '&slo', a line that is right.
        var text = Valid.Replace("slo: {latency_p95_ms: 200}", "slo: &slo {latency_p95_ms: 200}").Replace("boot_delay: 4m", "boot_delay: *slo");
        var error = Assert.Single(Errors(text));
        Assert.Equal(("boot_delay", Locate(text, "*slo")), (error.Field, (error.Line, error.Column)));
        var anchor = Locate(text, "&slo");
        Assert.Contains($"alias '*slo'; its anchor '&slo' is at line {anchor.Line}, column {anchor.Column}", error.Problem);
    }

    [Fact]
    public void AliasUsedTwice_EachUseIsLocatedAtItself_AndAGoodUseStillParses()
    {
        var good = Valid.Replace("slo: {latency_p95_ms: 200}", "slo: &slo {latency_p95_ms: 200}")
            + "\n  - name: cart\n    tick: 1m\n    slo: *slo\n    instance_types: [{name: c7g.large, vcpu: 2, memory_gib: 4, price_per_hour: 0.0725, capacity_rps: 110}]"
            + "\n    budget: {monthly_usd: 500}\n    limits: {min_instances: 1, max_instances: 20}\n    metrics: {source: synthetic}\n";
        Assert.All(Parse(good).Services, s => Assert.Equal(200, s.Slo.LatencyP95Ms));

        var bad = good.Replace("    tick: 1m\n    slo: *slo", "    tick: *slo\n    slo: *slo").Replace("boot_delay: 4m", "boot_delay: *slo");
        var errors = Errors(bad);
        var lines = bad.Split('\n');
        var uses = new[] { "boot_delay: *slo", "tick: *slo" }.Select(field => Array.FindIndex(lines, l => l.Contains(field, StringComparison.Ordinal)) + 1);
        Assert.Equal(uses.Order(), errors.Select(e => e.Line).Order());
        Assert.All(errors, e => Assert.Equal(lines[e.Line - 1].IndexOf("*slo", StringComparison.Ordinal) + 1, e.Column));
    }

    [Fact]
    public void AliasesThatExpandToBillionsOfNodes_AreOneLocatedError_NotCopiedWithoutEnd()
    {
        var text = "services:\n  - name: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + string.Concat(Enumerable.Range(1, 9).Select(i =>
            $"  - name: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n"));
        var error = Assert.Single(Errors(text));
        Assert.Contains("aliases expand to more than", error.Problem);
    }

    [Theory]
    [InlineData("options: {seed: 7}", "options: {seed: seven}", "seven", "metrics.options.seed must be a whole number")]
    [InlineData("options: {seed: 7}", "options: {base_rps: -300}", "-300", "metrics.options.base_rps must be a number of requests per second above 0")]
    public void SourceOptionTheFactoryRefuses_IsRejectedByTheGateAtTheValue(string from, string to, string token, string problem)
    {
        var admission = new PolicyAdmission(CheckingSourceFactories.Create());
        var text = Valid.Replace(from, to);
        var error = Assert.Single(Assert.Throws<PolicyLoadException>(() => admission.Parse([(File, text)])).Errors);
        Assert.Contains(problem, error.Problem);
        // Where the operator wrote the value, not the service's "- name:" line.
        Assert.Equal((File, Locate(text, token)), (error.File, (error.Line, error.Column)));
    }

    [Theory]
    [InlineData("source: synthetic\n      options: {seed: 7}", "source: prometheus", "prometheus", "metrics.queries must give a PromQL query per KPI")]
    [InlineData("source: synthetic\n      options: {seed: 7}", "source: prometheus\n      queries: {latency_p95: lat}", "{latency_p95: lat}", "metrics.queries has no 'request_rate'")]
    public void MetricsSectionTheFactoryRefusesAsAWhole_IsLocatedAtTheSectionOrTheSource(string from, string to, string token, string problem)
    {
        var admission = new PolicyAdmission(CheckingSourceFactories.Create());
        var text = Valid.Replace(from, to);
        Assert.NotEqual(Valid, text);
        var error = Assert.Single(Assert.Throws<PolicyLoadException>(() => admission.Parse([(File, text)])).Errors);
        Assert.Contains(problem, error.Problem);
        Assert.Equal((File, Locate(text, token)), (error.File, (error.Line, error.Column)));
    }

    private static Dso.Policies.Model.PolicySet Parse(string text) => new PolicyLoader().Parse([(File, text)]);

    private static IReadOnlyList<PolicyError> Errors(string text) =>
        Assert.Throws<PolicyLoadException>(() => Parse(text)).Errors;

    /// <summary>1-based line and column of the first occurrence of <paramref name="token"/>.</summary>
    private static (int Line, int Column) Locate(string text, string token)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var at = lines[i].IndexOf(token, StringComparison.Ordinal);
            if (at >= 0)
            {
                return (i + 1, at + 1);
            }
        }

        throw new InvalidOperationException($"'{token}' not in the text");
    }
}
