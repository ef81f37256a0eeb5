using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Corridor.Client;
using Corridor.Core.Engine;
using Corridor.Storage.Journal;
using Corridor.Storage.Postgres;
using Corridor.Server.Http;

namespace Corridor.Cli.HighAvailability;

/// <summary>
/// Two real <c>corridor run --journal postgres</c> processes on one journal, one active and one standby, under load from
/// clients that record every acknowledged transfer and payment and retry an unanswered one (same id: idempotent) against
/// whichever node answers. The drill kills the active node (SIGKILL, or SIGSTOP past its lease and SIGCONT), waits for
/// the standby to serve, restarts the killed node as the new standby, and repeats; then it checks every acknowledged item
/// is there exactly once and that each new active node's state hash equals a fresh replay of the journal at that batch.
/// Used by <c>corridor bench failover</c> and by the tests.
/// </summary>
public sealed partial class FailoverDrill : IAsyncDisposable
{
    public const ulong CentralBank = 100, Alice = 1, Bob = 2;
    public const uint Ledger = 1;
    public const string AliceAccount = "0x11", BobAccount = "0x21";
    private const int ClientTimeoutMs = 3_000;

    /// <summary>How to start the CLI (the test's built corridor.dll, or this process's own executable).</summary>
    private readonly Func<string[], Process> _startCorridor;
    private readonly string _connectionString;
    private readonly int _leaseMs;
    private readonly TextWriter _log;
    private readonly NodeProcess[] _nodes = new NodeProcess[2];
    private readonly string _root;
    private int _active; // index of the node believed active (clients start there)
    private string _operatorToken = "", _aliceToken = "";

    private readonly ConcurrentQueue<(string Id, bool Payment)> _acknowledged = new();
    private readonly List<double> _unavailableMs = new();
    private readonly List<double> _withoutStandbyMs = new();
    private readonly List<(long Batch, string StateHash)> _takeovers = new();
    private long _failedAt; // Stopwatch ticks of the last failure injected, 0 once a client was served after it
    private int _failedNode = -1; // the node that failed: only an answer from another node ends the unavailability
    private long _bulkTransfers; // transfers of the throughput phase (also Alice → Bob, 1 minor unit each)
    private readonly SemaphoreSlim _servedAfterFailure = new(0);
    private CancellationTokenSource _stopClients = new();
    private Task[] _clients = [];

    public FailoverDrill(Func<string[], Process> startCorridor, string connectionString, string root, int leaseMs, TextWriter log)
    {
        _startCorridor = startCorridor;
        _connectionString = connectionString;
        _root = root;
        _leaseMs = leaseMs;
        _log = log;
    }

    public IReadOnlyList<double> UnavailableMs => _unavailableMs;

    /// <summary>
    /// For each SIGKILL of <see cref="KillActiveAsync"/>: from the kill until the killed node, restarted, was a caught-up
    /// standby again — the time the pair could not survive another failure (its restore or replay, then catching up).
    /// </summary>
    public IReadOnlyList<double> WithoutStandbyMs => _withoutStandbyMs;
    public IReadOnlyList<(long Batch, string StateHash)> Takeovers => _takeovers;
    public int Acknowledged => _acknowledged.Count;
    public NodeProcess Active => _nodes[_active];
    public NodeProcess Standby => _nodes[1 - _active];

