using System.Net;
using System.Net.Sockets;

namespace Corridor.Server.Tests.Federation;

/// <summary>
/// A TCP relay between the source's outbox and the destination's peer endpoint, for partition tests: it forwards bytes as they
/// are (TLS passes through untouched), or drops every connection (<see cref="Mode.Refuse"/>), or swallows everything and
/// answers nothing (<see cref="Mode.Blackhole"/>, the way a dead route looks). Switching mode applies to open connections too.
/// </summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    public enum Mode { Forward, Refuse, Blackhole }

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly List<TcpClient> _open = new();
    private volatile Mode _mode = Mode.Forward;

    public TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far (the source kept trying while cut off).</summary>
    public int Accepted;

    public void Set(Mode mode)
    {
        _mode = mode;
        if (mode == Mode.Refuse)
            lock (_open) { foreach (TcpClient c in _open) c.Dispose(); _open.Clear(); }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            Interlocked.Increment(ref Accepted);
            if (_mode == Mode.Refuse) { client.Client.LingerState = new LingerOption(true, 0); client.Dispose(); continue; } // RST
            lock (_open) _open.Add(client);
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using TcpClient target = new();
        lock (_open) _open.Add(target);
        try
        {
            await target.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            await Task.WhenAny(PumpAsync(client.GetStream(), target.GetStream()), PumpAsync(target.GetStream(), client.GetStream()));
        }
        catch (Exception) { }
        finally
        {
            client.Dispose();
            lock (_open) { _open.Remove(client); _open.Remove(target); }
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        byte[] buffer = new byte[16 * 1024];
        while (true)
        {
            int n = await from.ReadAsync(buffer, _stop.Token);
            if (n == 0) return;
            if (_mode == Mode.Blackhole) continue; // swallowed: the other side waits for an answer that never comes
            if (_mode == Mode.Refuse) return;
            await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_open) { foreach (TcpClient c in _open) c.Dispose(); _open.Clear(); }
        try { await _accepting; } catch (Exception) { }
        _stop.Dispose();
    }
}
