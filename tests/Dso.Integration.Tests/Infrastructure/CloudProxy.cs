using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Dso.Integration.Tests.Infrastructure;

/// <summary>
/// A plain-TCP HTTP/1.1 proxy on a free loopback port in front of a cloud endpoint (moto, a fake API server): it
/// records every request body in order, and can lose the answer to chosen calls: the request reaches the server and
/// is processed, then the client's connection is reset (RST) instead of getting the response, as when a network
/// path dies between the cloud and the controller after the cloud acted.
/// </summary>
internal sealed class CloudProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<ProxiedCall> _calls = new();
    private Func<ProxiedCall, bool> _dropAnswer = _ => false;
    private Func<ProxiedCall, bool> _refuse = _ => false;
    private Func<ProxiedCall, InjectedAnswer?> _answer = _ => null;
    private int _dropped;
    private int _index;

    public CloudProxy(Uri target)
    {
        _target = target;
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>Every request forwarded, in arrival order, with whether its answer was dropped.</summary>
    public IReadOnlyList<ProxiedCall> Calls => _calls.ToArray();

    public int Dropped => Volatile.Read(ref _dropped);

    /// <summary>Calls for which this returns true are forwarded and processed, and their answer is replaced by a connection reset.</summary>
    public void DropAnswerWhen(Func<ProxiedCall, bool> rule) => Volatile.Write(ref _dropAnswer, rule);

    /// <summary>Calls for which this returns an answer never reach the server: the proxy answers them itself (a throttle, a 503).</summary>
    public void AnswerWhen(Func<ProxiedCall, InjectedAnswer?> rule) => Volatile.Write(ref _answer, rule);

    /// <summary>Calls for which this returns true never reach the server: the client's connection is reset (a crash before the call).</summary>
    public void RefuseWhen(Func<ProxiedCall, bool> rule) => Volatile.Write(ref _refuse, rule);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            while (await ReadRequestAsync(stream) is { } request)
            {
                var call = new ProxiedCall(request.Method, request.Path, Encoding.UTF8.GetString(request.Body), Interlocked.Increment(ref _index));
                if (_refuse(call))
                {
                    _calls.Enqueue(call with { Refused = true });
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close();
                    return;
                }

                if (_answer(call) is { } injected)
                {
                    _calls.Enqueue(call with { Injected = injected });
                    var fault = Encoding.UTF8.GetBytes(injected.Body);
                    var faultHead = $"HTTP/1.1 {injected.Status} {(HttpStatusCode)injected.Status}\r\nContent-Type: {injected.ContentType}\r\nContent-Length: {fault.Length}\r\n\r\n";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(faultHead), _stop.Token);
                    await stream.WriteAsync(fault, _stop.Token);
                    continue;
                }

                using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_target, request.Path)) { Content = new ByteArrayContent(request.Body) };
                foreach (var (name, value) in request.Headers)
                {
                    if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
                    {
                        message.Content.Headers.TryAddWithoutValidation(name, value);
                    }
                    else if (!name.Equals("Host", StringComparison.OrdinalIgnoreCase) && !name.Equals("Connection", StringComparison.OrdinalIgnoreCase)
                        && !name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                    {
                        message.Headers.TryAddWithoutValidation(name, value);
                    }
                }

                using var response = await _upstream.SendAsync(message, _stop.Token);
                var body = await response.Content.ReadAsByteArrayAsync(_stop.Token);
                if (_dropAnswer(call))
                {
                    _calls.Enqueue(call with { AnswerDropped = true });
                    Interlocked.Increment(ref _dropped);
                    // The server has acted; the client sees its connection reset and never learns the outcome.
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close();
                    return;
                }

                _calls.Enqueue(call);
                var head = new StringBuilder($"HTTP/1.1 {(int)response.StatusCode} {response.ReasonPhrase}\r\n");
                foreach (var header in response.Headers.Concat(response.Content.Headers))
                {
                    if (header.Key is not ("Content-Length" or "Transfer-Encoding" or "Connection"))
                    {
                        head.Append(header.Key).Append(": ").Append(string.Join(", ", header.Value)).Append("\r\n");
                    }
                }

                head.Append("Content-Length: ").Append(body.Length).Append("\r\n\r\n");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token);
                await stream.WriteAsync(body, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or HttpRequestException)
        {
        }
        finally
        {
            socket.Dispose();
        }
    }

    /// <summary>Reads one request (headers and a Content-Length body); null when the client closed the connection.</summary>
    private static async Task<RawRequest?> ReadRequestAsync(Stream stream)
    {
        var headerBytes = new List<byte>();
        var one = new byte[1];
        while (headerBytes.Count < 4 || !(headerBytes[^4] == '\r' && headerBytes[^3] == '\n' && headerBytes[^2] == '\r' && headerBytes[^1] == '\n'))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return null;
            }

            headerBytes.Add(one[0]);
        }

        var lines = Encoding.ASCII.GetString(headerBytes.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var start = lines[0].Split(' ');
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Select(p => (Name: p[0].Trim(), Value: p[1].Trim())).ToList();
        var length = headers.Where(h => h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(h => int.Parse(h.Value, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        var body = new byte[length];
        await stream.ReadExactlyAsync(body);
        return new RawRequest(start[0], start[1], headers, body);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _upstream.Dispose();
        _stop.Dispose();
    }

    private sealed record RawRequest(string Method, string Path, List<(string Name, string Value)> Headers, byte[] Body);
}

/// <summary>One request the proxy forwarded: its method, path and body, and whether the client got the answer.</summary>
internal sealed record ProxiedCall(string Method, string Path, string Body, int Index)
{
    public bool AnswerDropped { get; init; }

    /// <summary>When the proxy received it (wall clock).</summary>
    public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Never forwarded: the server did not see it.</summary>
    public bool Refused { get; init; }

    /// <summary>Answered by the proxy itself (never forwarded), or null.</summary>
    public InjectedAnswer? Injected { get; init; }

    /// <summary>The Query-API action (<c>Action=...</c> in a form body), or null.</summary>
    public string? Action => Form("Action");

    /// <summary>One form field of a Query-API body, URL-decoded.</summary>
    public string? Form(string key) => Body.Split('&')
        .Select(p => p.Split('=', 2))
        .Where(p => p.Length == 2 && Uri.UnescapeDataString(p[0]) == key)
        .Select(p => Uri.UnescapeDataString(p[1].Replace('+', ' ')))
        .FirstOrDefault();
}

/// <summary>An answer the proxy gives in the server's place: status, body and content type.</summary>
internal sealed record InjectedAnswer(int Status, string Body, string ContentType = "text/xml");
