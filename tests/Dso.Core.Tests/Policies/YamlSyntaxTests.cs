using Dso.Controller.Composition;
using Dso.Policies.Loading;

namespace Dso.Core.Tests.Policies;

/// <summary>Broken YAML syntax is a located error like every other and does not hide other files' errors.</summary>
public sealed class YamlSyntaxTests
{
    [Fact]
    public void Load_UnclosedFlowSequenceThenAnotherKey_IsLocatedAndOtherFilesStillChecked()
    {
        var shipped = DefaultPolicy.Text();
        var broken = shipped.Replace("    tick: 1m\n", "    tick: [1m\n", StringComparison.Ordinal);
        Assert.NotEqual(shipped, broken);
        var other = shipped.Replace("name: shop", "name: cart", StringComparison.Ordinal).Replace("monthly_usd: 900", "monthly_usd: -1", StringComparison.Ordinal);

        var errors = Assert.Throws<PolicyLoadException>(() => Plugins.PolicyLoader().Parse([("a.yaml", broken), ("b.yaml", other)])).Errors;

        var syntax = Assert.Single(errors, e => e.File == "a.yaml");
        var tickLine = broken.Split('\n').ToList().FindIndex(l => l.Contains("tick: [1m", StringComparison.Ordinal)) + 1;
        Assert.Equal((tickLine, 11), (syntax.Line, syntax.Column));
        Assert.Contains("not valid YAML", syntax.Problem);
        Assert.Contains("'[' is never closed", syntax.Problem);
        Assert.Contains(errors, e => e.File == "b.yaml" && e.Field == "budget.monthly_usd");
    }

    [Theory]
    [InlineData("services:\n  - name: x\n    tick: \"1m\n    slo: {a: 1\n", 3)]
    [InlineData("services:\n  - {name: x, tick: 1m\n", 2)]
    [InlineData("services:\n  - name: x\n   bad: indent\n", 3)]
    [InlineData("services:\n  - name: &a x\n    slo: *b\n", 3)]
    public void Load_BrokenSyntax_IsLocatedError(string text, int line)
    {
        var error = Assert.Single(Assert.Throws<PolicyLoadException>(() => Plugins.PolicyLoader().Parse([("p.yaml", text)])).Errors);
        Assert.Equal(line, error.Line);
        Assert.Contains("YAML", error.Problem);
    }
}
