using Dso.Controller.Composition;
using Dso.Core.Tests.Reconcile;
using Dso.Policies.Loading;

namespace Dso.Core.Tests.Experiments;

/// <summary>A policies/ directory holding only experiments runs them on the built-in default service; naming another service is a located error.</summary>
public sealed class ExperimentOnlyPolicyTests : IDisposable
{
    private readonly TestTraces _dir = new();

    [Fact]
    public void Load_ExperimentOnlyDirectory_RunsOnTheDefaultService()
    {
        var policies = Directory.CreateDirectory(Path.Combine(_dir.Root, "policies")).FullName;
        File.Copy(Path.Combine(RepoRoot(), "simulations", "experiments", "coverage.yaml"), Path.Combine(policies, "coverage.yaml"));

        var set = new PolicyAdmission(CheckingSourceFactories.Create()).Load(policies);

        Assert.Equal("shop", Assert.Single(set.Services).Name);
        var experiment = Assert.Single(set.Experiments);
        Assert.Equal(["shop"], experiment.Services);
        Assert.Equal(0.9, experiment.Variants[1].Policies["shop"].Strategy.Get("coverage_quantile", 0));
    }

    [Fact]
    public void Load_ExperimentOnlyDirectoryNamingAnotherService_IsALocatedErrorListingTheDefault()
    {
        var policies = Directory.CreateDirectory(Path.Combine(_dir.Root, "policies")).FullName;
        var file = Path.Combine(policies, "exp.yaml");
        File.WriteAllText(file, """
            experiments:
              - name: e
                service: checkout
                variants:
                  - name: a
                  - name: b
                    overrides: {limits: {max_instances: 40}}
            """);

        var ex = Assert.Throws<PolicyLoadException>(() => new PolicyAdmission(CheckingSourceFactories.Create()).Load(policies));

        Assert.Contains($"{file}:3:14: experiment 'e': service: unknown service 'checkout' (known: shop)", ex.Message);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DsoController.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }

    public void Dispose() => _dir.Dispose();
}
