using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Dso.Abstractions.Decisions;
using Dso.Integration.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dso.Integration.Tests.Push;

/// <summary>
/// 10,000 seeded random push payloads against the real host (JSON and text exposition, extreme and special numbers,
/// odd timestamps, truncation, random bytes, other encodings, wrong content types and tokens, oversize bodies) sent
/// to one service while another gets only valid samples: never a 5xx, never a failed tick, and the clean service
/// decides exactly what its valid samples call for.
/// </summary>
public sealed class PushFuzzTests
{
    private const int Payloads = 10_000;
    private const string DirtyToken = "dirty-token";
    private const string CleanToken = "clean-token";

    private static readonly string[] Numbers =
    [
        "0", "-0", "1", "412.5", "1e5", "1e6", "99999999", "1e8", "1e9", "1e300", "-1e300", "1e999", "-1e999", "-1", "5e-324", "1.7976931348623157e308",
        "\"NaN\"", "\"+Inf\"", "\"-Inf\"", "\"Infinity\"", "\"12\"", "\"fast\"", "null", "true", "[]", "{}", "\"\"", "0x10", "1_000", "٣",
    ];

    private static readonly string[] Kpis =
    [
        "request_rate", "latency_p95_ms", "error_rate", "cpu", "queue_length", "conversion_rate", "revenue", "http_rps", "", "bad name",
        "x" + new string('y', 80), "réquest", "request_rate\u0000", "__proto__", "a:b", "_",
    ];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "text/plain", "text/plain; version=0.0.4", "application/vnd.api+json",
        "application/xml", "text/html", "application/x-www-form-urlencoded", "application/octet-stream", "multipart/form-data; boundary=x", "application/json; charset=utf-16",
    ];

    [Fact]
    public async Task Push_TenThousandRandomPayloads_NeverA5xxNeverAFailedTickAndTheCleanServiceUnaffected()
    {
        var dir = Directory.CreateTempSubdirectory("dso-push-fuzz-").FullName;
        var policies = Path.Combine(dir, "policies");
        Directory.CreateDirectory(policies);
        File.WriteAllText(Path.Combine(policies, "services.yaml"), "services:\n" + Service("dirty", "") + Service("clean", "      queries: {request_rate: http_rps}\n"));
        await using var host = await TestHost.StartAsync(Path.Combine(dir, "data"), policies, null,
            "--Dso:ClockSpeed=60", $"--Ingestion:PushTokens:dirty={DirtyToken}", $"--Ingestion:PushTokens:clean={CleanToken}",
            "--Ingestion:MaxSamplesPerBatch=500", "--Ingestion:MaxBodyBytes=65536");
        var random = new Random(20261130);
        var statuses = new Dictionary<int, int>();
        using var cleanPushing = new CancellationTokenSource();
        var clean = PushCleanAsync(host.Http, cleanPushing.Token);
        try
        {
            for (var i = 0; i < Payloads; i++)
            {
                var (body, contentType, token) = Payload(random);
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/push/dirty") { Content = new ByteArrayContent(body) };
                if (contentType is not null)
                {
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
                }

                if (token is not null)
                {
                    request.Headers.TryAddWithoutValidation("Authorization", token);
                }

                using var response = await host.Http.SendAsync(request);
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                Assert.True(status < 500, $"payload #{i} ({contentType}, {token}): {status} {await response.Content.ReadAsStringAsync()} body: {Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 600))}");
            }
        }
        finally
        {
            // The fuzz takes 6 s to 90 s depending on the machine: keep the clean service fed until it has decided a
            // few ticks after the garbage (1 s each at 60x), so the check below never depends on how long the fuzz ran.
            var log0 = host.App.Services.GetRequiredService<IDecisionLog>();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            var fuzzEnded = DateTime.UtcNow;
            while (DateTime.UtcNow < deadline)
            {
                var soFar = await log0.RecentAsync("clean", 100_000, CancellationToken.None);
                if (soFar.Count(r => !r.Decision.Held) >= 8 && DateTime.UtcNow - fuzzEnded > TimeSpan.FromSeconds(3))
                {
                    break;
                }

                await Task.Delay(250);
            }

            await cleanPushing.CancelAsync();
        }

        var cleanPushes = await clean;

        var summary = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"));
        Assert.True(statuses.Keys.Count >= 5, summary); // the payloads exercised many answers, not one
        Assert.True(statuses.GetValueOrDefault(200) > 300, summary); // and plenty got through to the store and the loop
        var log = host.App.Services.GetRequiredService<IDecisionLog>();
        var dirty = await log.RecentAsync("dirty", 100_000, CancellationToken.None);
        var cleanDecisions = await log.RecentAsync("clean", 100_000, CancellationToken.None);
        Assert.NotEmpty(dirty);
        Assert.DoesNotContain(dirty.Concat(cleanDecisions), r => r.Decision.Strategy == Dso.Reconcile.ServiceLoop.FailedStrategy);
        var metrics = await host.Http.GetStringAsync("/metrics");
        // prometheus-net's registry is one per process: other tests' services (a damaged log's) count there too.
        Assert.DoesNotContain("dso_tick_failures_total{service=\"dirty\"", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("dso_tick_failures_total{service=\"clean\"", metrics, StringComparison.Ordinal);

        // The clean service pushed 140 rps throughout: target tracking at 0.7 of 10 rps per instance wants 20, every tick.
        var decided = cleanDecisions.Where(r => !r.Decision.Held).ToList();
        Assert.True(cleanPushes > 10 && decided.Count >= 8, $"{cleanPushes} clean pushes, {decided.Count} clean decisions");
        Assert.All(decided, r => Assert.Equal(140, r.Decision.Kpis["request_rate"]));
        Assert.All(decided.Where(r => r.Decision.Before.Total == 20), r => Assert.Equal(20, r.Decision.Chosen.Total));
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>Valid samples for the clean service, one every 200 ms (wall) under the mapped metric name, until cancelled.</summary>
    private static async Task<int> PushCleanAsync(HttpClient http, CancellationToken stop)
    {
        var pushes = 0;
        while (!stop.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/push/clean")
            {
                Content = new StringContent($$"""{"samples":[{"kpi":"http_rps","timestamp":"{{DateTimeOffset.UtcNow:O}}","value":140}]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", CleanToken);
            using var response = await http.SendAsync(request, CancellationToken.None);
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(CancellationToken.None));
            pushes++;
            await Task.Delay(200, CancellationToken.None);
        }

        return pushes;
    }

    private static (byte[] Body, string? ContentType, string? Token) Payload(Random random)
    {
        var token = random.Next(20) switch
        {
            0 => null,
            1 => "Bearer wrong",
            2 => "Basic " + DirtyToken,
            3 => "Bearer " + CleanToken,
            _ => "Bearer " + DirtyToken,
        };
        var json = random.Next(2) == 0;
        var contentType = random.Next(8) == 0 ? (random.Next(4) == 0 ? null : Pick(random, ContentTypes)) : json ? "application/json" : "text/plain";
        var text = json ? JsonBatch(random) : TextBatch(random);
        var body = random.Next(10) switch
        {
            0 => Encoding.Unicode.GetBytes(text),
            1 => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)],
            2 => Mutate(random, Encoding.UTF8.GetBytes(text)),
            3 => Encoding.UTF8.GetBytes(text[..random.Next(text.Length + 1)]),
            _ => Encoding.UTF8.GetBytes(text),
        };
        if (random.Next(200) == 0)
        {
            body = new byte[70_000 + random.Next(10_000)];
            random.NextBytes(body);
        }

        return (body, contentType, token);
    }

    private static string JsonBatch(Random random)
    {
        var count = random.Next(30) == 0 ? 501 + random.Next(100) : random.Next(0, 12);
        var samples = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            samples.Append(i > 0 ? "," : "").Append(random.Next(25) == 0 ? Pick(random, Numbers) : JsonSample(random));
        }

        return random.Next(25) switch
        {
            0 => "[" + samples + "]",
            1 => "{\"samples\":" + new string('[', 40) + new string(']', 40) + "}",
            2 => "{\"samples\":{}}",
            3 => "",
            _ => "{\"samples\":[" + samples + "]}",
        };
    }

    private static string JsonSample(Random random)
    {
        var parts = new List<string>();
        if (random.Next(10) > 0)
        {
            parts.Add($"\"kpi\":{(random.Next(15) == 0 ? Pick(random, Numbers) : Quote(Pick(random, Kpis)))}");
        }

        if (random.Next(10) > 0)
        {
            parts.Add($"\"value\":{Pick(random, Numbers)}");
        }

        if (random.Next(3) > 0)
        {
            parts.Add($"\"timestamp\":{Timestamp(random, json: true)}");
        }

        if (random.Next(10) == 0)
        {
            parts.Add("\"extra\":{\"nested\":[1,2,{\"x\":null}]}");
        }

        return "{" + string.Join(",", parts.OrderBy(_ => random.Next())) + "}";
    }

    private static string TextBatch(Random random)
    {
        var lines = new StringBuilder();
        var count = random.Next(30) == 0 ? 501 + random.Next(100) : random.Next(0, 12);
        for (var i = 0; i < count; i++)
        {
            var value = Pick(random, Numbers).Trim('"');
            var labels = random.Next(4) switch { 0 => "{pod=\"a\"}", 1 => "{unterminated=\"x", 2 => "{a=\"}\"}", _ => "" };
            var line = random.Next(12) switch
            {
                0 => "# TYPE http_rps gauge",
                1 => "garbage line without value",
                2 => "\t",
                _ => $"{Pick(random, Kpis)}{labels} {value}{(random.Next(2) == 0 ? " " + Timestamp(random, json: false) : "")}",
            };
            lines.Append(line).Append(random.Next(5) == 0 ? "\r\n" : "\n");
        }

        return lines.ToString();
    }

    private static string Timestamp(Random random, bool json)
    {
        var now = DateTimeOffset.UtcNow;
        var offset = TimeSpan.FromSeconds(random.Next(4) == 0 ? random.NextDouble() * 1e9 - 5e8 : -random.NextDouble() * 600);
        var at = now.Ticks + offset.Ticks is > 0 and < 3155378975999999999 ? now + offset : now;
        return random.Next(8) switch
        {
            0 => json ? "null" : "-1",
            1 => json ? "\"yesterday\"" : "1e3",
            2 => "99999999999999999999",
            3 => json ? at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) : at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
            4 => json ? "-62135596800" : "-9223372036854775808",
            _ => json ? Quote(at.ToString("O", CultureInfo.InvariantCulture)) : at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        };
    }

    private static byte[] Mutate(Random random, byte[] bytes)
    {
        for (var flips = random.Next(1, 6); flips > 0 && bytes.Length > 0; flips--)
        {
            bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
        }

        return bytes;
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\u0000", "\\u0000", StringComparison.Ordinal) + "\"";

    private static string Pick(Random random, string[] items) => items[random.Next(items.Length)];

    private static string Service(string name, string queries) =>
        PushPolicies.Service(name, "push", "      options: {stale_after: 2m}\n" + queries, tick: "1m");
}
