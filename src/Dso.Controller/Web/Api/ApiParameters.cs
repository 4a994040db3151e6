using Dso.Abstractions;
using System.Globalization;

namespace Dso.Controller.Web.Api;

/// <summary>
/// Reads query parameters and collects every problem, so a bad call gets one 400 naming each parameter and what
/// was wrong with it. Unknown parameters are problems too: a typo must not silently widen a query.
/// </summary>
internal sealed class ApiParameters
{
    private readonly IQueryCollection _query;
    private readonly List<(string Name, string Problem)> _problems = [];

    public ApiParameters(IQueryCollection query, IEnumerable<string> allowed)
    {
        _query = query;
        var known = allowed.ToHashSet(StringComparer.Ordinal);
        foreach (var key in query.Keys.Where(k => !known.Contains(k)))
        {
            _problems.Add((key, $"unknown parameter (known: {string.Join(", ", known.Order(StringComparer.Ordinal))})"));
        }
    }

    public bool IsValid => _problems.Count == 0;

    public string? Text(string name, int maxLength = 200)
    {
        var value = Raw(name);
        if (value is not null && value.Length > maxLength)
        {
            return ProblemText(name, $"is longer than {maxLength} characters");
        }

        return value;
    }

    public DateTimeOffset? Time(string name) =>
        Raw(name) is not { } text ? null
        : DateOrder.Problem(text) is { } ambiguous ? Problem<DateTimeOffset>(name, $"must be an ISO-8601 time: {ambiguous}")
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at
        : Problem<DateTimeOffset>(name, $"must be an ISO-8601 time such as 2026-11-01T00:00:00Z (was '{text}')");

    public bool? Bool(string name) => Raw(name) switch
    {
        null => null,
        "true" or "1" => true,
        "false" or "0" => false,
        var text => Problem<bool>(name, $"must be true or false (was '{text}')"),
    };

    public int? Int(string name, int min, int max) =>
        Raw(name) is not { } text ? null
        : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n
        : Problem<int>(name, $"must be a whole number from {min} to {max} (was '{text}')");

    public long? Long(string name, long min) =>
        Raw(name) is not { } text ? null
        : long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min ? n
        : Problem<long>(name, $"must be a whole number of at least {min} (was '{text}')");

    /// <summary><c>30s</c>, <c>5m</c>, <c>1h</c>, <c>1d</c>, or <c>auto</c> (null).</summary>
    public TimeSpan? Duration(string name, TimeSpan min, TimeSpan max)
    {
        if (Raw(name) is not { } text || text == "auto")
        {
            return null;
        }

        double? seconds = text.Length >= 2 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0
            ? text[^1] switch
            {
                's' => n,
                'm' => n * 60,
                'h' => n * 3600,
                'd' => n * 86_400,
                _ => null,
            }
            : null;
        // Compared in seconds before any TimeSpan is made: '999999999h' is out of range, not an overflow.
        return seconds is { } s && double.IsFinite(s) && s >= min.TotalSeconds && s <= max.TotalSeconds ? TimeSpan.FromSeconds(s)
            : Problem<TimeSpan>(name, $"must be 'auto' or a duration from {min} to {max} such as 1m, 15m, 1h or 1d (was '{text}')");
    }

    public string? OneOf(string name, params string[] values) =>
        Raw(name) is not { } text ? null
        : values.Contains(text, StringComparer.Ordinal) ? text
        : ProblemText(name, $"must be one of {string.Join(", ", values)} (was '{text}')");

    public void Check(bool ok, string name, string problem)
    {
        if (!ok)
        {
            _problems.Add((name, problem));
        }
    }

    /// <summary>400 with <c>error</c> (the first problem, in words), <c>parameter</c> (its name) and every problem.</summary>
    public IResult BadRequest() => Results.Json(
        new
        {
            error = string.Join("; ", _problems.Select(p => $"parameter '{p.Name}': {p.Problem}")),
            parameter = _problems[0].Name,
            problems = _problems.Select(p => new { parameter = p.Name, problem = p.Problem }),
        },
        statusCode: StatusCodes.Status400BadRequest);

    private string? Raw(string name)
    {
        if (!_query.TryGetValue(name, out var values))
        {
            return null;
        }

        if (values.Count > 1)
        {
            _problems.Add((name, "is given more than once"));
        }

        var text = values.ToString().Trim();
        return text.Length == 0 ? null : values[0]!.Trim();
    }

    private T? Problem<T>(string name, string problem)
        where T : struct
    {
        _problems.Add((name, problem));
        return null;
    }

    private string? ProblemText(string name, string problem)
    {
        _problems.Add((name, problem));
        return null;
    }
}
