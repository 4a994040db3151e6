using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Dso.Cloud.Simulated;

/// <summary>The service's simulated cloud (configuration section <c>SimulatedCloud</c>).</summary>
public sealed class SimulatedCloudOptions : IValidatableObject
{
    public const string Section = "SimulatedCloud";

    /// <summary>
    /// Instances of a type the cloud can run at once, by type (<see cref="SimulatedCloud.CapacityLimits"/>). Bound as
    /// text: bound as numbers, a value the binder cannot convert (<c>2.5</c>, <c>ten</c>) was dropped without a word,
    /// and the type left unlimited.
    /// </summary>
    public Dictionary<string, string?> CapacityLimits { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The limits that are whole numbers of 0 or more; <see cref="Validate"/> refuses the others at start.</summary>
    public IReadOnlyDictionary<string, int> Limits() =>
        CapacityLimits.Where(kv => Limit(kv.Value) is not null).ToDictionary(kv => kv.Key, kv => Limit(kv.Value)!.Value, StringComparer.Ordinal);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (type, text) in CapacityLimits.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (Limit(text) is null)
            {
                yield return new ValidationResult(
                    $"{Section}:CapacityLimits:{type} must be a whole number of instances, 0 or more (was '{text}')", [nameof(CapacityLimits)]);
            }
        }
    }

    private static int? Limit(string? text) =>
        int.TryParse(text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var limit) && limit >= 0 ? limit : null;
}