    /// <summary>Starts node 0 active, sets up participants, ledger, accounts and liquidity through it, then node 1 as standby.</summary>
    public async Task StartAsync(CancellationToken cancel)
    {
        string a = Path.Combine(_root, "node-a"), b = Path.Combine(_root, "node-b");
        _nodes[0] = new NodeProcess(this, "A", a, LoopbackPorts.Free());
        _nodes[1] = new NodeProcess(this, "B", b, LoopbackPorts.Free());
        _nodes[0].Start("active");
        await _nodes[0].WaitReadyAsync(cancel);
        // Both nodes sign and check tokens with one key: the standby's data directory holds a copy of the secrets.
        CopyDirectory(Path.Combine(a, "secrets"), Path.Combine(b, "secrets"));
        _operatorToken = File.ReadAllText(Path.Combine(a, "secrets", "operator.token")).Trim();
        CorridorClient op = Client(0, _operatorToken);
        (await op.RegisterParticipantAsync(new RegisterParticipantRequest(CentralBank, "Central Bank", "central-bank"), cancel)).Unwrap();
        _aliceToken = (await op.RegisterParticipantAsync(new RegisterParticipantRequest(Alice, "Alice Bank", "direct"), cancel)).Unwrap().Token;
        (await op.RegisterParticipantAsync(new RegisterParticipantRequest(Bob, "Bob Bank", "direct"), cancel)).Unwrap();
        (await op.RegisterLedgerAsync(new RegisterLedgerRequest(Ledger, CentralBank, "0x1000", "0x1001", "KES"), cancel)).Unwrap();
        (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(Alice, Ledger, AliceAccount), cancel)).Unwrap();
        (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(Bob, Ledger, BobAccount), cancel)).Unwrap();
        (await op.OpenDayAsync(DateOnly.FromDateTime(DateTime.UtcNow), cancel)).Unwrap();
        (await op.MoveLiquidityAsync(new LiquidityRequest("0x9001", Alice, Ledger, 1_000_000_000_000, "inject"), cancel)).Unwrap();
        _nodes[1].Start("standby");
        await _nodes[1].WaitStandbyAsync(cancel);
        _active = 0;
    }

    private readonly ConcurrentDictionary<(int Node, string Token), CorridorClient> _clientsByNode = new();

    private CorridorClient Client(int node, string token) => _clientsByNode.GetOrAdd((node, token), key =>
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 64, ConnectTimeout = TimeSpan.FromSeconds(1) };
        return new CorridorClient(new HttpClient(handler) { BaseAddress = new Uri(_nodes[key.Node].Url), Timeout = TimeSpan.FromMilliseconds(ClientTimeoutMs) }, key.Token);
    });

    /// <summary>Starts <paramref name="count"/> clients, each sending transfers (operator) and payments (Alice → Bob) one at a time.</summary>
    public void StartLoad(int count)
    {
        _stopClients = new CancellationTokenSource();
        _clients = Enumerable.Range(0, count).Select(k => Task.Run(() => ClientLoop(k, _stopClients.Token))).ToArray();
    }

    public async Task StopLoadAsync()
    {
        _stopClients.Cancel();
        await Task.WhenAll(_clients);
    }

    private async Task ClientLoop(int k, CancellationToken stop)
    {
        ulong run = (ulong)Environment.TickCount64 & 0xFFFF;
        for (ulong i = 1; !stop.IsCancellationRequested; i++)
        {
            // Unique per client and drill: client in bits 40..47, drill start in 48..63.
            string id = "0x" + ((run << 48) | ((ulong)(k + 1) << 40) | i).ToString("x", CultureInfo.InvariantCulture);
            bool payment = i % 2 == 0;
            while (true) // until acknowledged: an item once sent is retried with its id until some node answers it
            {
                int node = Volatile.Read(ref _active);
                try
                {
                    HttpStatusCode status;
                    string? code;
                    if (payment)
                    {
                        ApiResult<PaymentDto> r = await Client(node, _aliceToken).SubmitPaymentAsync(new SubmitPaymentRequest(id, Bob, Ledger, 1, Kind: "interbank"), CancellationToken.None);
                        (status, code) = (r.Status, r.Problem?.Code);
                        if (r.Ok && r.Value!.Status != "settled") throw new InvalidOperationException($"payment {id} is {r.Value.Status}, expected settled");
                    }
                    else
                    {
                        ApiResult<TransferDto> r = await Client(node, _operatorToken).CreateTransferAsync(new CreateTransferRequest(id, AliceAccount, BobAccount, 1, Ledger, 1), CancellationToken.None);
                        (status, code) = (r.Status, r.Problem?.Code);
                    }
                    if ((int)status is >= 200 and < 300)
                    {
                        _acknowledged.Enqueue((id, payment));
                        Served(node);
                        break;
                    }
                    if (status != HttpStatusCode.ServiceUnavailable) throw new InvalidOperationException($"{(payment ? "payment" : "transfer")} {id}: HTTP {(int)status} {code}");
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) { } // the client's timeout: a paused node
                Interlocked.CompareExchange(ref _active, 1 - node, node); // try the other node
                await Task.Delay(20, CancellationToken.None);
            }
        }
    }

    private void Served(int node)
    {
        long failedAt = Interlocked.Read(ref _failedAt);
        if (node == Volatile.Read(ref _failedNode)) return;
        if (failedAt == 0 || Interlocked.CompareExchange(ref _failedAt, 0, failedAt) != failedAt) return;
        lock (_unavailableMs) _unavailableMs.Add(Stopwatch.GetElapsedTime(failedAt).TotalMilliseconds);
        _servedAfterFailure.Release();
    }

    /// <summary>
    /// SIGKILLs the active node, waits until a client is served by the standby, restarts the killed node as standby and waits
    /// until it is one (<see cref="WithoutStandbyMs"/>); returns how long clients went unserved.
    /// </summary>
    public async Task<double> KillActiveAsync(CancellationToken cancel)
    {
        NodeProcess victim = Active, successor = Standby;
        Volatile.Write(ref _failedNode, _active);
        long killedAt = Stopwatch.GetTimestamp();
        Interlocked.Exchange(ref _failedAt, killedAt);
        victim.Kill();
        double ms = await WaitServedAsync(successor, cancel);
        _active = Array.IndexOf(_nodes, successor);
        victim.Start("standby");
        await victim.WaitStandbyAsync(cancel);
        _withoutStandbyMs.Add(Stopwatch.GetElapsedTime(killedAt).TotalMilliseconds);
        return ms;
    }

    /// <summary>
    /// SIGSTOPs the active node past its lease, waits until the standby serves, then SIGCONTs it: returns the paused node
    /// (which must step down) and the new active node's epoch (the paused one's appends are refused from here on).
    /// </summary>
    public async Task<NodeProcess> PauseActiveAsync(CancellationToken cancel)
    {
        NodeProcess victim = Active, successor = Standby;
        Volatile.Write(ref _failedNode, _active);
        Interlocked.Exchange(ref _failedAt, Stopwatch.GetTimestamp());
        Signal(victim.Process.Id, "STOP");
        await WaitServedAsync(successor, cancel);
        _active = Array.IndexOf(_nodes, successor);
        Signal(victim.Process.Id, "CONT");
        return victim;
    }

    private async Task<double> WaitServedAsync(NodeProcess successor, CancellationToken cancel)
    {
        int takeoversBefore;
        lock (_takeovers) takeoversBefore = _takeovers.Count;
        if (!await _servedAfterFailure.WaitAsync(TimeSpan.FromSeconds(60), cancel))
            throw new TimeoutException($"no client was served within 60 s of the failure; {successor.Name}: {successor.Tail()}");
        double ms;
        lock (_unavailableMs) ms = _unavailableMs[^1];
        // The successor prints its take-over line (batch, state hash) right after it started serving: wait for it.
        for (int i = 0; i < 400; i++)
        {
            lock (_takeovers) if (_takeovers.Count > takeoversBefore) break;
            await Task.Delay(25, cancel);
        }
        _log.WriteLine($"failover to {successor.Name}: served after {ms:F0} ms");
        return ms;
    }

    /// <summary>
    /// Write throughput of the active node for <paramref name="duration"/>: batches of 1,000 transfers (Alice → Bob) from
    /// 4 connections, as the operator; transfers acknowledged per second.
    /// </summary>
    public async Task<double> WriteThroughputAsync(TimeSpan duration, CancellationToken cancel)
    {
        const int PerBatch = 1_000, Connections = 4;
        CorridorClient op = Client(_active, _operatorToken);
        long done = 0;
        ulong run = ((ulong)Environment.TickCount64 & 0xFFFF) | 0x1_0000;
        long next = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                ulong batch = (ulong)Interlocked.Increment(ref next);
                var transfers = new CreateTransferRequest[PerBatch];
                for (int i = 0; i < PerBatch; i++)
                    transfers[i] = new CreateTransferRequest("0x" + ((run << 48) | (batch << 16) | (uint)i).ToString("x", CultureInfo.InvariantCulture), AliceAccount, BobAccount, 1, Ledger, 1);
                BatchResult r = (await op.CreateTransfersAsync(transfers, cancel)).Unwrap();
                if (r.Created != PerBatch) throw new InvalidOperationException($"throughput batch {batch}: {r.Created} created, {r.Rejected} rejected");
                Interlocked.Add(ref done, PerBatch);
            }
        }, cancel)));
        Interlocked.Add(ref _bulkTransfers, done);
        return done / clock.Elapsed.TotalSeconds;
    }

    /// <summary>What the clients were told against what the journal holds: lost, applied more than once, state hashes.</summary>
    public async Task<DrillCheck> CheckAsync(CancellationToken cancel)
    {
        // Each item moves 1 minor unit Alice → Bob: Bob's credits count the items applied, once each (the active node's answer).
        AccountDto bob = (await Client(_active, _operatorToken).GetAccountAsync(BobAccount, cancel)).Unwrap();
        var items = _acknowledged.ToArray();
        // A fresh replay of the journal: every acknowledged item must be in it, and its state hash at every batch a standby
        // took over at must be the one that node reported.
        var disagreements = new List<string>();
        var at = _takeovers.GroupBy(t => t.Batch).ToDictionary(g => g.Key, g => g.Select(t => t.StateHash).ToArray());
        var engine = new Engine();
        using (var journal = PostgresJournal.OpenReadOnly(_connectionString))
        {
            foreach (JournalBatch batch in journal.Read(0))
            {
                engine.Apply(batch.Sequence, batch.TimestampNs, batch.Body, null);
                if (at.TryGetValue(batch.Sequence, out string[]? hashes))
                {
                    string replayed = engine.StateHashHex();
                    foreach (string h in hashes) if (h != replayed) disagreements.Add($"batch {batch.Sequence}: node {h}, replay {replayed}");
                }
            }
        }
        int lost = 0;
        foreach ((string id, bool payment) in items)
        {
            UInt128 key = UInt128.Parse(id.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            bool found = payment
                ? engine.Settlement.GetPayment(key) is { Status: Core.Settlement.PaymentStatus.Settled }
                : engine.Ledger.TryGetTransfer(key, out _, out _);
            if (!found) lost++;
        }
        engine.Ledger.TryGetAccount(UInt128.Parse(BobAccount.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture), out Core.Ledger.Account replayedBob);
        if (replayedBob.CreditsPosted != bob.CreditsPosted)
            disagreements.Add($"Bob's credits: active node {bob.CreditsPosted}, replay {replayedBob.CreditsPosted}");
        long applied = bob.CreditsPosted - Interlocked.Read(ref _bulkTransfers);
        return new DrillCheck(items.Length, lost, applied - items.Length, _takeovers.Count, disagreements);
    }

    /// <summary>Rows of the journal stored with an epoch older than <paramref name="epoch"/> after batch <paramref name="after"/> (must be 0).</summary>
    public long RowsOfOlderEpochAfter(long after, long epoch)
    {
        using var connection = new Npgsql.NpgsqlConnection(_connectionString);
        connection.Open();
        using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM journal WHERE sequence > $1 AND epoch < $2", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter<long> { TypedValue = after });
        command.Parameters.Add(new Npgsql.NpgsqlParameter<long> { TypedValue = epoch });
        return (long)command.ExecuteScalar()!;
    }

    public LeaseState? Lease()
    {
        using var connection = new Npgsql.NpgsqlConnection(_connectionString);
        connection.Open();
        return PostgresLease.Read(connection, "journal");
    }

    public async ValueTask DisposeAsync()
    {
        _stopClients.Cancel();
        try { await Task.WhenAll(_clients); } catch (Exception) { }
        foreach (NodeProcess? n in _nodes) n?.Dispose();
        foreach (CorridorClient c in _clientsByNode.Values) c.Http.Dispose();
    }

    private static void Signal(int pid, string signal)
    {
        using Process kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {pid}") { UseShellExecute = false }) ?? throw new InvalidOperationException("cannot run kill");
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -{signal} {pid} failed");
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
    }

    [GeneratedRegex(@"took over the journal's lease \(epoch (\d+)\) at batch (\d+) .*state hash ([0-9a-f]+)")]
    private static partial Regex TakeoverLine();

    /// <summary>One <c>corridor run</c> process of the drill, restarted on the same data directory and port.</summary>
    public sealed class NodeProcess(FailoverDrill drill, string name, string data, int port) : IDisposable
    {
        public void Dispose()
        {
            Kill();
            _health.Dispose();
        }

        private readonly ConcurrentQueue<string> _output = new();
        private readonly HttpClient _health = new() { Timeout = TimeSpan.FromSeconds(2) };

        public string Name { get; } = name;
        public string Url { get; } = $"http://127.0.0.1:{port}";
        public Process Process { get; private set; } = null!;

        public void Start(string role)
        {
            Process = drill._startCorridor([
                "run", "--data", data, "--journal", "postgres", "--connection", drill._connectionString, "--port", port.ToString(CultureInfo.InvariantCulture),
                "--role", role, "--lease-ms", drill._leaseMs.ToString(CultureInfo.InvariantCulture), "--node-name", Name,
                "--read-model", "none", "--log-level", "error",
            ]);
            Process p = Process;
            _ = Task.Run(async () =>
            {
                while (await p.StandardOutput.ReadLineAsync() is string line)
                {
                    Remember(line);
                    if (TakeoverLine().Match(line) is { Success: true } m)
                        lock (drill._takeovers) drill._takeovers.Add((long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), m.Groups[3].Value));
                }
            });
            _ = Task.Run(async () => { while (await p.StandardError.ReadLineAsync() is string line) Remember("stderr: " + line); });
        }

        private void Remember(string line)
        {
            _output.Enqueue($"{Name}: {line}");
            while (_output.Count > 200) _output.TryDequeue(out _);
        }

        public string Tail() => string.Join('\n', _output);

        public void Kill()
        {
            if (Process is { HasExited: false } p)
            {
                p.Kill(entireProcessTree: true); // SIGKILL
                p.WaitForExit();
            }
        }

        /// <summary>GET /health/ready: status and body (0 when it does not answer).</summary>
        public async Task<(int Status, string Body)> ReadyAsync(CancellationToken cancel)
        {
            try
            {
                using HttpResponseMessage r = await _health.GetAsync(Url + "/health/ready", cancel);
                return ((int)r.StatusCode, await r.Content.ReadAsStringAsync(cancel));
            }
            catch (HttpRequestException) { return (0, ""); }
            catch (TaskCanceledException) when (!cancel.IsCancellationRequested) { return (0, ""); }
        }

        public Task WaitReadyAsync(CancellationToken cancel) => WaitAsync(r => r.Status == 200, "ready", cancel);
        public Task WaitStandbyAsync(CancellationToken cancel) => WaitAsync(r => r.Status == 503 && r.Body.StartsWith("standby", StringComparison.Ordinal), "standby", cancel);
        public Task WaitSteppedDownAsync(CancellationToken cancel) => WaitAsync(r => r.Status == 503 && r.Body.StartsWith("stepped down", StringComparison.Ordinal), "stepped down", cancel);

        private async Task WaitAsync(Func<(int Status, string Body), bool> condition, string what, CancellationToken cancel)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(90))
            {
                if (condition(await ReadyAsync(cancel))) return;
                if (Process.HasExited) throw new InvalidOperationException($"node {Name} exited with {Process.ExitCode} before it was {what}:\n{Tail()}");
                await Task.Delay(50, cancel);
            }
            throw new TimeoutException($"node {Name} not {what} within 90 s:\n{Tail()}");
        }
    }
}

/// <summary>The drill's verdict: items acknowledged, lost (must be 0), applied more than once (must be 0), state hash disagreements.</summary>
public sealed record DrillCheck(int Acknowledged, int Lost, long Duplicates, int Takeovers, List<string> Disagreements);
