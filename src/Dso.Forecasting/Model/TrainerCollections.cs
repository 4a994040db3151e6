using System.Reflection;

namespace Dso.Forecasting.Model;

/// <summary>
/// Turns off the two forced full garbage collections ML.NET's FastTree runs at the start of every training
/// (<c>FastTreeTrainerBase.Initialize</c>: <c>if (AllowGC) { GC.Collect(2, Forced); GC.Collect(2, Forced); }</c>, a
/// workaround its source gives for a .NET Framework 4.6 bug). They collect the whole process's heap, not the
/// trainer's: in a simulation, 78 of its 116 gen-2 collections; in the service, a full blocking pause on every
/// retrain. The flag is a readonly field with no option to clear it, so it is cleared by reflection on the trainer
/// before it fits. Collections change no value the trainer computes: the trees are identical either way. If a later
/// ML.NET renames the field, nothing is cleared and training runs as before (a test names the field, so the upgrade
/// shows it).
/// </summary>
internal static class TrainerCollections
{
    internal const string FieldName = "AllowGC";

    /// <summary>Clears the trainer's forced-collection flag; false when the trainer has no such field.</summary>
    public static bool Disable(object trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        for (var type = trainer.GetType(); type is not null; type = type.BaseType)
        {
            if (type.GetField(FieldName, BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly) is { FieldType: var fieldType } field
                && fieldType == typeof(bool))
            {
                field.SetValue(trainer, false);
                return true;
            }
        }

        return false;
    }
}
