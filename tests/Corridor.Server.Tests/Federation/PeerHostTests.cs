namespace Corridor.Server.Tests.Federation;

/// <summary><c>corridor run --peer-host</c>: the peer endpoint listens on the address given, and a bad one is refused before anything starts.</summary>
public sealed class PeerHostTests
{
    [Fact]
    public async Task The_peer_endpoint_listens_on_the_address_given_and_a_bad_address_is_refused()
    {
        await using var node = new NodeProcess("host");
        await node.StartAsync();
        // The console logger writes from a queue of its own: the line may come a moment after the node answers ready (on a
        // busy machine, after a kill would have stopped it), so wait for it first.
        string expected = $"peer endpoint on https://127.0.0.1:{node.PeerPort}";
        for (int i = 0; i < 200 && !node.Output.Any(l => l.Contains(expected, StringComparison.Ordinal)); i++)
            await Task.Delay(50, TestContext.Current.CancellationToken);
        node.Kill();
        Assert.Contains(node.Output, l => l.Contains(expected, StringComparison.Ordinal));

        string data = Directory.CreateTempSubdirectory("corridor-peer-host-").FullName;
        try
        {
            var (code, output) = await FederationCli.Cli("run", "--data", data, "--port", "0", "--peer-port", "0", "--peer-cert", node.Cert, "--peer-key", node.Key, "--peer-host", "peers.example");
            Assert.Equal(2, code);
            Assert.Contains("--peer-host must be an IP address", output);
            (code, output) = await FederationCli.Cli("run", "--data", data, "--port", "0", "--peer-host", "127.0.0.1");
            Assert.Equal(2, code);
            Assert.Contains("--peer-host needs --peer-port", output);
        }
        finally
        {
            try { Directory.Delete(data, true); } catch (IOException) { }
        }
    }
}
