using Dso.Controller.Composition;

namespace Dso.Core.Tests.Policies;

/// <summary>policies/examples/ holds one service per provider; each must load with the providers this build registers.</summary>
public sealed class ExamplePoliciesTests
{
    private static string ExamplesDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "policies", "examples");
            if (File.Exists(Path.Combine(dir.FullName, "DsoController.sln")) && Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("policies/examples not found above the test's folder");
    }

    public static TheoryData<string> Examples() => new(Directory.GetFiles(ExamplesDirectory(), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(Examples))]
    public void Load_Example_IsValidAndDiffersOnlyInTheProviderBlock(string file)
    {
        var path = Path.Combine(ExamplesDirectory(), file);
        var service = Assert.Single(Plugins.PolicyLoader().Load(path).Services);
        Assert.Equal(Path.GetFileNameWithoutExtension(file), service.Provider);

        var reference = Plugins.PolicyLoader().Load(Path.Combine(ExamplesDirectory(), "simulated.yaml")).Services[0];
        Assert.Equal(reference.Catalog.Offerings, service.Catalog.Offerings);
        Assert.Equal(reference.Budget, service.Budget);
        Assert.Equal(reference.Limits, service.Limits);
        Assert.Equal(reference.Strategy.Name, service.Strategy.Name);
    }

    [Fact]
    public void Load_PoliciesFolder_SkipsTheExamples()
    {
        // The examples reuse the service name 'shop' of policies/shop.yaml: read recursively, the set would be
        // rejected as a duplicate; the default run must stay on the simulated cloud.
        var services = Plugins.PolicyLoader().Load(Path.GetDirectoryName(ExamplesDirectory())!).Services;
        Assert.All(services, s => Assert.Equal("simulated", s.Provider));
    }
}
