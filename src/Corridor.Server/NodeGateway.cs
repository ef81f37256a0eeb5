using System.Collections.Concurrent;
using Corridor.Core.Access;
using Corridor.Core.Compliance;
using Corridor.Core.Engine;
using Corridor.Core.Ledger;
using Corridor.Core.Settlement;
using Corridor.Server.Auth;
using Corridor.Server.Http;
using Corridor.Storage.Node;

namespace Corridor.Server;

/// <summary>
/// What every endpoint needs: the node (once recovery finished), token verification, and two caches the
/// rim keeps to authorise without an engine round trip — account owners (immutable once an account
/// exists) and participant status (changed only through this server).
/// </summary>
public sealed class NodeGateway(ApiTokens tokens)
{
    private volatile Node? _node;
    private readonly ConcurrentDictionary<UInt128, ulong> _accountOwner = new();
    private readonly ConcurrentDictionary<ulong, (ParticipantRole Role, ParticipantStatus Status)> _participants = new();
    // The engine's certificate bindings, replaced whole after each bind or revoke (rare), read on every certificate request.
    private volatile IReadOnlyDictionary<string, CertificateBinding> _certificates = new Dictionary<string, CertificateBinding>();
    private readonly ConcurrentDictionary<uint, (OperatorRole Role, OperatorUserStatus Status)> _operators = new();

    /// <summary>The operator user of the request being served (0 = a participant): every command it submits carries it as actor.</summary>
    private static readonly AsyncLocal<uint> CurrentActor = new();

    /// <summary>Most account owners cached; beyond it the cache is cleared (bounded memory).</summary>
    public const int MaxCachedOwners = 4_000_000;

    public ApiTokens Tokens { get; } = tokens;

    /// <summary>The node's batch clock (ns since the Unix epoch): the server reads time from it only to say how far off a cut-off is.</summary>
    public Func<ulong> Clock { get; internal set; } = NodeOptions.WallClockNs;
    /// <summary>
    /// The node serves: attached, not stopped, and — on a PostgreSQL journal — surely holding the journal's lease (renewed
    /// within its duration, no newer epoch seen). A standby, a node that stepped down and one still recovering are not ready.
    /// </summary>
    public bool Ready => _node is { } node && node.Fault is null && (_leased is null || _leased.HoldsLease);
    public Node? NodeOrNull => _node;

    public Node Node => _node is { } node && _leased?.LostTo is null ? node : throw NotActive();

    private Corridor.Storage.Postgres.PostgresJournal? _leased;

    /// <summary>The follower while this node is a standby (kept after the take-over for its figures); null when it started active.</summary>
    public Corridor.Storage.Postgres.PostgresStandby? Standby { get; internal set; }

    private ApiException NotActive()
    {
        string? active = ActiveAddress();
        string where = active is null ? "" : $"; the active node is {active}";
        if (_leased?.LostTo is not null) return new ApiException(503, "node.not_active", "this node stepped down: another node took over the journal's lease" + where);
        if (_node is null && Standby is not null) return new ApiException(503, "node.standby", "this node is a standby following the journal" + where);
        return new ApiException(503, "node.not_ready", "the node is still recovering its state");
    }

    /// <summary>The address the active node advertised in the journal's lease, when this node is not it.</summary>
    public string? ActiveAddress() =>
        _leased?.LostTo?.Address ?? (_node is null ? Standby?.Lease is { Expired: false } lease ? lease.Address : null : null);

    /// <summary>Role lines of /health/ready on the active node: its lease epoch on a PostgreSQL journal.</summary>
    public string RoleDetails() => _leased is { } j ? $"role active\nepoch {j.Epoch}\n" : "";

    /// <summary>The body of a 503 /health/ready: standby (and whom it follows), stepped down (to whom), or recovering.</summary>
    public string NotReadyDetails()
    {
        string active = ActiveAddress() is string a ? $"active {a}\n" : "";
        if (_leased?.LostTo is { } lost) return $"stepped down\nrole fenced\nlease {lost}\n{active}";
        if (_node is { Fault: { } fault }) return $"stopped\n{fault.Message}\n";
        if (_leased is not null && !_leased.HoldsLease) return $"lease not renewed\nrole active\nepoch {_leased.Epoch}\n";
        if (_node is null && Standby is { } standby)
            return $"standby\nrole standby\nfollowing batch {standby.Sequence}\n{(standby.Lease is { } l ? $"lease {l}\n" : "")}{active}";
        return "recovering\n";
    }

