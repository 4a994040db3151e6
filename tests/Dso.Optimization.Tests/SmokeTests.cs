namespace Dso.Optimization.Tests;

public sealed class ProjectLoadsTests
{
    [Fact]
    public void Assembly_Loads_HasName() => Assert.Equal("Dso.Optimization.Tests", typeof(ProjectLoadsTests).Assembly.GetName().Name);
}
