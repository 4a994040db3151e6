using System.Buffers;
using Dso.Ingestion.Push;
using Microsoft.Net.Http.Headers;

namespace Dso.Controller.Web;

/// <summary>
/// <c>POST /api/v1/push/{service}</c>: a batch of KPI samples as JSON (<c>{"samples":[...]}</c>) or Prometheus text
/// format, for services whose policy says <c>metrics.source: push</c>. 200 when all were stored (exact resends count as
/// accepted no-ops); 409 when a sample's timestamp already holds a different value; 422 naming the first problems
/// (index, field) when some were refused, with the valid ones stored; 400 unreadable; 401 bad token; 404 not a push
/// service; 413 too big; 415 other content types.
/// </summary>
internal static class PushEndpoints
{
    public const string Route = "/api/v1/push/{service}";

    public static void Map(IEndpointRouteBuilder app) => app.MapPost(Route, HandleAsync).WithMetadata(Access.OwnBearerTokens.Instance);

    private static async Task<IResult> HandleAsync(
        string service, HttpContext context, PushAuthenticator auth, PushSchemas schemas, PushIngestor ingestor, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger(typeof(PushEndpoints));
        // 404 before 401, as the README promises: which services take pushes is in the policy files, not a secret,
        // and a client pointed at the wrong service must learn that rather than suspect its token.
        if (schemas.For(service) is not { } schema)
        {
            return Reply(StatusCodes.Status404NotFound, new { error = $"service '{service}' has no policy with metrics.source: push" });
        }

        if (!auth.IsAuthorized(service, context.Request.Headers.Authorization))
        {
            PushLog.Unauthorized(logger, service, context.Connection.RemoteIpAddress?.ToString());
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Reply(StatusCodes.Status401Unauthorized, new { error = $"a valid bearer token for '{service}' is required" });
        }

        var mediaType = MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var parsed) ? parsed.MediaType.Value : null;
        var json = mediaType is "application/json" || (mediaType?.EndsWith("+json", StringComparison.Ordinal) ?? false);
        if (!json && mediaType is not "text/plain")
        {
            return Reply(StatusCodes.Status415UnsupportedMediaType, new { error = $"content type '{context.Request.ContentType}' is not accepted; send application/json or text/plain (Prometheus text format)" });
        }

        var limit = ingestor.Limits.MaxBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            return Refuse(logger, service, StatusCodes.Status413PayloadTooLarge, $"the body has {context.Request.ContentLength} bytes, more than the limit of {limit}");
        }

        var reader = context.Request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(ct);
            if (read.Buffer.Length > limit)
            {
                reader.AdvanceTo(read.Buffer.End);
                return Refuse(logger, service, StatusCodes.Status413PayloadTooLarge, $"the body is more than the limit of {limit} bytes");
            }

            if (read.IsCompleted)
            {
                var result = Ingest(ingestor, schema, read.Buffer, json);
                reader.AdvanceTo(read.Buffer.End);
                return Respond(logger, service, result);
            }

            // Leave everything unconsumed until the body is complete, so the pipe hands it back as one buffer.
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    private static PushResult Ingest(PushIngestor ingestor, PushSchema schema, ReadOnlySequence<byte> body, bool json)
    {
        if (body.IsSingleSegment)
        {
            return json ? ingestor.IngestJson(schema, body.FirstSpan) : ingestor.IngestText(schema, body.FirstSpan);
        }

        var rented = ArrayPool<byte>.Shared.Rent((int)body.Length);
        try
        {
            body.CopyTo(rented);
            var span = rented.AsSpan(0, (int)body.Length);
            return json ? ingestor.IngestJson(schema, span) : ingestor.IngestText(schema, span);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static IResult Respond(ILogger logger, string service, PushResult result)
    {
        PushMetrics.Samples.WithLabels(service, "accepted").Inc(result.Accepted);
        PushMetrics.Samples.WithLabels(service, "rejected").Inc(result.Rejected);
        switch (result.Outcome)
        {
            case PushOutcome.Accepted:
                return Reply(StatusCodes.Status200OK, new { accepted = result.Accepted, duplicates = result.Duplicates, rejected = 0 });
            case PushOutcome.Conflict or PushOutcome.PartiallyRejected:
                var first = result.Problems.Count > 0 ? result.Problems[0] : null;
                PushLog.Rejected(logger, service, result.Accepted, result.Rejected, first is null ? "" : $"#{first.Index} {first.Field}: {first.Message}");
                return Reply(result.Outcome == PushOutcome.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity, new
                {
                    error = result.Outcome == PushOutcome.Conflict
                        ? $"{result.Conflicts} sample(s) conflict with values already stored at their timestamps (the stored values stand); {result.Rejected} refused in all, {result.Accepted} accepted"
                        : $"{result.Rejected} sample(s) refused, {result.Accepted} stored",
                    accepted = result.Accepted,
                    duplicates = result.Duplicates,
                    rejected = result.Rejected,
                    conflicts = result.Conflicts,
                    problems = result.Problems.Select(p => new { index = p.Index, field = p.Field, message = p.Message }),
                });
            case PushOutcome.TooLarge:
                return Refuse(logger, service, StatusCodes.Status413PayloadTooLarge, result.Error!);
            default:
                return Refuse(logger, service, StatusCodes.Status400BadRequest, result.Error!);
        }
    }

    private static IResult Refuse(ILogger logger, string service, int status, string error)
    {
        PushLog.Refused(logger, service, error);
        return Reply(status, new { error, accepted = 0 });
    }

    private static IResult Reply(int status, object body)
    {
        PushMetrics.Requests.WithLabels(status.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
        return Results.Json(body, statusCode: status);
    }
}