    /// <summary>The server's meter (created by the app's IMeterFactory): the node's histograms record into it.</summary>
    public System.Diagnostics.Metrics.Meter? Meter { get; internal set; }

    /// <summary>The read model and its projector (null when the server runs without one).</summary>
    public global::Corridor.Server.ReadModel.ReadModelHost? ReadModel { get; internal set; }

    /// <summary>The state of the links to peer nodes (empty when this node runs no peer endpoint).</summary>
    public Federation.PeerLinks Links { get; internal set; } = new();

    /// <summary>The ISO 20022 messages received and answered (null: not kept, e.g. a test gateway).</summary>
    public Messages.MessageArchive? Messages { get; internal set; }

    public async Task AttachAsync(Node node)
    {
        IReadOnlyList<ParticipantInfo> all = await node.QueryAsync(e => e.Settlement.GetParticipants());
        foreach (ParticipantInfo p in all) SetParticipant(p);
        if (!_participants.ContainsKey(ApiTokens.OperatorParticipantId))
        {
            byte[] payload = SettlementCodec.EncodePayload<RegisterParticipant>([new RegisterParticipant(ApiTokens.OperatorParticipantId, ParticipantRole.Operator, "operator")]);
            await node.SubmitAsync(Operation.RegisterParticipant, 1, payload, waitWhenFull: true);
            _participants[ApiTokens.OperatorParticipantId] = (ParticipantRole.Operator, ParticipantStatus.Active);
        }
        IReadOnlyList<OperatorUser> users = await node.QueryAsync(e => e.Compliance.Operators.ToArray());
        foreach (OperatorUser u in users) _operators[u.Id] = (u.Role, u.Status);
        if (!_operators.ContainsKey(OperatorUser.RootId))
        {
            // The root operator (the token in <data>/secrets/operator.token) is journaled like any operator user, so the audit log can name it.
            var root = new RegisterOperator(OperatorUser.RootId, OperatorUser.RootId, "root", OperatorRole.Administrator);
            await node.SubmitAsync(Operation.RegisterOperator, 1, Corridor.Core.Exchange.ExchangeCommands.Encode(Operation.RegisterOperator, root).AsMemory(CommandBatch.HeaderBytes),
                OperatorUser.RootId, waitWhenFull: true);
            _operators[OperatorUser.RootId] = (OperatorRole.Administrator, OperatorUserStatus.Active);
        }
        SettlementOptions options = await node.QueryAsync(e => e.Settlement.Options);
        if ((options & SettlementOptions.OneWay) != SettlementOptions.OneWay)
        {
            // Rules newer than some journals (screening of payments without details, credit repaid at end of day, re-try on
            // released liquidity) are switched on here, journaled once: older history replays to its exact state and
            // everything after this point runs under the current rules. One-way: the engine never clears them.
            byte[] payload = SettlementCodec.EncodePayload<SetSettlementOptions>([new SetSettlementOptions(options | SettlementOptions.OneWay)]);
            await node.SubmitAsync(Operation.SetSettlementOptions, 1, payload, waitWhenFull: true);
        }
        _certificates = await node.QueryAsync(e => e.Certificates.CopyTable());
        _prepared = await node.QueryAsync(e => e.Compliance.Prepared);
        _leased = node.Journal as Corridor.Storage.Postgres.PostgresJournal;
        _node = node;
        // The lists a snapshot restored (or a replay loaded) have no screening index yet: build them now, beside the engine,
        // so that the first payment does not build them on the engine thread (it waits for a build still under way instead).
        var (lists, threshold) = await node.QueryAsync(e => e.Compliance.ListsWithoutIndex());
        if (lists.Count > 0)
        {
            foreach (WatchList list in lists) _prepared.ReserveScreener(list, threshold); // before any payment can reach the engine
            new Thread(() => PrepareScreeners(lists, threshold)) { Name = "corridor-screening-index", IsBackground = true }.Start();
        }
    }

    private PreparedWatchLists? _prepared;

    private PreparedWatchLists Prepared => _prepared ?? throw NotActive();

    private void PrepareScreeners(IReadOnlyList<WatchList> lists, int threshold)
    {
        try
        {
            foreach (WatchList list in lists) Prepared.PrepareScreener(list, threshold);
        }
        catch (Exception e)
        {
            // The engine builds what is missing itself on first use: a failure here costs time, never a result.
            Log.LogWarning(e, "screening index not prepared; the engine builds it on first use");
        }
    }

