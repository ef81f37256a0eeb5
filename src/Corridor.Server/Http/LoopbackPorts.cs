using System.Net;
using System.Net.Sockets;

namespace Corridor.Server.Http;

/// <summary>Free loopback ports for nodes, peers and databases a drill or a test starts as separate processes.</summary>
public static class LoopbackPorts
{
    /// <summary>
    /// A loopback port free now and below the kernel's ephemeral range (32768–60999 on Linux). A port the kernel hands out for
    /// port 0 is in that range and can be handed again at once as the local port of any client connection before the process
    /// meant to listen on it binds it — CI saw a node fail to start ("address already in use") on a port picked seconds
    /// earlier. Below the range only listeners compete; ports this process handed out are not handed out twice.
    /// </summary>
    public static int Free()
    {
        lock (s_handedOut)
        {
            for (int attempt = 0; attempt < 200; attempt++)
            {
                int port = s_ports.Next(20_000, 32_700);
                if (s_handedOut.Contains(port)) continue;
                try
                {
                    using var probe = new TcpListener(IPAddress.Loopback, port);
                    probe.Start();
                }
                catch (SocketException) { continue; }
                s_handedOut.Add(port);
                return port;
            }
        }
        using var any = new TcpListener(IPAddress.Loopback, 0);
        any.Start();
        return ((IPEndPoint)any.LocalEndpoint).Port;
    }

    private static readonly HashSet<int> s_handedOut = new();
    private static readonly Random s_ports = new(Environment.ProcessId ^ Environment.TickCount);
}
