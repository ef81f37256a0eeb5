using System.Net;
using Corridor.Client;
using Corridor.Storage.Node;
using Microsoft.Extensions.Logging;

namespace Corridor.Server.Tests;

/// <summary>
/// What recovery skipped or repaired is never silent: a damaged newest snapshot and a torn journal tail show on
/// <c>/health/ready</c> and as <c>/metrics</c> counters after a restart, and the node still recovers every acknowledged batch.
/// </summary>
public sealed class RecoveryReportingTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private static Task<CorridorServer> StartAsync(string dir) => CorridorServer.StartAsync(new ServerOptions
    {
        DataPath = dir, Urls = ["http://127.0.0.1:0"], ReadModel = "none", MinimumLogLevel = LogLevel.Error,
        Node = new NodeOptions { SnapshotEveryEvents = 0 },
    }, C);

    [Fact]
    public async Task A_host_that_cannot_listen_stops_the_node_it_recovered_beside_it_and_the_directory_starts_again()
    {
        string dir = Directory.CreateTempSubdirectory("corridor-start-fails-").FullName;
        try
        {
            (long Sequence, string Hash) state;
            await using (CorridorServer server = await StartAsync(dir))
            {
                var op = new CorridorClient(new HttpClient { BaseAddress = new Uri(server.Addresses[0]) }, server.NewOperatorToken!);
                (await op.RegisterParticipantAsync(new RegisterParticipantRequest(1, "Alice Bank", "direct"), C)).Unwrap();
                state = await server.Node.QueryAsync(e => (e.Sequence, e.StateHashHex()));
            }
            // The node recovers while the web host starts; the host cannot listen (the port is taken): its error is the one
            // reported, and the node it recovered meanwhile is stopped with its journal (the journal's lock is free again).
            using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            taken.Start();
            int port = ((IPEndPoint)taken.LocalEndpoint).Port;
            await Assert.ThrowsAnyAsync<IOException>(() => CorridorServer.StartAsync(new ServerOptions
            {
                DataPath = dir, Urls = [$"http://127.0.0.1:{port}"], ReadModel = "none", MinimumLogLevel = LogLevel.Error,
                Node = new NodeOptions { SnapshotEveryEvents = 0 },
            }, C));
            await using (CorridorServer again = await StartAsync(dir))
                Assert.Equal(state, await again.Node.QueryAsync(e => (e.Sequence, e.StateHashHex())));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_skipped_snapshot_and_a_torn_tail_are_reported_on_health_and_metrics()
    {
        string dir = Directory.CreateTempSubdirectory("corridor-recovery-report-").FullName;
        try
        {
            string token;
            (long Sequence, string Hash) state;
            await using (CorridorServer server = await StartAsync(dir))
            {
                token = server.NewOperatorToken!;
                var op = new CorridorClient(new HttpClient { BaseAddress = new Uri(server.Addresses[0]) }, token);
                (await op.RegisterParticipantAsync(new RegisterParticipantRequest(1, "Alice Bank", "direct"), C)).Unwrap();
                await server.Node.SnapshotAsync();
                (await op.RegisterParticipantAsync(new RegisterParticipantRequest(2, "Bob Bank", "direct"), C)).Unwrap();
                state = await server.Node.QueryAsync(e => (e.Sequence, e.StateHashHex()));
            } // stops with a snapshot of the last batch: two snapshots on disk

            string[] snapshots = Directory.GetFiles(Path.Combine(dir, "snapshots"), "snapshot-*.snap").Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(2, snapshots.Length);
            byte[] newest = await File.ReadAllBytesAsync(snapshots[^1], C);
            newest[newest.Length / 2] ^= 0x01;
            await File.WriteAllBytesAsync(snapshots[^1], newest, C);
            string segment = Directory.GetFiles(Path.Combine(dir, "journal"), "journal-*.seg").Single();
            await using (var file = new FileStream(segment, FileMode.Append)) file.Write(Enumerable.Repeat((byte)0x5A, 77).ToArray()); // a write never acknowledged (zeros would be prepared space)

            await using (CorridorServer server = await StartAsync(dir))
            {
                Assert.Equal(state, await server.Node.QueryAsync(e => (e.Sequence, e.StateHashHex())));
                var anonymous = new CorridorClient(new HttpClient { BaseAddress = new Uri(server.Addresses[0]) }, null);
                var (status, health, _) = await TestNode.Send(anonymous, HttpMethod.Get, "/health/ready", null);
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.Contains($"recovery: snapshot skipped: {snapshots[^1]}: checksum", health);
                Assert.Contains($"recovery: journal: dropped a torn tail of 77 bytes", health);
                var (_, metrics, _) = await TestNode.Send(anonymous, HttpMethod.Get, "/metrics", null);
                Assert.Equal(1, TestNode.Metric(metrics, "corridor_recovery_snapshots_rejected_total"));
                Assert.Equal(1, TestNode.Metric(metrics, "corridor_recovery_journal_findings_total"));
                Assert.Equal(77, TestNode.Metric(metrics, "corridor_recovery_journal_truncated_bytes_total"));
            }

            // A clean restart has nothing to report (the damaged snapshot was replaced by the stop's new one).
            await using (CorridorServer server = await StartAsync(dir))
            {
                var anonymous = new CorridorClient(new HttpClient { BaseAddress = new Uri(server.Addresses[0]) }, null);
                var (_, health, _) = await TestNode.Send(anonymous, HttpMethod.Get, "/health/ready", null);
                Assert.DoesNotContain("recovery:", health);
            }
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}