    /// <summary>
    /// Before a LoadWatchList is submitted: parses the list and builds its screening index on this (request) thread, where the
    /// engine takes both instead of parsing and indexing on its own thread. Nothing is built for a list the engine would refuse
    /// or that is already in force with the same content.
    /// </summary>
    public async Task PrepareWatchListAsync(LoadWatchList command)
    {
        WatchListParseResult parsed;
        try { parsed = Prepared.PrepareList(command); }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FormatException or InvalidOperationException or System.Xml.XmlException)
        {
            return; // the engine refuses it with the parser's reason
        }
        if (parsed.List is not { } list) return;
        var (inForce, threshold) = await Node.QueryAsync(e => (e.Compliance.IsInForce(command.Name, list.ContentHash), e.Compliance.Threshold));
        if (!inForce) Prepared.PrepareScreener(list, threshold);
    }

    /// <summary>Before a threshold change: builds the screening index of every list in force at <paramref name="threshold"/> on this (request) thread.</summary>
    public async Task PrepareScreenersAsync(int threshold)
    {
        var (lists, current) = await Node.QueryAsync(e => (e.Compliance.ListsInForce(), e.Compliance.Threshold));
        if (threshold != current) foreach (WatchList list in lists) Prepared.PrepareScreener(list, threshold);
    }

    /// <summary>
    /// Re-reads the certificate bindings from the apply queue itself (after a bind or revoke was applied): queries run in
    /// journal order, so the table never goes back to an older state, and a revocation refuses the very next request.
    /// </summary>
    public Task RefreshCertificatesAsync() => Node.QueryAsync(e => _certificates = e.Certificates.CopyTable());

    /// <summary>
    /// Verifies the caller: the bearer token when the request has an Authorization header, else the connection's client
    /// certificate (mutual TLS) and its binding. 401 when missing/invalid/expired/unbound/revoked, 403 when the participant is
    /// not active or the operator user is disabled. A certificate acts exactly as a token of its bound principal would.
    /// Status is checked here on every request, not in the token memory of <see cref="ApiTokens"/> (which only remembers
    /// signatures), so disabling a user refuses its tokens and certificates from the next request on.
    /// </summary>
    public Caller Authenticate(HttpContext context) => Admit(Verify(context));

    /// <summary>The caller as its credential says (no status checks yet): the bearer token, else the bound client certificate; 401 when missing, invalid, expired, unbound or revoked.</summary>
    public Caller Verify(HttpContext context)
    {
        string? header = context.Request.Headers.Authorization;
        if (!string.IsNullOrEmpty(header))
        {
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) throw new ApiException(401, "auth.invalid_token", "use the Bearer scheme");
            if (!Tokens.TryVerify(header.AsSpan(7).Trim(), DateTimeOffset.UtcNow, out Caller caller, out string reason))
                throw new ApiException(401, reason == "token expired" ? "auth.token_expired" : "auth.invalid_token", reason);
            return caller;
        }
        if (context.Features.Get<ClientCertificateOutcome>() is { } certificate)
        {
            _ = Node;
            return CertificateCaller(certificate);
        }
        throw new ApiException(401, "auth.missing_token", "send Authorization: Bearer <token>, or connect over TLS with a bound client certificate");
    }

    /// <summary>
    /// The checks every request passes after its credential verified (<paramref name="caller"/> as signed): the operator user is
    /// registered and active, the participant registered and active; answers the caller as the endpoints see it.
    /// </summary>
    public Caller Admit(Caller caller)
    {
        _ = Node;
        if (caller.Role == CallerRole.OperatorUser)
        {
            uint user = caller.ParticipantId is > 0 and <= uint.MaxValue ? (uint)caller.ParticipantId : 0;
            if (!_operators.TryGetValue(user, out var known))
                throw new ApiException(401, "auth.unknown_operator", $"operator user {caller.ParticipantId} is not registered");
            if (known.Status != OperatorUserStatus.Active)
                throw new ApiException(403, "auth.operator_disabled", $"operator user {user} is disabled");
            caller = new Caller(ApiTokens.OperatorParticipantId, CallerRole.Operator) { OperatorUser = user, OperatorRole = known.Role };
        }
        else if (caller.Role == CallerRole.Operator)
        {
            caller = caller with { OperatorUser = OperatorUser.RootId, OperatorRole = OperatorRole.Administrator };
        }
        CurrentActor.Value = caller.OperatorUser;
        if (!_participants.TryGetValue(caller.ParticipantId, out var participant))
            throw new ApiException(401, "auth.unknown_participant", $"participant {caller.ParticipantId} is not registered");
        if (participant.Status != ParticipantStatus.Active)
            throw new ApiException(403, "auth.participant_suspended", $"participant {caller.ParticipantId} is {participant.Status.ToString().ToLowerInvariant()}");
        return caller;
    }

    /// <summary>The principal a judged client certificate is bound to, as the caller a token of that principal would give.</summary>
    private Caller CertificateCaller(ClientCertificateOutcome certificate)
    {
        string who = $"client certificate sha256:{certificate.Thumbprint} ({certificate.Subject})";
        if (certificate.FailureCode is { } failure) throw new ApiException(401, failure, certificate.Detail);
        CertificateBinding? binding = CertificateBindings.Resolve(_certificates, certificate.Thumbprint, certificate.Subject, certificate.IssuerThumbprint);
        if (binding is null)
            throw new ApiException(401, AuthCodes.CertificateUnbound, $"{who} is bound to no participant or operator user (corridor participants certificates add)");
        if (binding.Status == CertificateBindingStatus.Revoked)
            throw new ApiException(401, AuthCodes.CertificateRevoked, $"{who} was revoked ({binding.Key.Text})");
        if (binding.Principal == CertificatePrincipal.OperatorUser) return new Caller(binding.PrincipalId, CallerRole.OperatorUser);
        ParticipantRole role = _participants.TryGetValue(binding.PrincipalId, out var p) ? p.Role : ParticipantRole.DirectParticipant;
        return new Caller(binding.PrincipalId, role == ParticipantRole.CentralBank ? CallerRole.CentralBank : CallerRole.Direct);
    }

    /// <summary>System operator actions: operator users with role operator or administrator.</summary>
    public static void RequireOperator(Caller caller)
    {
        if (!caller.IsOperator) throw new ApiException(403, "auth.operator_only", "only the operator may do this");
        if (!caller.IsSystemOperator) throw new ApiException(403, "auth.operator_role_required", $"operator user {caller.OperatorUser} has role {caller.OperatorRole.ToString().ToLowerInvariant()}: this needs role operator or administrator");
    }

    /// <summary>Compliance desk actions: operator users with role compliance or administrator.</summary>
    public static void RequireCompliance(Caller caller)
    {
        if (!caller.IsOperator) throw new ApiException(403, "auth.operator_only", "only the operator may do this");
        if (!caller.IsComplianceOfficer) throw new ApiException(403, "auth.compliance_role_required", $"operator user {caller.OperatorUser} has role {caller.OperatorRole.ToString().ToLowerInvariant()}: this needs role compliance or administrator");
    }

    /// <summary>Managing operator users (register, disable, re-enable): administrators only.</summary>
    public static void RequireAdministrator(Caller caller)
    {
        if (!caller.IsOperator) throw new ApiException(403, "auth.operator_only", "only the operator may do this");
        if (caller.OperatorRole != OperatorRole.Administrator)
            throw new ApiException(403, "auth.administrator_only", "only an administrator operator may manage operator users");
    }

    /// <summary>Records a user's role and status as the engine now has them (after its command was applied).</summary>
    public void SetOperator(OperatorUser user) => _operators[user.Id] = (user.Role, user.Status);

    /// <summary>The operator, or the participant itself.</summary>
    public static void RequireSelfOrOperator(Caller caller, ulong participant)
    {
        if (!caller.IsOperator && caller.ParticipantId != participant) throw ApiException.Forbidden($"participant {caller.ParticipantId} may not act for participant {participant}");
    }

    /// <summary>A change made by the participant itself, or by an operator user who may run the system (not a compliance-only user).</summary>
    public static void RequireSelfOrSystemOperator(Caller caller, ulong participant)
    {
        if (caller.IsOperator) RequireOperator(caller);
        else if (caller.ParticipantId != participant) throw ApiException.Forbidden($"participant {caller.ParticipantId} may not act for participant {participant}");
    }

    /// <summary>Records a participant's role and status as the engine now has them (after its command was applied).</summary>
    public void SetParticipant(ParticipantInfo p) => _participants[p.Id] = (p.Role, p.Status);

    public void RememberOwner(UInt128 account, ulong participant)
    {
        if (_accountOwner.Count >= MaxCachedOwners) _accountOwner.Clear();
        _accountOwner[account] = participant;
    }

    /// <summary>Owners of the given accounts (null when the account does not exist), from the cache or one engine query.</summary>
    public async ValueTask<ulong?[]> OwnersAsync(UInt128[] accounts)
    {
        var owners = new ulong?[accounts.Length];
        List<int>? missing = null;
        for (int i = 0; i < accounts.Length; i++)
        {
            if (_accountOwner.TryGetValue(accounts[i], out ulong p)) owners[i] = p;
            else (missing ??= new()).Add(i);
        }
        if (missing is null) return owners;
        ulong?[] found = await Node.QueryAsync(e =>
        {
            var result = new ulong?[missing.Count];
            for (int j = 0; j < missing.Count; j++)
                if (e.Ledger.TryGetAccount(accounts[missing[j]], out Account a)) result[j] = a.Participant;
            return result;
        });
        for (int j = 0; j < missing.Count; j++)
        {
            owners[missing[j]] = found[j];
            if (found[j] is ulong owner) RememberOwner(accounts[missing[j]], owner);
        }
        return owners;
    }

    private readonly ConcurrentQueue<(UInt128 Id, TaskCompletionSource<(bool Found, Transfer Transfer, PendingStatus Status)> Reply)> _transferReads = new();
    private int _transferReadScheduled;

    /// <summary>
    /// Reads a transfer, coalescing concurrent reads into one engine query: queries share the engine's
    /// bounded apply queue with batches, so one query per waiting crowd keeps batches flowing.
    /// </summary>
    public Task<(bool Found, Transfer Transfer, PendingStatus Status)> ReadTransferAsync(UInt128 id)
    {
        var reply = new TaskCompletionSource<(bool, Transfer, PendingStatus)>(TaskCreationOptions.RunContinuationsAsynchronously);
        _transferReads.Enqueue((id, reply));
        if (Interlocked.Exchange(ref _transferReadScheduled, 1) == 0) _ = DrainTransferReadsAsync();
        return reply.Task;
    }

    private async Task DrainTransferReadsAsync()
    {
        while (true)
        {
            var reads = new List<(UInt128 Id, TaskCompletionSource<(bool, Transfer, PendingStatus)> Reply)>();
            while (reads.Count < 65_536 && _transferReads.TryDequeue(out var r)) reads.Add(r);
            if (reads.Count > 0)
            {
                try
                {
                    var results = await Node.QueryAsync(e =>
                    {
                        var found = new (bool, Transfer, PendingStatus)[reads.Count];
                        for (int i = 0; i < reads.Count; i++)
                            found[i] = (e.Ledger.TryGetTransfer(reads[i].Id, out Transfer t, out PendingStatus s), t, s);
                        return found;
                    });
                    for (int i = 0; i < reads.Count; i++) reads[i].Reply.TrySetResult(results[i]);
                }
                catch (Exception e)
                {
                    foreach (var r in reads) r.Reply.TrySetException(e);
                }
            }
            Volatile.Write(ref _transferReadScheduled, 0);
            if (_transferReads.IsEmpty || Interlocked.Exchange(ref _transferReadScheduled, 1) != 0) return;
        }
    }

    /// <summary>The server's logger (structured: JSON console with <c>--log-format json</c>).</summary>
    public ILogger Log { get; internal set; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>Submits a command; busy → 503 with Retry-After (written by the error middleware).</summary>
    public Task<CommandReply> SubmitAsync(Operation op, int count, ReadOnlyMemory<byte> payload) => Node.SubmitAsync(op, count, payload, CurrentActor.Value, waitWhenFull: false);

    /// <summary>Submits and reads the engine's state right after the command is applied, in the same hand-off to the engine (<see cref="Node.SubmitAndReadAsync{T}"/>).</summary>
    public Task<(CommandReply Reply, T Read)> SubmitAndReadAsync<T>(Operation op, int count, ReadOnlyMemory<byte> payload, Func<Corridor.Core.Engine.Engine, CommandReply, T> read) =>
        Node.SubmitAndReadAsync(op, count, payload, CurrentActor.Value, read, waitWhenFull: false);

    /// <summary>One structured line per payment decided at the rim (Information): payment id, status or result, journal batch.</summary>
    public void LogPayment(UInt128 paymentId, string outcome, CommandReply reply)
    {
        if (Log.IsEnabled(LogLevel.Information))
            Log.LogInformation("payment {PaymentId} {Outcome} in batch {Batch} (operation {Operation}, actor {Actor})",
                Corridor.Server.Http.Ids.Format(paymentId), outcome, reply.Batch, reply.Operation, CurrentActor.Value);
    }

    public Task<T> QueryAsync<T>(Func<Corridor.Core.Engine.Engine, T> query) => Node.QueryAsync(query);
}
