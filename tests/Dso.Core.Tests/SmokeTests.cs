namespace Dso.Core.Tests;

public sealed class ProjectLoadsTests
{
    [Fact]
    public void Assembly_Loads_HasName() => Assert.Equal("Dso.Core.Tests", typeof(ProjectLoadsTests).Assembly.GetName().Name);
}
