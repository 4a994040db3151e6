using System.Text.RegularExpressions;

namespace Dso.Abstractions;

/// <summary>
/// Dates written with the day and month first (<c>03/04/2026</c>, <c>03-04-2026</c>, <c>03.04.2026</c>): .NET's
/// invariant culture reads them month first, so a European 3 April became March 4 without a word. Every date an
/// operator hands over (traces, calendars, experiments, API filters) refuses them and asks for ISO 8601.
/// </summary>
public static partial class DateOrder
{
    /// <summary>What to write instead; ISO 8601 keeps the year first, where no reader can take the month for the day.</summary>
    public const string Advice = "write ISO 8601, yyyy-MM-ddTHH:mm:ssZ (e.g. 2026-04-03T00:00:00Z)";

    /// <summary>Why <paramref name="text"/> is refused (without the place, which the caller names); null when it is not day or month first.</summary>
    public static string? Problem(string text) =>
        DayOrMonthFirst().IsMatch(text)
            ? $"'{text}' writes the day and month first, which is ambiguous (03/04/2026 is 3 April or March 4); {Advice}"
            : null;

    [GeneratedRegex(@"^\s*""?\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}(?!\d)")]
    private static partial Regex DayOrMonthFirst();
}
