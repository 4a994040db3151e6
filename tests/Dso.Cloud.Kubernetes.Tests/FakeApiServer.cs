using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dso.Cloud.Kubernetes.Tests;

/// <summary>
/// A local endpoint speaking the API server's apps/v1 surface the adapter uses: GET of a Deployment or
/// StatefulSet, merge PATCH of its metadata, GET and PUT of its scale subresource with resourceVersion checks
/// (409 on a stale one), 404 for unknown workloads, 401 without the expected bearer token, and faults injected
/// per method and path suffix. Started on a free loopback port.
/// </summary>
internal sealed class FakeApiServer : IAsyncDisposable
{
    public const string Token = "test-token";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Fault> _faults = new();
    private readonly Lock _gate = new();
    private long _version = 100;

    private FakeApiServer(WebApplication app) => _app = app;

    public Dictionary<string, Workload> Workloads { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Replica changes actually made by accepted PUTs of a scale subresource.</summary>
    public ConcurrentQueue<(string Name, int From, int To)> Changes { get; } = new();

    /// <summary>Runs just before a PUT of the scale is checked, to change the workload concurrently.</summary>
    public Action<Workload>? BeforePut { get; set; }

    public string Url { get; private set; } = "";

    public static async Task<FakeApiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeApiServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    public Workload Add(string ns, string kind, string name, int replicas, int ready)
    {
        lock (_gate)
        {
            var workload = new Workload(ns, kind, name) { Replicas = replicas, Ready = ready, ResourceVersion = Next() };
            Workloads[$"{ns}/{kind}/{name}"] = workload;
            return workload;
        }
    }

    /// <summary>All pods of every workload pass their readiness probes.</summary>
    public void MakeAllReady()
    {
        lock (_gate)
        {
            foreach (var w in Workloads.Values)
            {
                w.Ready = w.Replicas;
            }
        }
    }

    public void Fail(string method, string pathSuffix, int status, string body = "", int? retryAfterSeconds = null, int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            _faults.Enqueue(new Fault(method, pathSuffix, status, body, retryAfterSeconds));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var method = ctx.Request.Method;
        var path = ctx.Request.Path.Value ?? "";
        Requests.Enqueue($"{method} {path}");
        if (ctx.Request.Headers.Authorization.ToString() != $"Bearer {Token}")
        {
            await WriteStatus(ctx, 401, "Unauthorized", "Unauthorized");
            return;
        }

        if (_faults.TryPeek(out var fault) && fault.Method == method && path.EndsWith(fault.PathSuffix, StringComparison.Ordinal) && _faults.TryDequeue(out _))
        {
            if (fault.RetryAfterSeconds is { } seconds)
            {
                ctx.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }

            if (fault.Body.Length > 0)
            {
                ctx.Response.StatusCode = fault.Status;
                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsync(fault.Body);
                return;
            }

            await WriteStatus(ctx, fault.Status, fault.Status switch { 409 => "Conflict", 429 => "TooManyRequests", 404 => "NotFound", _ => "InternalError" }, "injected");
            return;
        }

        // /apis/apps/v1/namespaces/{ns}/{kind}/{name}[/scale]
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 7 or > 8 || parts[0] != "apis" || parts[1] != "apps" || parts[2] != "v1" || parts[3] != "namespaces")
        {
            await WriteStatus(ctx, 404, "NotFound", $"no route {path}");
            return;
        }

        Workload? workload;
        lock (_gate)
        {
            Workloads.TryGetValue($"{parts[4]}/{parts[5]}/{parts[6]}", out workload);
        }

        if (workload is null)
        {
            await WriteStatus(ctx, 404, "NotFound", $"{parts[5]}.apps \"{parts[6]}\" not found");
            return;
        }

        var scale = parts.Length == 8 && parts[7] == "scale";
        var body = await new StreamReader(ctx.Request.Body).ReadToEndAsync();
        switch (method, scale)
        {
            case ("GET", false):
                await WriteJson(ctx, 200, WorkloadJson(workload));
                return;
            case ("PATCH", false):
                lock (_gate)
                {
                    var patch = JsonNode.Parse(body)!;
                    foreach (var (key, value) in patch["metadata"]!["annotations"]!.AsObject())
                    {
                        workload.Annotations[key] = value!.GetValue<string>();
                    }

                    workload.ResourceVersion = Next();
                }

                await WriteJson(ctx, 200, WorkloadJson(workload));
                return;
            case ("GET", true):
                await WriteJson(ctx, 200, ScaleJson(workload));
                return;
            case ("PUT", true):
                BeforePut?.Invoke(workload);
                var sent = JsonNode.Parse(body)!;
                lock (_gate)
                {
                    if (sent["metadata"]?["resourceVersion"]?.GetValue<string>() != workload.ResourceVersion)
                    {
                        workload = null;
                    }
                    else
                    {
                        var to = sent["spec"]!["replicas"]!.GetValue<int>();
                        Changes.Enqueue((parts[6], workload.Replicas, to));
                        workload.Replicas = to;
                        workload.Ready = Math.Min(workload.Ready, to);
                        workload.ResourceVersion = Next();
                    }
                }

                if (workload is null)
                {
                    await WriteStatus(ctx, 409, "Conflict", "Operation cannot be fulfilled: the object has been modified; please apply your changes to the latest version and try again");
                    return;
                }

                await WriteJson(ctx, 200, ScaleJson(workload));
                return;
            default:
                await WriteStatus(ctx, 405, "MethodNotAllowed", method);
                return;
        }
    }

