using System.Text;
using Dso.Controller.Settings;

namespace Dso.Core.Tests.Settings;

/// <summary>Keys are found where the host's JSON provider reads them, at 1-based line and column in characters.</summary>
public sealed class JsonSettingsMapTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"dso-settings-{Guid.NewGuid():N}.json");

    [Theory]
    [InlineData("{\"a\": {\"b\": 1}}", "a:b", 1, 13)]
    [InlineData("{\"a\": {\"b\": 1}}", "A:B", 1, 13)]
    [InlineData("{\"a\": {\"b\": 1}}", "a", 1, 7)]
    [InlineData("{\"a\": [1, {\"b\": \"x\"}]}", "a:1:b", 1, 17)]
    [InlineData("{\"a\": [1, {\"b\": \"x\"}]}", "a:0", 1, 8)]
    [InlineData("{\r\n  \"a\": 1\r\n}", "a", 2, 8)]
    [InlineData("{ /* c */ \"a\": 1, // d\n  \"b\": 2, }", "b", 2, 8)]
    [InlineData("{\"é\": \"ü\", \"b\": 2}", "b", 1, 17)]
    [InlineData("{\"a\": 1}", "b", 0, 0)]
    // A syntax error ends the scan: keys before it are still found.
    [InlineData("{\"a\": 1, \"b\": ]", "a", 1, 7)]
    public void Find_Key_IsAtItsValue(string json, string key, int line, int column)
    {
        File.WriteAllText(_file, json, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

        var at = JsonSettingsMap.TryRead(_file)!.Find(key);

        Assert.Equal(line == 0 ? null : (line, column), at);
    }

    [Fact]
    public void Find_AfterAByteOrderMark_CountsTheFirstLineFromAfterIt()
    {
        File.WriteAllText(_file, "{\"a\": 1}", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        var map = JsonSettingsMap.TryRead(_file)!;

        Assert.Equal((1, 7), map.Find("a"));
        Assert.Equal((1, 7), map.Position(0, 6));
    }

    public void Dispose() => File.Delete(_file);
}
