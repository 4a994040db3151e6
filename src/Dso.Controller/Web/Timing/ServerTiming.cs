using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Dso.Controller.Web.Timing;

/// <summary>
/// One request's <c>Server-Timing</c>: time spent in the decision store (<c>db</c>), turning the answer into JSON or
/// CSV (<c>json</c>, <c>csv</c>) and in the whole handler (<c>total</c>), so an analyst's browser (or the benchmark)
/// can tell a slow query from a slow page. Durations of the same metric add up (a CSV export reads many pages).
/// </summary>
internal sealed class ServerTiming
{
    private static readonly object Key = new();
    private readonly Dictionary<string, TimeSpan> _spent = new(StringComparer.Ordinal);
    private readonly long _started = Stopwatch.GetTimestamp();

    /// <summary>The request's timing, or a throw-away one where the endpoint has no <see cref="ServerTimingFilter"/>.</summary>
    public static ServerTiming For(HttpContext http) => http.Items.TryGetValue(Key, out var t) && t is ServerTiming timing ? timing : new ServerTiming();

    public static ServerTiming Start(HttpContext http)
    {
        var timing = new ServerTiming();
        http.Items[Key] = timing;
        return timing;
    }

    public async Task<T> Db<T>(Func<Task<T>> query)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await query().ConfigureAwait(false);
        }
        finally
        {
            Add("db", Stopwatch.GetElapsedTime(started));
        }
    }

    public T Measure<T>(string metric, Func<T> work)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return work();
        }
        finally
        {
            Add(metric, Stopwatch.GetElapsedTime(started));
        }
    }

    public void Add(string metric, TimeSpan spent) => _spent[metric] = _spent.GetValueOrDefault(metric) + spent;

    public TimeSpan Spent(string metric) => _spent.GetValueOrDefault(metric);

    /// <summary>E.g. <c>db;dur=12.3, json;dur=1.9, total;dur=15.0</c> (milliseconds).</summary>
    public string Header()
    {
        var sb = new StringBuilder();
        foreach (var (metric, spent) in _spent)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{metric};dur={spent.TotalMilliseconds:0.0}, ");
        }

        return sb.Append(CultureInfo.InvariantCulture, $"total;dur={Stopwatch.GetElapsedTime(_started).TotalMilliseconds:0.0}").ToString();
    }
}
