using Dso.Ingestion.Store;

namespace Dso.Ingestion.Push;

/// <summary>
/// The push path from bytes to the store: parse, check each sample against the limits (finite, not negative
/// where it cannot be, not from the future or too old, in time order), store the valid ones and report the rest.
/// One bad sample never costs the good ones in its batch.
/// </summary>
public sealed class PushIngestor(SeriesStore store, PushLimits limits, TimeProvider time)
{
    public PushLimits Limits => limits;

    public PushResult IngestJson(PushSchema schema, ReadOnlySpan<byte> body) => Ingest(schema, body, json: true);

    public PushResult IngestText(PushSchema schema, ReadOnlySpan<byte> body) => Ingest(schema, body, json: false);

    private PushResult Ingest(PushSchema schema, ReadOnlySpan<byte> body, bool json)
    {
        if (body.Length > limits.MaxBodyBytes)
        {
            return PushResult.TooLarge($"the body has {body.Length} bytes, more than the limit of {limits.MaxBodyBytes}");
        }

        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        using var batch = new PushBatch(limits.MaxSamplesPerBatch, limits.MaxReportedProblems);
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

        var latestMs = nowMs + (long)limits.MaxFutureSkew.TotalMilliseconds;
        var oldestMs = nowMs - (long)limits.MaxAge.TotalMilliseconds;
        var accepted = 0;
        foreach (var sample in batch.Samples)
        {
            if (Check(sample, latestMs, oldestMs) is { } problem)
            {
                batch.Reject(sample.Index, problem.Field, problem.Message);
                continue;
            }

            switch (store.AppendMs(schema.Service, sample.Kpi, sample.TimeMs, sample.Value))
            {
                case AppendStatus.Appended or AppendStatus.Replaced:
                    accepted++;
                    break;
                case AppendStatus.OutOfOrder:
                    batch.Reject(sample.Index, "timestamp", $"{At(sample.TimeMs)} is older than the newest sample of '{sample.Kpi}'; send each KPI's samples in time order");
                    break;
                default:
                    batch.Reject(sample.Index, "kpi", $"the store holds its maximum of {store.Options.MaxSeries} series; '{sample.Kpi}' is not kept");
                    break;
            }
        }

        var problems = batch.Problems.OrderBy(p => p.Index).ToArray();
        return new PushResult(batch.Rejected == 0 ? PushOutcome.Accepted : PushOutcome.PartiallyRejected, accepted, batch.Rejected, problems);
    }

    private (string Field, string Message)? Check(PendingSample sample, long latestMs, long oldestMs)
    {
        if (!double.IsFinite(sample.Value))
        {
            return ("value", $"must be a finite number (was {sample.Value})");
        }

        if (sample.Value < 0 && PushSchema.MustBeNonNegative(sample.Kpi))
        {
            return ("value", $"'{sample.Kpi}' cannot be negative (was {sample.Value})");
        }

        if (sample.TimeMs > latestMs)
        {
            return ("timestamp", $"{At(sample.TimeMs)} is more than {limits.MaxFutureSkew} in the future");
        }

        if (sample.TimeMs < oldestMs)
        {
            return ("timestamp", $"{At(sample.TimeMs)} is more than {limits.MaxAge} old");
        }

        return null;
    }

    private static string At(long timeMs) => timeMs is > -62135596800000 and < 253402300799999
        ? DateTimeOffset.FromUnixTimeMilliseconds(timeMs).ToString("O", System.Globalization.CultureInfo.InvariantCulture)
        : $"{timeMs} ms";
}
