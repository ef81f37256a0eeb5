using System.CommandLine;
using System.Runtime.InteropServices;
using Corridor.Server;
using Corridor.Storage.Journal;
using Corridor.Storage.Node;

namespace Corridor.Cli.Commands;

/// <summary><c>corridor run</c>: recover state, serve the HTTP API and feed the read model until stopped.</summary>
public static class RunCommand
{
    /// <summary>
    /// --otlp-endpoint: System.CommandLine has no converter for Uri, so it is parsed here: an absolute http(s) URL, or a clear
    /// error (never an unhandled exception).
    /// </summary>
    internal static Uri? ParseOtlpEndpoint(System.CommandLine.Parsing.ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)) return uri;
        result.AddError($"--otlp-endpoint must be an absolute http:// or https:// URL (e.g. http://127.0.0.1:4317), not '{text}'");
        return null;
    }

    public static Command Create()
    {
        var data = new Option<string>("--data", "-d")
        {
            Description = "Data directory holding the journal, snapshots, secrets and read model (created if missing).",
            DefaultValueFactory = _ => DataDirectory.DefaultPath,
        };
        var snapshotEvery = new Option<long>("--snapshot-every")
        {
            Description = "Take a snapshot after this many applied events (0: only on stop).",
            DefaultValueFactory = _ => new NodeOptions().SnapshotEveryEvents,
        };
        var snapshotKind = new Option<string>("--snapshots")
        {
            Description = "incremental: after a full snapshot, write deltas of what changed while they stay under a quarter of it; full: every snapshot whole.",
            DefaultValueFactory = _ => "incremental",
        };
        snapshotKind.AcceptOnlyFromAmong("incremental", "full");
        var port = new Option<int?>("--port", "-p") { Description = "Listen on http://127.0.0.1:<port> (https with --tls-cert; default 7420)." };
        var urls = new Option<string?>("--urls") { Description = "Listen addresses, ';'-separated (e.g. http://0.0.0.0:7420); overrides --port." };
        var logFormat = new Option<string>("--log-format") { Description = "Console log format: json (structured: payment id, batch, … as fields) or simple.", DefaultValueFactory = _ => "json" };
        logFormat.AcceptOnlyFromAmong("json", "simple");
        var logLevel = new Option<string>("--log-level") { Description = "Least level logged: debug, information (a line per payment with its id and journal batch), warning or error.", DefaultValueFactory = _ => "warning" };
        logLevel.AcceptOnlyFromAmong("debug", "information", "warning", "error");
        var otlp = new Option<Uri?>("--otlp-endpoint")
        {
            Description = "Export traces of each command's path (HTTP → sequencer → journal → engine → reply) over OTLP to this endpoint (e.g. http://127.0.0.1:4317). Off by default.",
            CustomParser = ParseOtlpEndpoint,
        };
        var otlpProtocol = new Option<string>("--otlp-protocol")
        {
            Description = "OTLP transport: grpc, or http/protobuf (then --otlp-endpoint names the path, e.g. http://127.0.0.1:4318/v1/traces).",
            DefaultValueFactory = _ => "grpc",
        };
        otlpProtocol.AcceptOnlyFromAmong("grpc", "http/protobuf");
        var traceSample = new Option<double>("--trace-sample-ratio")
        {
            Description = "With --otlp-endpoint: the share of requests traced, 0…1 (default 0.01: one in a hundred; 1: all, at a measured cost per request, docs/operations.md). A request with a sampled W3C traceparent is always traced.",
            DefaultValueFactory = _ => Corridor.Server.ServerOptions.DefaultTraceSampleRatio,
        };
        var readModel = new Option<string>("--read-model")
        {
            Description = "Read model fed by an in-process projector: sqlite (<data>/readmodel.db), postgres (--read-model-connection) or none.",
            DefaultValueFactory = _ => "sqlite",
        };
        var readModelConnection = new Option<string?>("--read-model-connection") { Description = "Npgsql connection string of the PostgreSQL read model." };
        var peerPort = new Option<int?>("--peer-port") { Description = "Serve peer nodes on https://<--peer-host>:<port> (mutual TLS, client certificates pinned by `corridor peers add`); needs --peer-cert and --peer-key." };
        var peerHost = new Option<string>("--peer-host")
        {
            Description = "The IP address the peer endpoint listens on: one interface facing the peer nodes (e.g. 10.0.0.5), 127.0.0.1, or 0.0.0.0 (default: every IPv4 address).",
            DefaultValueFactory = _ => "0.0.0.0",
        };
        var peerCert = new Option<string?>("--peer-cert") { Description = "This node's certificate (PEM) presented to peers (`corridor peers cert` makes one)." };
        var peerKey = new Option<string?>("--peer-key") { Description = "The private key (PEM) of --peer-cert." };
        var peerRetryMax = new Option<int>("--peer-retry-max-ms")
        {
            Description = "Longest wait between two attempts at a payment the peer has not answered (back-off from 500 ms, doubling; 500 … 600000).",
            DefaultValueFactory = _ => Corridor.Server.Federation.PeerLinkOptions.DefaultMaxRetryMs,
        };
        var peerBatch = new Option<int>("--peer-batch")
        {
            Description = "Most payments sent to a peer in one pacs.008 (1 … 1000): the outbox batches what waits for the same peer; one transaction per payment.",
            DefaultValueFactory = _ => Corridor.Server.Federation.PeerLinkOptions.DefaultBatchSize,
        };
        var tlsCert = new Option<FileInfo?>("--tls-cert") { Description = "PEM certificate of the node: serve HTTPS (https://127.0.0.1:7420 unless --urls says otherwise)." };
        var tlsKey = new Option<FileInfo?>("--tls-key") { Description = "PEM private key of --tls-cert." };
        var clientCa = new Option<FileInfo?>("--client-ca")
        {
            Description = "PEM file of the CA(s) whose client certificates the node accepts (mutual TLS): a request without a token acts as the certificate's bound participant or operator user.",
        };
        var role = new Option<string>("--role")
        {
            Description = "With --journal postgres: active (take the journal's lease now; refuse to start while another node holds it) or standby (follow the journal, replaying every committed batch, and take over when the active node's lease lapses). docs/high-availability.md.",
            DefaultValueFactory = _ => "active",
        };
        role.AcceptOnlyFromAmong("active", "standby");
        var leaseMs = new Option<int>("--lease-ms")
        {
            Description = "With --journal postgres: how long the active node's lease runs without renewal (renewed every quarter of it); a standby takes over once it lapsed.",
            DefaultValueFactory = _ => Corridor.Storage.Postgres.PostgresLeaseOptions.DefaultDurationMs,
        };
        var advertise = new Option<string?>("--advertise-url") { Description = "The address clients reach this node at, written in the journal's lease when it is active (a standby names it in /health/ready); default: the first listen address." };
        var nodeName = new Option<string?>("--node-name") { Description = "This node's name in the journal's lease (default host:pid:random)." };
        var journalOptions = new JournalChoice.Options();
        var command = new Command("run", "Start a Corridor node and its HTTP API (default http://127.0.0.1:7420) on embedded defaults: file journal, snapshots, secrets and SQLite read model in the data directory; --journal postgres for production.")
        {
            data, snapshotEvery, snapshotKind, port, urls, logFormat, readModel, readModelConnection, tlsCert, tlsKey, clientCa, logLevel, otlp, otlpProtocol, traceSample, peerPort, peerHost, peerCert, peerKey, peerRetryMax, peerBatch,
            role, leaseMs, advertise, nodeName,
        };
        journalOptions.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            var dir = new DataDirectory(Path.GetFullPath(parse.GetValue(data)!));
            long every = parse.GetValue(snapshotEvery);
            if (every < 0) { await Console.Error.WriteLineAsync("--snapshot-every must be 0 or more"); return 2; }
            int? p = parse.GetValue(port);
            if (p is < 0 or > 65535) { await Console.Error.WriteLineAsync("--port must be 0…65535"); return 2; }
            JournalChoice journal = journalOptions.Get(parse);
            if (journal.Validate() is { } invalid) { await Console.Error.WriteLineAsync($"corridor: {invalid}"); return 2; }
            string readModelKind = parse.GetValue(readModel)!;
            string? readModelAt = parse.GetValue(readModelConnection);
            if (readModelKind is not ("sqlite" or "postgres" or "none")) { await Console.Error.WriteLineAsync("corridor: --read-model must be sqlite, postgres or none"); return 2; }
            if (readModelKind == "postgres" && readModelAt is null) { await Console.Error.WriteLineAsync("corridor: --read-model postgres needs --read-model-connection"); return 2; }
            FileInfo? certFile = parse.GetValue(tlsCert), keyFile = parse.GetValue(tlsKey), caFile = parse.GetValue(clientCa);
            if ((certFile is null) != (keyFile is null)) { await Console.Error.WriteLineAsync("corridor: give --tls-cert and --tls-key together"); return 2; }
            if (caFile is not null && certFile is null) { await Console.Error.WriteLineAsync("corridor: --client-ca needs --tls-cert and --tls-key (mutual TLS runs over HTTPS)"); return 2; }
            Corridor.Server.Auth.TlsSettings? tls = null;
            if (certFile is not null)
            {
                try { tls = Corridor.Server.Auth.TlsSettings.Load(certFile.FullName, keyFile!.FullName, caFile?.FullName); }
                catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
                {
                    await Console.Error.WriteLineAsync($"corridor: cannot load the TLS files: {e.Message}");
                    return 2;
                }
            }
            string scheme = tls is null ? "http" : "https";
            string[] listen = parse.GetValue(urls) is string u ? u.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : [$"{scheme}://127.0.0.1:{p ?? 7420}"];
            if (tls is null && listen.Any(l => l.StartsWith("https:", StringComparison.OrdinalIgnoreCase)))
            { await Console.Error.WriteLineAsync("corridor: an https:// address needs --tls-cert and --tls-key"); return 2; }
            int? pp2 = parse.GetValue(peerPort);
            string? certPath = parse.GetValue(peerCert), keyPath = parse.GetValue(peerKey);
            if (pp2 is < 0 or > 65535) { await Console.Error.WriteLineAsync("--peer-port must be 0…65535"); return 2; }
            if ((pp2 is null) != (certPath is null) || (certPath is null) != (keyPath is null))
            { await Console.Error.WriteLineAsync("corridor: --peer-port, --peer-cert and --peer-key go together"); return 2; }
            if (certPath is not null && (!File.Exists(certPath) || !File.Exists(keyPath)))
            { await Console.Error.WriteLineAsync($"corridor: --peer-cert {certPath} or --peer-key {keyPath} does not exist"); return 2; }
            double sampleRatio = parse.GetValue(traceSample);
            if (sampleRatio is not (>= 0 and <= 1)) { await Console.Error.WriteLineAsync("corridor: --trace-sample-ratio must be 0 … 1 (e.g. 0.01)"); return 2; }
            if (parse.GetResult(traceSample) is { Implicit: false } && parse.GetValue(otlp) is null)
            { await Console.Error.WriteLineAsync("corridor: --trace-sample-ratio needs --otlp-endpoint (tracing is off without it)"); return 2; }
            if (!System.Net.IPAddress.TryParse(parse.GetValue(peerHost), out System.Net.IPAddress? peerListen))
            { await Console.Error.WriteLineAsync($"corridor: --peer-host must be an IP address (e.g. 0.0.0.0, 127.0.0.1 or ::), not '{parse.GetValue(peerHost)}'"); return 2; }
            if (parse.GetResult(peerHost) is { Implicit: false } && pp2 is null)
            { await Console.Error.WriteLineAsync("corridor: --peer-host needs --peer-port"); return 2; }
            int retryMax = parse.GetValue(peerRetryMax);
            if (retryMax is < Corridor.Server.Federation.PeerLinkOptions.MinRetryMs or > Corridor.Server.Federation.PeerLinkOptions.MaxAllowedRetryMs)
            { await Console.Error.WriteLineAsync("corridor: --peer-retry-max-ms must be 500 … 600000"); return 2; }
            int batch = parse.GetValue(peerBatch);
            if (batch is < 1 or > Corridor.Iso20022.Mapping.CrossNodeMapping.MaxTransactionsPerMessage)
            { await Console.Error.WriteLineAsync("corridor: --peer-batch must be 1 … 1000"); return 2; }
            if (Corridor.Server.Federation.CrashPoints.UnknownStep is string crashAt)
            {
                await Console.Error.WriteLineAsync($"corridor: {Corridor.Server.Federation.CrashPoints.Variable}={crashAt} is not a crash point ({string.Join(", ", Corridor.Server.Federation.CrashPoints.All.Concat(Corridor.Server.Federation.CrashPoints.Decisions))})");
                return 2;
            }
            string snapshots = journal.IsPostgres ? dir.PostgresSnapshotsPath : dir.SnapshotsPath;
            bool standby = parse.GetValue(role) == "standby";
            int lease = parse.GetValue(leaseMs);
            if (!journal.IsPostgres && (standby || parse.GetResult(leaseMs) is { Implicit: false } || parse.GetValue(advertise) is not null))
            { await Console.Error.WriteLineAsync("corridor: --role standby, --lease-ms and --advertise-url need --journal postgres (the lease is in the journal's database)"); return 2; }
            if (lease is < Corridor.Storage.Postgres.PostgresLeaseOptions.MinDurationMs or > Corridor.Storage.Postgres.PostgresLeaseOptions.MaxDurationMs)
            { await Console.Error.WriteLineAsync($"corridor: --lease-ms must be {Corridor.Storage.Postgres.PostgresLeaseOptions.MinDurationMs}…{Corridor.Storage.Postgres.PostgresLeaseOptions.MaxDurationMs}"); return 2; }
            var leaseOptions = new Corridor.Storage.Postgres.PostgresLeaseOptions
            {
                DurationMs = lease, Holder = parse.GetValue(nodeName), Address = parse.GetValue(advertise) ?? AdvertisedAddress(listen[0]),
            };
            var nodeOptions = new NodeOptions { SnapshotEveryEvents = every, IncrementalSnapshots = parse.GetValue(snapshotKind) == "incremental" };
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
            CorridorServer server;
            try
            {
                server = await CorridorServer.StartAsync(new ServerOptions
                {
                    DataPath = dir.Root, Urls = listen, Node = nodeOptions, LogFormat = parse.GetValue(logFormat)!,
                    OpenJournal = journal.IsPostgres ? () => journal.Open(dir.JournalPath, leaseOptions) : null,
                    OpenStandby = standby ? store => new Corridor.Storage.Postgres.PostgresStandby(journal.ConnectionString!, journal.PostgresOptions(leaseOptions), nodeOptions, store) : null,
                    SnapshotsPath = snapshots,
                    ReadModel = readModelKind, ReadModelConnection = readModelAt, ReadModelPath = dir.ReadModelPath, Tls = tls,
                    OtlpEndpoint = parse.GetValue(otlp),
                    OtlpProtocol = parse.GetValue(otlpProtocol) == "grpc" ? OpenTelemetry.Exporter.OtlpExportProtocol.Grpc : OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf,
                    TraceSampleRatio = sampleRatio,
                    MinimumLogLevel = Enum.Parse<Microsoft.Extensions.Logging.LogLevel>(parse.GetValue(logLevel)!, ignoreCase: true),
                    Peers = pp2 is int peerAt ? new Corridor.Server.Federation.PeerLinkOptions(peerAt, Path.GetFullPath(certPath!), Path.GetFullPath(keyPath!)) { MaxRetryMs = retryMax, Host = peerListen, BatchSize = batch } : null,
                }, stop.Token);
            }
            catch (JournalCorruptException e)
            {
                await Console.Error.WriteLineAsync($"corridor: refusing to start: {e.Message}");
                return 3;
            }
            catch (Corridor.Storage.Postgres.JournalLeaseHeldException e)
            {
                await Console.Error.WriteLineAsync($"corridor: refusing to start as the active node: {e.Message}; start it with --role standby to take over when that lease lapses");
                return 5;
            }
            catch (Npgsql.NpgsqlException e)
            {
                await Console.Error.WriteLineAsync($"corridor: cannot open the PostgreSQL journal: {e.Message}");
                return 4;
            }
            catch (IOException e)
            {
                await Console.Error.WriteLineAsync($"corridor: cannot start: {e.Message}");
                return 4;
            }
            await using (server)
            {
                Console.WriteLine($"corridor: data directory {dir.Root}, journal {journal.Describe()}");
                if (server.Standby is { } follower)
                {
                    Console.WriteLine($"corridor: standby: replica at batch {follower.Sequence} (snapshot at {follower.StartedFromSnapshot}); following the journal, taking over when the active node's lease lapses ({(follower.Lease is { } l ? l.ToString() : "no lease yet")})");
                    Console.WriteLine($"corridor: listening on {string.Join(", ", server.Addresses)} (503 on /health/ready until active); press Ctrl+C to stop");
                    try { await server.Activation.WaitAsync(stop.Token); }
                    catch (OperationCanceledException) { Console.WriteLine("corridor: stopping (standby)"); return 0; }
                    catch (Exception e)
                    {
                        await Console.Error.WriteLineAsync($"corridor: the standby could not take over: {e.Message}");
                        return 4;
                    }
                    RecoveryInfo t = server.Recovery;
                    Console.WriteLine($"corridor: active: took over the journal's lease (epoch {(server.Node.Journal as Corridor.Storage.Postgres.PostgresJournal)?.Epoch}) at batch {t.Sequence} ({t.BatchesReplayed} batches caught up in {t.Elapsed.TotalMilliseconds:F0} ms); state hash {t.StateHash}; serving");
                }
                RecoveryInfo r = server.Recovery;
                Console.WriteLine($"corridor: memory: {Corridor.Storage.Files.HugePages.Describe(Program.HeapPages)}");
                Console.WriteLine($"corridor: memory: fresh pages {Corridor.Core.Engine.FreshPages.Describe()}");
                if (r.IdTable is { } idTable) Console.WriteLine($"corridor: memory: {idTable}");
                if (server.Standby is null)
                    Console.WriteLine($"corridor: recovered batch {r.Sequence} (snapshot at {r.SnapshotSequence}, {r.BatchesReplayed} batches replayed) in {r.Elapsed.TotalMilliseconds:F0} ms; state hash {r.StateHash}");
                foreach (string finding in r.Findings()) Console.WriteLine($"corridor: recovery: {finding}");
                if (server.Node.Journal is Corridor.Storage.Postgres.PostgresJournal leased)
                    Console.WriteLine($"corridor: active: holding the journal's lease as {leased.LeaseHolder} (epoch {leased.Epoch}, {lease} ms, renewed every {lease / 4} ms), advertised at {leaseOptions.Address}");
                if (server.NewOperatorToken is string token)
                {
                    Console.WriteLine($"corridor: first start: operator token (also in {Path.Combine(dir.Root, "secrets", "operator.token")}, mode 0600; shown once):");
                    Console.WriteLine(token);
                }
                if (server.ReadModel is { } rm)
                    Console.WriteLine($"corridor: read model {rm.Kind} ({rm.Location}) at batch {rm.ProjectedSequence}, lag {rm.LagBatches}; the projector follows the journal in the background");
                if (server.PeerAddress is string peerAddress) Console.WriteLine($"corridor: peer endpoint on {peerAddress} (mutual TLS, pinned peer certificates)");
                if (tls is not null)
                    Console.WriteLine(tls.ClientCas.Count > 0
                        ? $"corridor: mutual TLS: client certificates from {caFile!.FullName} act as their bound participant or operator user (corridor participants certificates add); bearer tokens work as well"
                        : "corridor: HTTPS with bearer tokens (no --client-ca: client certificates are not asked for)");
                if (server.Standby is null) Console.WriteLine($"corridor: listening on {string.Join(", ", server.Addresses)}; press Ctrl+C to stop");
                try { await Task.Delay(Timeout.Infinite, stop.Token); }
                catch (OperationCanceledException) { }
                Console.WriteLine("corridor: stopping (finishing accepted work, writing a snapshot)");
            }
            return 0;
        });
        return command;
    }

    /// <summary>A listen address as clients reach it: 0.0.0.0 and [::] name no host, so the machine's name stands in.</summary>
    private static string AdvertisedAddress(string listen) =>
        listen.Replace("://0.0.0.0", "://" + Environment.MachineName, StringComparison.Ordinal).Replace("://[::]", "://" + Environment.MachineName, StringComparison.Ordinal);
}
