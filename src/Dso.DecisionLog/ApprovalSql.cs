using System.Data.Common;
using System.Text.Json;
using Dso.Abstractions.Approvals;

namespace Dso.DecisionLog;

/// <summary>
/// The approval queue's SQL, shared by both stores like <see cref="DecisionSql"/>: the whole request as JSON
/// beside the columns it is found by (service, status, times in epoch milliseconds).
/// </summary>
internal static class ApprovalSql
{
    private const string Insert = """
        INSERT INTO approvals (id, service, status, requested_ms, expires_ms, payload)
        VALUES (@id, @service, @status, @requested, @expires, @payload)
        ON CONFLICT (id) DO NOTHING
        """;

    private const string Update = "UPDATE approvals SET status = @status, payload = @payload WHERE id = @id AND status = @expected";

    public static async Task<bool> AddAsync(DbCommand cmd, ApprovalRequest request, CancellationToken ct)
    {
        cmd.CommandText = Insert;
        Bind(cmd, request);
        DecisionSql.Add(cmd, "service", request.Service);
        DecisionSql.Add(cmd, "requested", request.RequestedAt.ToUnixTimeMilliseconds());
        DecisionSql.Add(cmd, "expires", request.ExpiresAt.ToUnixTimeMilliseconds());
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
    }

    public static async Task<bool> ReplaceAsync(DbCommand cmd, ApprovalRequest updated, ApprovalStatus expected, CancellationToken ct)
    {
        cmd.CommandText = Update;
        Bind(cmd, updated);
        DecisionSql.Add(cmd, "expected", Name(expected));
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
    }

    public static async Task<ApprovalRequest?> FindAsync(DbCommand cmd, string id, CancellationToken ct)
    {
        cmd.CommandText = "SELECT payload FROM approvals WHERE id = @id";
        DecisionSql.Add(cmd, "id", id);
        return (await ReadAsync(cmd, ct).ConfigureAwait(false)).FirstOrDefault();
    }

    public static async Task<IReadOnlyList<ApprovalRequest>> ListAsync(DbCommand cmd, ApprovalQuery query, CancellationToken ct)
    {
        var where = new List<string>();
        if (query.Service is not null)
        {
            where.Add("service = @service");
            DecisionSql.Add(cmd, "service", query.Service);
        }

        if (query.Statuses is { Count: > 0 } statuses)
        {
            var names = new List<string>();
            for (var i = 0; i < statuses.Count; i++)
            {
                names.Add($"@st{i}");
                DecisionSql.Add(cmd, $"st{i}", Name(statuses[i]));
            }

            where.Add($"status IN ({string.Join(", ", names)})");
        }

        if (query.From is { } from)
        {
            where.Add("requested_ms >= @from");
            DecisionSql.Add(cmd, "from", from.ToUnixTimeMilliseconds());
        }

        if (query.To is { } to)
        {
            where.Add("requested_ms < @to");
            DecisionSql.Add(cmd, "to", to.ToUnixTimeMilliseconds());
        }

        DecisionSql.Add(cmd, "limit", query.Limit);
        cmd.CommandText = $"SELECT payload FROM approvals {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))} ORDER BY requested_ms DESC, id DESC LIMIT @limit";
        return await ReadAsync(cmd, ct).ConfigureAwait(false);
    }

    /// <summary>Answered requests older than the decision retention go with their decisions; open ones stay.</summary>
    public const string Purge = "DELETE FROM approvals WHERE requested_ms < @cut AND status NOT IN ('pending', 'approved')";

    /// <summary>The status as stored: the same snake_case name as in the JSON.</summary>
    public static string Name(ApprovalStatus status) => JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());

    private static void Bind(DbCommand cmd, ApprovalRequest request)
    {
        DecisionSql.Add(cmd, "id", request.Id);
        DecisionSql.Add(cmd, "status", Name(request.Status));
        DecisionSql.Add(cmd, "payload", JsonSerializer.Serialize(request, DecisionJson.Options));
    }

    private static async Task<List<ApprovalRequest>> ReadAsync(DbCommand cmd, CancellationToken ct)
    {
        var list = new List<ApprovalRequest>();
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(JsonSerializer.Deserialize<ApprovalRequest>(reader.GetString(0), DecisionJson.Options)!);
        }

        return list;
    }
}
