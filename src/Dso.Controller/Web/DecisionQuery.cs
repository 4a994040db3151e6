using System.Globalization;

namespace Dso.Controller.Web;

/// <summary>The query parameters of <c>GET /api/decisions</c>, checked so a bad one gets a 400 naming it, not a guess.</summary>
internal static class DecisionQuery
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 10_000;

    /// <summary>Reads <c>limit</c>; returns the 400 body when it is not a whole number from 1 to <see cref="MaxLimit"/>.</summary>
    public static object? ParseLimit(string? text, out int limit)
    {
        limit = DefaultLimit;
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxLimit)
        {
            return null;
        }

        limit = DefaultLimit;
        return new { error = $"limit must be a whole number from 1 to {MaxLimit} (was '{text}')", parameter = "limit" };
    }
}
