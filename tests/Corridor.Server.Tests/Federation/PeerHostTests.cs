namespace Corridor.Server.Tests.Federation;

/// <summary><c>corridor run --peer-host</c>: the peer endpoint listens on the address given, and a bad one is refused before anything starts.</summary>
public sealed class PeerHostTests
{
    [Fact]
    public async Task The_peer_endpoint_listens_on_the_address_given_and_a_bad_address_is_refused()
    {
        await using var node = new NodeProcess("host");
        await node.StartAsync();
        node.Kill(); // waits for the process's output to be read to its end: the log line may still be in the pipe when the node answers ready
        Assert.Contains(node.Output, l => l.Contains($"peer endpoint on https://127.0.0.1:{node.PeerPort}", StringComparison.Ordinal));

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
