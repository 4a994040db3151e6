using System.Globalization;
using Dso.Ingestion.Store;

namespace Dso.Ingestion.Push;

/// <summary>
/// The push path from bytes to the store: parse, check each sample against the limits (finite, within its KPI's
/// plausible range, not from the future or too old on the wall clock), map its timestamp onto the service clock
/// (<see cref="PushTimeline"/>), store the valid ones and report the rest. One bad sample never costs the good ones
/// in its batch. Retries are safe: an exact resend is accepted without effect, a different value for a stored
/// timestamp is a conflict and the stored value stands.
/// </summary>
public sealed class PushIngestor
{
    private readonly SeriesStore _store;
    private readonly PushTimeline _timeline;
    private readonly SeriesJournal? _journal;

    /// <param name="store">Where samples are kept.</param>
    /// <param name="limits">What a batch and a sample may be.</param>
    /// <param name="timeline">Wall-clock timestamps onto the service clock.</param>
    /// <param name="journal">Where accepted samples are made durable before the answer; null keeps them in memory until the next snapshot.</param>
    public PushIngestor(SeriesStore store, PushLimits limits, PushTimeline timeline, SeriesJournal? journal = null)
    {
        _store = store;
        Limits = limits;
        _timeline = timeline;
        _journal = journal;
    }

    /// <summary>
    /// Told when the journal refuses a batch (a full or failing disk): the samples are stored and answered as accepted,
    /// and are durable from the next snapshot on instead of at once.
    /// </summary>
    public Action<string>? JournalFailed { get; init; }

    /// <summary>Timestamps are read on <paramref name="time"/> itself (a clock at speed 1).</summary>
    public PushIngestor(SeriesStore store, PushLimits limits, TimeProvider time)
        : this(store, limits, PushTimeline.Identity(time))
    {
    }

    public PushLimits Limits { get; }

    public PushTimeline Timeline => _timeline;

    public PushResult IngestJson(PushSchema schema, ReadOnlySpan<byte> body) => Ingest(schema, body, json: true);

    public PushResult IngestText(PushSchema schema, ReadOnlySpan<byte> body) => Ingest(schema, body, json: false);

    private PushResult Ingest(PushSchema schema, ReadOnlySpan<byte> body, bool json)
    {
        if (body.Length > Limits.MaxBodyBytes)
        {
            return PushResult.TooLarge($"the body has {body.Length} bytes, more than the limit of {Limits.MaxBodyBytes}");
        }

        // Parsers stamp samples without a timestamp with this wall-clock time; all limits below are on wall time.
        var nowMs = _timeline.WallNowMs;
        using var batch = new PushBatch(Limits.MaxSamplesPerBatch, Limits.MaxReportedProblems);
        if (json)
        {
            JsonPushParser.Parse(body, schema, nowMs, batch);
        }
        else
        {
            PrometheusTextParser.Parse(body, schema, nowMs, batch);
        }

        if (batch.TooLarge)
        {
            return PushResult.TooLarge(batch.Error!);
        }

        if (batch.Error is not null)
        {
            return PushResult.Malformed(batch.Error);
        }

        var latestMs = nowMs + (long)Limits.MaxFutureSkew.TotalMilliseconds;
        var oldestMs = nowMs - (long)Limits.MaxAge.TotalMilliseconds;
        int accepted = 0, duplicates = 0, conflicts = 0;
        var journaled = _journal is null ? null : new List<(string Kpi, long TimeMs, double Value)>();
        foreach (var sample in batch.Samples)
        {
            if (Check(sample, latestMs, oldestMs) is { } problem)
            {
                batch.Reject(sample.Index, problem.Field, problem.Message);
                continue;
            }

            var serviceMs = _timeline.ToServiceMs(sample.TimeMs);
            switch (_store.AppendMs(schema.Service, sample.Kpi, serviceMs, sample.Value))
            {
                case AppendStatus.Appended:
                    accepted++;
                    journaled?.Add((sample.Kpi, serviceMs, sample.Value));
                    break;
                case AppendStatus.Duplicate:
                    // Journaled again: the resend of a batch whose journal write failed must become durable too.
                    accepted++;
                    duplicates++;
                    journaled?.Add((sample.Kpi, serviceMs, sample.Value));
                    break;
                case AppendStatus.Conflict:
                    conflicts++;
                    var stored = _store.TryGetStored(schema.Service, sample.Kpi, serviceMs, out var value) ? Number(value) : "another value";
                    batch.Reject(sample.Index, "value", $"'{sample.Kpi}' at {At(sample.TimeMs)} is already stored as {stored}; the stored value stands (resend it unchanged, or use a new timestamp)");
                    break;
                case AppendStatus.OutOfOrder:
                    batch.Reject(sample.Index, "timestamp", $"{At(sample.TimeMs)} is older than the newest sample of '{sample.Kpi}' and not a resend of a stored one; send each KPI's samples in time order");
                    break;
                default:
                    batch.Reject(sample.Index, "kpi", _store.Kpis(schema.Service).Count >= _store.Options.MaxSeriesPerService
                        ? $"'{schema.Service}' holds its maximum of {_store.Options.MaxSeriesPerService} KPIs (Ingestion:MaxSeriesPerService); '{sample.Kpi}' is not kept"
                        : $"the store holds its maximum of {_store.Options.MaxSeries} series; '{sample.Kpi}' is not kept");
                    break;
            }
        }

        if (journaled is { Count: > 0 })
        {
            try
            {
                _journal!.Append(schema.Service, journaled);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                JournalFailed?.Invoke($"{journaled.Count} sample(s) of '{schema.Service}' are kept in memory until the next snapshot: {ex.Message}");
            }
        }

        var problems = batch.Problems.OrderBy(p => p.Index).ToArray();
        var outcome = conflicts > 0 ? PushOutcome.Conflict : batch.Rejected == 0 ? PushOutcome.Accepted : PushOutcome.PartiallyRejected;
        return new PushResult(outcome, accepted, batch.Rejected, problems) { Duplicates = duplicates, Conflicts = conflicts };
    }

    private (string Field, string Message)? Check(PendingSample sample, long latestMs, long oldestMs)
    {
        if (!double.IsFinite(sample.Value))
        {
            return ("value", $"must be a finite number (was {sample.Value})");
        }

        if (sample.Value < 0 && PushSchema.MustBeNonNegative(sample.Kpi))
        {
            return ("value", $"'{sample.Kpi}' cannot be negative (was {Number(sample.Value)})");
        }

        var range = Limits.RangeOf(sample.Kpi);
        if (!range.Contains(sample.Value))
        {
            return ("value", $"{Number(sample.Value)} is outside the plausible range {range} of '{sample.Kpi}' (set Ingestion:PlausibleRanges:{sample.Kpi}:Min/Max to change it)");
        }

        if (sample.TimeMs > latestMs)
        {
            return ("timestamp", $"{At(sample.TimeMs)} is more than {Limits.MaxFutureSkew} in the future (by the wall clock)");
        }

        if (sample.TimeMs < oldestMs)
        {
            return ("timestamp", $"{At(sample.TimeMs)} is more than {Limits.MaxAge} old");
        }

        return null;
    }

    private static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    private static string At(long timeMs) => timeMs is > -62135596800000 and < 253402300799999
        ? DateTimeOffset.FromUnixTimeMilliseconds(timeMs).ToString("O", CultureInfo.InvariantCulture)
        : $"{timeMs} ms";
}
