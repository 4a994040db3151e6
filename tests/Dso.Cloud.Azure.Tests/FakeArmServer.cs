using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dso.Cloud.Azure.Tests;

/// <summary>
/// A local HTTPS endpoint (self-signed certificate made here, free loopback port) answering the Azure Resource
/// Manager calls for VM scale sets: GET of a set and of its instance view, PATCH of sku.capacity and tags as a
/// long-running operation (200 with provisioning state Updating, polled by GET to Succeeded or Failed, the failure's code in the instance view), ARM error
/// bodies for unknown sets (404) and a wrong bearer token (401), and faults injected per method and path suffix.
/// </summary>
internal sealed class FakeArmServer : IAsyncDisposable
{
    public const string Token = "test-arm-token";
    public const string Location = "westeurope";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Fault> _faults = new();
    private readonly Lock _gate = new();

    private FakeArmServer(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        Certificate = certificate;
    }

    public X509Certificate2 Certificate { get; }

    public string Url { get; private set; } = "";

    public Dictionary<string, ScaleSet> Sets { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Capacity changes accepted by PATCH.</summary>
    public ConcurrentQueue<(string Name, long From, long To)> Changes { get; } = new();

    /// <summary>GETs of a set that still show it Updating after a PATCH before it finishes; -1 = never finishes.</summary>
    public int PollsInProgress { get; set; } = 1;

    /// <summary>When set, a PATCH ends with the set in provisioning state Failed and this code in its instance view.</summary>
    public string? FailOperationWith { get; set; }

    public static async Task<FakeArmServer> StartAsync()
    {
        var certificate = CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certificate)));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeArmServer(app, certificate);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Url = address.TrimEnd('/') + "/";
        return server;
    }

    public ScaleSet Add(string name, long capacity, int succeeded)
    {
        lock (_gate)
        {
            var set = new ScaleSet(name) { Capacity = capacity, Succeeded = succeeded };
            Sets[name] = set;
            return set;
        }
    }

    public void MakeAllReady()
    {
        lock (_gate)
        {
            foreach (var set in Sets.Values)
            {
                set.Succeeded += set.Creating;
                set.Creating = 0;
            }
        }
    }

    public void Fail(string method, string pathSuffix, int status, string code, string message = "injected", int? retryAfterSeconds = null, int times = 1, bool afterApplying = false)
    {
        for (var i = 0; i < times; i++)
        {
            _faults.Enqueue(new Fault(method, pathSuffix, status, code, message, retryAfterSeconds, afterApplying));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificate.Dispose();
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var method = ctx.Request.Method;
        var path = ctx.Request.Path.Value ?? "";
        Requests.Enqueue($"{method} {path}");
        if (ctx.Request.Headers.Authorization.ToString() != $"Bearer {Token}")
        {
            await WriteError(ctx, 401, "InvalidAuthenticationToken", "The access token is invalid.");
            return;
        }

        if (_faults.TryPeek(out var fault) && fault.Method == method && path.EndsWith(fault.PathSuffix, StringComparison.OrdinalIgnoreCase) && _faults.TryDequeue(out _))
        {
            if (fault.AfterApplying)
            {
                await HandleRouteAsync(new DefaultHttpContext { Request = { Body = ctx.Request.Body } }, method, path);
            }

            if (fault.RetryAfterSeconds is { } seconds)
            {
                ctx.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }

            await WriteError(ctx, fault.Status, fault.Code, fault.Message);
            return;
        }

        await HandleRouteAsync(ctx, method, path);
    }

    private async Task HandleRouteAsync(HttpContext ctx, string method, string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        // /subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachineScaleSets/{name}[/instanceView]
        if (parts.Length is < 8 or > 9 || !parts[6].Equals("virtualMachineScaleSets", StringComparison.OrdinalIgnoreCase))
        {
            await WriteError(ctx, 404, "InvalidResourceType", $"no route {path}");
            return;
        }

        ScaleSet? set;
        lock (_gate)
        {
            Sets.TryGetValue(parts[7], out set);
        }

        if (set is null)
        {
            await WriteError(ctx, 404, "ResourceNotFound", $"The Resource 'Microsoft.Compute/virtualMachineScaleSets/{parts[7]}' under resource group '{parts[3]}' was not found.");
            return;
        }

        var id = "/" + string.Join('/', parts.Take(8));
        switch (method, parts.Length)
        {
            case ("GET", 8):
                Poll(set);
                await WriteJson(ctx, 200, SetJson(set, id));
                return;
            case ("GET", 9) when parts[8].Equals("instanceView", StringComparison.OrdinalIgnoreCase):
                await WriteJson(ctx, 200, InstanceViewJson(set));
                return;
            case ("PATCH", 8):
                await PatchAsync(ctx, set, id);
                return;
            default:
                await WriteError(ctx, 405, "MethodNotAllowed", method);
                return;
        }
    }

    /// <summary>The SDK polls a PATCH that answered 200 by GETting the set until its provisioning state is terminal.</summary>
    private void Poll(ScaleSet set)
    {
        lock (_gate)
        {
            if (set.ProvisioningState != "Updating" || set.PollsLeft < 0)
            {
                return;
            }

            if (set.PollsLeft > 0)
            {
                set.PollsLeft--;
                return;
            }

            set.ProvisioningState = set.FailWith is null ? "Succeeded" : "Failed";
        }
    }

    private async Task PatchAsync(HttpContext ctx, ScaleSet set, string id)
    {
        var body = JsonNode.Parse(await new StreamReader(ctx.Request.Body).ReadToEndAsync())!;
        lock (_gate)
        {
            if (body["sku"]?["capacity"] is { } capacityNode)
            {
                var to = capacityNode.GetValue<long>();
                Changes.Enqueue((set.Name, set.Capacity, to));
                if (to > set.Capacity)
                {
                    set.Creating += (int)(to - set.Capacity);
                }
                else
                {
                    var remove = (int)(set.Capacity - to);
                    var fromCreating = Math.Min(remove, set.Creating);
                    set.Creating -= fromCreating;
                    set.Succeeded = Math.Max(0, set.Succeeded - (remove - fromCreating));
                }

                set.Capacity = to;
            }

            if (body["tags"] is JsonObject tags)
            {
                set.Tags.Clear();
                foreach (var (key, value) in tags)
                {
                    set.Tags[key] = value!.GetValue<string>();
                }
            }

            set.ProvisioningState = "Updating";
            set.PollsLeft = PollsInProgress;
            set.FailWith = FailOperationWith;
        }

        // Like ARM for this API: 200 with the set in provisioning state Updating; Retry-After paces the polls.
        ctx.Response.Headers.RetryAfter = "0";
        await WriteJson(ctx, 200, SetJson(set, id));
    }

    private JsonObject SetJson(ScaleSet set, string id)
    {
        lock (_gate)
        {
            var tags = new JsonObject();
            foreach (var (k, v) in set.Tags)
            {
                tags[k] = v;
            }

            return new JsonObject
            {
                ["id"] = id,
                ["name"] = set.Name,
                ["type"] = "Microsoft.Compute/virtualMachineScaleSets",
                ["location"] = Location,
                ["tags"] = tags,
                ["sku"] = new JsonObject { ["name"] = "Standard_D2s_v5", ["tier"] = "Standard", ["capacity"] = set.Capacity },
                ["properties"] = new JsonObject { ["provisioningState"] = set.ProvisioningState, ["orchestrationMode"] = "Uniform", ["overprovision"] = false },
            };
        }
    }

    private JsonObject InstanceViewJson(ScaleSet set)
    {
        lock (_gate)
        {
            var summary = new JsonArray();
            if (set.Succeeded > 0)
            {
                summary.Add(new JsonObject { ["code"] = "ProvisioningState/succeeded", ["count"] = set.Succeeded });
            }

            if (set.Creating > 0)
            {
                summary.Add(new JsonObject { ["code"] = "ProvisioningState/creating", ["count"] = set.Creating });
            }

            var statuses = new JsonArray { new JsonObject { ["code"] = $"ProvisioningState/{set.ProvisioningState.ToLowerInvariant()}" } };
            if (set.ProvisioningState == "Failed" && set.FailWith is { } code)
            {
                statuses.Add(new JsonObject { ["code"] = $"ProvisioningState/failed/{code}", ["message"] = "Allocation failed. We do not have sufficient capacity for the requested VM size in this region." });
            }

            return new JsonObject { ["virtualMachine"] = new JsonObject { ["statusesSummary"] = summary }, ["statuses"] = statuses };
        }
    }

    private static Task WriteError(HttpContext ctx, int status, string code, string message) =>
        WriteJson(ctx, status, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } });

    private static async Task WriteJson(HttpContext ctx, int status, JsonNode node)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json; charset=utf-8";
        await ctx.Response.WriteAsync(node.ToJsonString(JsonSerializerOptions.Default));
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Re-imported from PFX so the private key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), password: null);
    }

    /// <param name="AfterApplying">The call takes effect and only its answer is an error: a lost response.</param>
    private sealed record Fault(string Method, string PathSuffix, int Status, string Code, string Message, int? RetryAfterSeconds, bool AfterApplying);

    internal sealed class ScaleSet(string name)
    {
        public string Name => name;

        public long Capacity { get; set; }

        public int Succeeded { get; set; }

        public int Creating { get; set; }

        public string ProvisioningState { get; set; } = "Succeeded";

        public int PollsLeft { get; set; }

        public string? FailWith { get; set; }

        public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal) { ["owner"] = "shop-team" };
    }
}
