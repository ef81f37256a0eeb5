using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Corridor.Cli.Bench;

/// <summary>
/// One keep-alive HTTP/1.1 connection for load generation, in the manner of wrk: the request head is
/// encoded once, each request writes head + body with one send and reads the whole response (status
/// line, headers, a Content-Length or chunked body). It keeps the load generator from eating the
/// cores the server is measured on; HttpClient costs several times more CPU per request.
/// </summary>
internal sealed class RawHttpConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly System.Net.Security.SslStream? _tls;
    private readonly byte[] _headPrefix;
    private byte[] _send = new byte[16 * 1024];
    private readonly byte[] _receive = new byte[64 * 1024];
    private int _start, _end;

    private RawHttpConnection(Socket socket, System.Net.Security.SslStream? tls, byte[] headPrefix)
    {
        _socket = socket;
        _tls = tls;
        _headPrefix = headPrefix;
    }

    /// <summary>
    /// Connects to <paramref name="baseUrl"/> for POSTs to <paramref name="path"/> with a JSON body: over https with
    /// <paramref name="tls"/> (its client certificate, if any, authenticates), with a bearer token unless it is empty.
    /// </summary>
    public static async Task<RawHttpConnection> ConnectAsync(Uri baseUrl, string path, string token, System.Net.Security.SslClientAuthenticationOptions? tls, CancellationToken cancel,
        string contentType = "application/json")
    {
        if (baseUrl.Scheme != (tls is null ? Uri.UriSchemeHttp : Uri.UriSchemeHttps)) throw new ArgumentException($"the raw load generator speaks {(tls is null ? "http" : "https")} here, not {baseUrl.Scheme}");
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        IPAddress[] addresses = await Dns.GetHostAddressesAsync(baseUrl.Host, AddressFamily.InterNetwork, cancel);
        await socket.ConnectAsync(new IPEndPoint(addresses[0], baseUrl.Port), cancel);
        System.Net.Security.SslStream? stream = null;
        if (tls is not null)
        {
            stream = new System.Net.Security.SslStream(new NetworkStream(socket, ownsSocket: true));
            await stream.AuthenticateAsClientAsync(tls, cancel);
        }
        string authorization = token.Length == 0 ? "" : $"Authorization: Bearer {token}\r\n";
        string head = $"POST {path} HTTP/1.1\r\nHost: {baseUrl.Authority}\r\n{authorization}Content-Type: {contentType}\r\nContent-Length: ";
        return new RawHttpConnection(socket, stream, Encoding.ASCII.GetBytes(head));
    }

    /// <summary>Sends one POST with <paramref name="body"/> and returns the response status code once the whole response is read.</summary>
    public async ValueTask<int> PostAsync(ReadOnlyMemory<byte> body, CancellationToken cancel)
    {
        if (_headPrefix.Length + 16 + body.Length > _send.Length) _send = new byte[_headPrefix.Length + 16 + body.Length]; // a large message (pacs.008 of many transactions)
        int n = _headPrefix.Length;
        _headPrefix.CopyTo(_send, 0);
        Utf8Formatter.TryFormat(body.Length, _send.AsSpan(n), out int digits);
        n += digits;
        _send[n++] = (byte)'\r'; _send[n++] = (byte)'\n'; _send[n++] = (byte)'\r'; _send[n++] = (byte)'\n';
        if (n + body.Length > _send.Length) throw new ArgumentException($"request body of {body.Length} bytes is too large for the load generator");
        body.Span.CopyTo(_send.AsSpan(n));
        n += body.Length;
        if (_tls is not null) await _tls.WriteAsync(_send.AsMemory(0, n), cancel);
        else for (int sent = 0; sent < n;) sent += await _socket.SendAsync(_send.AsMemory(sent, n - sent), SocketFlags.None, cancel);
        return await ReadResponseAsync(cancel);
    }

    private async ValueTask<int> ReadResponseAsync(CancellationToken cancel)
    {
        int headEnd;
        while ((headEnd = _receive.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8)) < 0) await FillAsync(cancel);
        ReadOnlySpan<byte> head = _receive.AsSpan(_start, headEnd);
        // "HTTP/1.1 201 Created"
        if (head.Length < 12 || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _))
            throw new InvalidDataException("malformed HTTP status line");
        long contentLength = -1;
        bool chunked = false;
        foreach (Range line in head.Split("\r\n"u8))
        {
            ReadOnlySpan<byte> l = head[line];
            if ((l.StartsWith("Content-Length:"u8) || l.StartsWith("content-length:"u8))
                && !Utf8Parser.TryParse(l["Content-Length:".Length..].TrimStart((byte)' '), out contentLength, out _))
                throw new InvalidDataException("malformed Content-Length");
            else if (l.StartsWith("Transfer-Encoding: chunked"u8) || l.StartsWith("transfer-encoding: chunked"u8))
                chunked = true;
        }
        _start += headEnd + 4;
        if (chunked) await SkipChunkedAsync(cancel);
        else if (contentLength > 0) await SkipAsync(contentLength, cancel);
        return status;
    }

    private async ValueTask SkipChunkedAsync(CancellationToken cancel)
    {
        while (true)
        {
            int lineEnd;
            while ((lineEnd = _receive.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0) await FillAsync(cancel);
            if (!Utf8Parser.TryParse(_receive.AsSpan(_start, lineEnd), out int size, out _, 'x'))
                throw new InvalidDataException("malformed chunk size");
            _start += lineEnd + 2;
            await SkipAsync(size + 2, cancel);
            if (size == 0) return;
        }
    }

    private async ValueTask SkipAsync(long bytes, CancellationToken cancel)
    {
        while (bytes > 0)
        {
            if (_start == _end) await FillAsync(cancel);
            int take = (int)Math.Min(bytes, _end - _start);
            _start += take;
            bytes -= take;
        }
    }

    private async ValueTask FillAsync(CancellationToken cancel)
    {
        if (_start > 0)
        {
            _receive.AsSpan(_start, _end - _start).CopyTo(_receive);
            _end -= _start;
            _start = 0;
        }
        if (_end == _receive.Length) throw new InvalidDataException("HTTP response head larger than the load generator's buffer");
        int read = _tls is not null ? await _tls.ReadAsync(_receive.AsMemory(_end), cancel) : await _socket.ReceiveAsync(_receive.AsMemory(_end), SocketFlags.None, cancel);
        if (read == 0) throw new IOException("the server closed the connection");
        _end += read;
    }

    public async ValueTask DisposeAsync()
    {
        if (_tls is not null) await _tls.DisposeAsync();
        _socket.Dispose();
    }
}