    private string Next() => Interlocked.Increment(ref _version).ToString(CultureInfo.InvariantCulture);

    private JsonObject WorkloadJson(Workload w)
    {
        lock (_gate)
        {
            var annotations = new JsonObject();
            foreach (var (k, v) in w.Annotations)
            {
                annotations[k] = v;
            }

            return new JsonObject
            {
                ["apiVersion"] = "apps/v1",
                ["kind"] = w.Kind == "statefulsets" ? "StatefulSet" : "Deployment",
                ["metadata"] = new JsonObject { ["name"] = w.Name, ["namespace"] = w.Namespace, ["resourceVersion"] = w.ResourceVersion, ["annotations"] = annotations },
                ["spec"] = new JsonObject { ["replicas"] = w.Replicas },
                ["status"] = new JsonObject { ["replicas"] = w.Replicas, ["readyReplicas"] = w.Ready },
            };
        }
    }

    private JsonObject ScaleJson(Workload w)
    {
        lock (_gate)
        {
            return new JsonObject
            {
                ["apiVersion"] = "autoscaling/v1",
                ["kind"] = "Scale",
                ["metadata"] = new JsonObject { ["name"] = w.Name, ["namespace"] = w.Namespace, ["resourceVersion"] = w.ResourceVersion },
                ["spec"] = new JsonObject { ["replicas"] = w.Replicas },
                ["status"] = new JsonObject { ["replicas"] = w.Replicas },
            };
        }
    }

    private static Task WriteStatus(HttpContext ctx, int code, string reason, string message) => WriteJson(ctx, code, new JsonObject
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = code,
    });

    private static async Task WriteJson(HttpContext ctx, int code, JsonNode node)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(node.ToJsonString(JsonSerializerOptions.Default));
    }

    private sealed record Fault(string Method, string PathSuffix, int Status, string Body, int? RetryAfterSeconds);

    internal sealed class Workload(string ns, string kind, string name)
    {
        public string Namespace => ns;

        public string Kind => kind;

        public string Name => name;

        public int Replicas { get; set; }

        public int Ready { get; set; }

        public string ResourceVersion { get; set; } = "1";

        public Dictionary<string, string> Annotations { get; } = new(StringComparer.Ordinal);
    }
}
