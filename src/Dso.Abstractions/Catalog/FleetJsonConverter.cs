using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dso.Abstractions.Catalog;

/// <summary>Writes a fleet as its <c>type=count;...</c> text, the form analysts read everywhere else.</summary>
public sealed class FleetJsonConverter : JsonConverter<Fleet>
{
    public override Fleet Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Fleet.Parse(reader.GetString());

    public override void Write(Utf8JsonWriter writer, Fleet value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
