using System.Text.Json;
using System.Text.Json.Serialization;
using Dso.Abstractions.Catalog;

namespace Dso.DecisionLog;

/// <summary>The JSON form of decisions, shared by the log's payload column and the HTTP API.</summary>
public static class DecisionJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        options.Converters.Add(new FleetJsonConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        return options;
    }
}
