using Dso.Controller.Settings;
using Microsoft.Extensions.Configuration;

namespace Dso.Core.Tests.Settings;

/// <summary>A value of the wrong type is left out of the binding and reported; it does not stop the rest being bound.</summary>
public sealed class SettingsBinderTests
{
    private static readonly IConfiguration Configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["S:Count"] = "many",
        ["S:Rate"] = "fast",
        ["S:Name"] = "web",
        ["S:Items:0"] = "a",
        ["S:Items:1"] = "b",
    }).Build();

    [Fact]
    public void Unconvertible_TwoValuesOfTheWrongType_ReportsBothByKey()
    {
        var found = SettingsBinder.Unconvertible<Sample>(Configuration, "S");

        Assert.Equal([("S:Count", "'many' cannot be read as Int32"), ("S:Rate", "'fast' cannot be read as Double")], found);
    }

    [Fact]
    public void Get_ValuesOfTheWrongType_KeepTheirDefaultsAndTheRestIsBoundOnce()
    {
        var bound = SettingsBinder.Get<Sample>(Configuration, "S");

        Assert.Equal((7, 1.5, "web"), (bound.Count, bound.Rate, bound.Name));
        Assert.Equal(["a", "b"], bound.Items);
    }

    [Fact]
    public void Unconvertible_NoValueOfTheWrongType_IsEmpty() =>
        Assert.Empty(SettingsBinder.Unconvertible<Sample>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["S:Count"] = "3" }).Build(), "S"));

    public sealed class Sample
    {
        public int Count { get; set; } = 7;

        public double Rate { get; set; } = 1.5;

        public string? Name { get; set; }

        public List<string> Items { get; set; } = [];
    }
}
