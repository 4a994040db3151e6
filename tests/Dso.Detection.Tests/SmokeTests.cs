namespace Dso.Detection.Tests;

public sealed class ProjectLoadsTests
{
    [Fact]
    public void Assembly_Loads_HasName() => Assert.Equal("Dso.Detection.Tests", typeof(ProjectLoadsTests).Assembly.GetName().Name);
}
