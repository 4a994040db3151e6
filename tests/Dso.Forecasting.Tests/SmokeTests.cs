namespace Dso.Forecasting.Tests;

public sealed class ProjectLoadsTests
{
    [Fact]
    public void Assembly_Loads_HasName() => Assert.Equal("Dso.Forecasting.Tests", typeof(ProjectLoadsTests).Assembly.GetName().Name);
}
