using System.Runtime.InteropServices;
using Corridor.Client;
using Corridor.Core.Engine;
using Corridor.Core.Ledger;
using Corridor.Server.Auth;
using Corridor.Server.Http;

namespace Corridor.Server.Endpoints;

/// <summary>Accounts, transfers and balance history: the ledger through the engine's create_accounts / create_transfers.</summary>
public static class LedgerEndpoints
{
    /// <summary>Most transfers in one batch request (one engine command).</summary>
    public const int MaxBatchTransfers = 8190;
    /// <summary>Most rows in one page of a listing.</summary>
    public const int MaxPageRows = 1000;

    public static void Map(WebApplication app, NodeGateway gw)
    {
        app.MapPost("/v1/accounts", Handler.Of(c => CreateAccount(c, gw))).WithTags("accounts")
            .Accepts<CreateAccountRequest>("application/json").Produces<AccountDto>(201).Produces<AccountDto>(200).ProducesProblem(400);
        app.MapGet("/v1/accounts", Handler.Of(c => ListAccounts(c, gw))).WithTags("accounts").Produces<AccountDto[]>();
        app.MapGet("/v1/accounts/{id}", (HttpContext c, string id) => GetAccount(c, gw, id)).WithTags("accounts").Produces<AccountDto>().ProducesProblem(404);
        // GET /v1/accounts/{id}/transfers is served from the read model: ReadModelEndpoints.
        app.MapGet("/v1/accounts/{id}/balances", (HttpContext c, string id) => ListBalances(c, gw, id)).WithTags("accounts").Produces<BalancePage>();
        app.MapPost("/v1/transfers", Handler.Of(c => CreateTransfer(c, gw))).WithTags("transfers")
            .Accepts<CreateTransferRequest>("application/json").Produces<TransferDto>(201).Produces<TransferDto>(200).ProducesProblem(409).ProducesProblem(422);
        app.MapPost("/v1/transfers/batch", Handler.Of(c => CreateTransfers(c, gw))).WithTags("transfers")
            .Accepts<CreateTransfersBatchRequest>("application/json").Produces<BatchResult>().ProducesProblem(400).ProducesProblem(413);
        app.MapGet("/v1/transfers/{id}", (HttpContext c, string id) => GetTransfer(c, gw, id)).WithTags("transfers").Produces<TransferDto>().ProducesProblem(404);
    }

    private static async Task<IResult> CreateAccount(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        // Operator users create accounts only with a role that runs the system (not compliance-only).
        if (caller.IsOperator) NodeGateway.RequireOperator(caller);
        var r = await RequestBody.ReadAsync<CreateAccountRequest>(c);
        ulong participant = r.Participant;
        if (!caller.IsOperator)
        {
            if (participant != 0 && participant != caller.ParticipantId) throw ApiException.Forbidden("a participant creates accounts only for itself");
            participant = caller.ParticipantId;
        }
        Account account = Wire.ToAccount(r, participant);
        // A participant cannot mint value: its own accounts may never go below zero. Accounts without a floor
        // (issuance, nostro, bench pools) are the operator's to create, for any participant.
        if (!caller.IsOperator && (account.Flags & AccountFlags.DebitsMustNotExceedCredits) == 0)
            throw ApiException.Forbidden("a participant's own accounts need the debits_must_not_exceed_credits flag; the operator creates accounts without a floor");
        if ((account.Flags & AccountFlags.Linked) != 0) throw ApiException.BadRequest("request.invalid_value", "flags: linked needs a batch; create accounts one at a time");
        CommandReply reply = await gw.SubmitAsync(Operation.CreateAccounts, 1, MemoryMarshal.AsBytes(new[] { account }).ToArray());
        var result = reply.AllOk ? CreateAccountResult.Ok : (CreateAccountResult)reply.Errors[0].Code;
        if (!caller.IsOperator && result is CreateAccountResult.Exists or (>= CreateAccountResult.ExistsWithDifferentFlags and <= CreateAccountResult.ExistsWithDifferentParticipant))
        {
            ulong owner = await gw.QueryAsync(e => e.Ledger.TryGetAccount(account.Id, out Account a) ? a.Participant : 0UL);
            if (owner != caller.ParticipantId) throw IdTakenByAnother("account", account.Id);
        }
        if (result is CreateAccountResult.Ok or CreateAccountResult.Exists)
        {
            Account stored = await gw.QueryAsync(e => e.Ledger.TryGetAccount(account.Id, out Account a) ? a : default);
            gw.RememberOwner(stored.Id, stored.Participant);
            return result == CreateAccountResult.Ok ? Results.Json(Wire.ToDto(stored), CorridorJson.Options, statusCode: 201) : Results.Json(Wire.ToDto(stored), CorridorJson.Options);
        }
        int status = result.ToString().StartsWith("ExistsWith", StringComparison.Ordinal) ? 409 : 422;
        throw new ApiException(status, "account." + Wire.Snake(result), $"account {Ids.Format(account.Id)}: {result}");
    }

    private static async Task<IResult> ListAccounts(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        ulong participant = caller.ParticipantId;
        if (c.Request.Query.TryGetValue("participant", out var p))
        {
            if (!ulong.TryParse(p.ToString(), out participant)) throw ApiException.BadRequest("request.invalid_value", "participant must be an integer");
            GatewayChecks.SelfOrOperator(caller, participant);
        }
        int limit = Limit(c);
        AccountDto[] list = await gw.QueryAsync(e =>
        {
            var rows = new List<AccountDto>();
            foreach (Account a in e.Ledger.Accounts())
            {
                if (a.Participant != participant) continue;
                rows.Add(Wire.ToDto(a));
                if (rows.Count >= limit) break;
            }
            return rows.ToArray();
        });
        return Results.Json(list, CorridorJson.Options);
    }

    private static async Task<IResult> GetAccount(HttpContext c, NodeGateway gw, string id)
    {
        Caller caller = gw.Authenticate(c);
        UInt128 accountId = Ids.Parse(id, "id");
        (bool found, Account a) = await gw.QueryAsync(e => (e.Ledger.TryGetAccount(accountId, out Account x), x));
        if (!found) throw ApiException.NotFound("account.not_found", $"account {id} does not exist");
        if (!caller.IsOperator && a.Participant != caller.ParticipantId) throw ApiException.Forbidden($"account {id} belongs to another participant");
        return Results.Json(Wire.ToDto(a), CorridorJson.Options);
    }

    private static async Task RequireOwnAccount(NodeGateway gw, Caller caller, UInt128 accountId, string text)
    {
        ulong?[] owner = await gw.OwnersAsync([accountId]);
        if (owner[0] is null) throw ApiException.NotFound("account.not_found", $"account {text} does not exist");
        if (!caller.IsOperator && owner[0] != caller.ParticipantId) throw ApiException.Forbidden($"account {text} belongs to another participant");
    }

    private static int Limit(HttpContext c)
    {
        if (!c.Request.Query.TryGetValue("limit", out var l)) return 100;
        if (!int.TryParse(l.ToString(), out int limit) || limit < 1 || limit > MaxPageRows)
            throw ApiException.BadRequest("request.invalid_value", $"limit must be 1…{MaxPageRows}");
        return limit;
    }

    private static ulong After(HttpContext c)
    {
        if (!c.Request.Query.TryGetValue("after", out var a)) return 0;
        if (!ulong.TryParse(a.ToString(), out ulong after) || after == ulong.MaxValue) throw ApiException.BadRequest("request.invalid_value", "after must be a timestamp cursor (integer ns)");
        return after;
    }

    private static async Task<IResult> ListBalances(HttpContext c, NodeGateway gw, string id)
    {
        Caller caller = gw.Authenticate(c);
        UInt128 accountId = Ids.Parse(id, "id");
        int limit = Limit(c);
        ulong after = After(c);
        await RequireOwnAccount(gw, caller, accountId, id);
        List<AccountBalance> rows = await gw.QueryAsync(e => e.Ledger.GetAccountBalances(accountId, after == 0 ? 0 : after + 1, limit));
        var page = rows.Select(b => new BalanceDto(b.Timestamp, b.DebitsPending, b.DebitsPosted, b.CreditsPending, b.CreditsPosted)).ToArray();
        string? next = rows.Count == limit ? rows[^1].Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return Results.Json(new BalancePage(page, next), CorridorJson.Options);
    }

    private static async Task<IResult> GetTransfer(HttpContext c, NodeGateway gw, string id)
    {
        Caller caller = gw.Authenticate(c);
        UInt128 transferId = Ids.Parse(id, "id");
        var (found, t, status, debitOwner, creditOwner) = await gw.QueryAsync(e =>
        {
            if (!e.Ledger.TryGetTransfer(transferId, out Transfer x, out PendingStatus s)) return (false, x, s, 0UL, 0UL);
            e.Ledger.TryGetAccount(x.DebitAccountId, out Account d);
            e.Ledger.TryGetAccount(x.CreditAccountId, out Account cr);
            return (true, x, s, d.Participant, cr.Participant);
        });
        if (!found) throw ApiException.NotFound("transfer.not_found", $"transfer {id} does not exist");
        if (!caller.IsOperator && debitOwner != caller.ParticipantId && creditOwner != caller.ParticipantId)
            throw ApiException.Forbidden($"transfer {id} moves no account of participant {caller.ParticipantId}");
        return Results.Json(Wire.ToDto(t, status), CorridorJson.Options);
    }

    private static async Task<IResult> CreateTransfer(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        var r = await RequestBody.ReadAsync<CreateTransferRequest>(c);
        Transfer t = Wire.ToTransfer(r);
        CommandReply reply = await SubmitTransfers(gw, caller, [t]);
        var result = reply.AllOk ? CreateTransferResult.Ok : (CreateTransferResult)reply.Errors[0].Code;
        const TransferFlags EngineFilled = TransferFlags.BalancingDebit | TransferFlags.BalancingCredit | TransferFlags.PostPendingTransfer | TransferFlags.VoidPendingTransfer;
        if (result == CreateTransferResult.Ok && (t.Flags & EngineFilled) == 0)
        {
            // Applied as given: the stored record is the input stamped with its engine time (no read-back).
            Transfer applied = t;
            applied.Timestamp = reply.FirstEventTimestamp;
            return Results.Json(Wire.ToDto(applied, (t.Flags & TransferFlags.Pending) != 0 ? PendingStatus.Pending : PendingStatus.None), CorridorJson.Options, statusCode: 201);
        }
        if (!caller.IsOperator && IsIdConflict(result) && (await UnreadableAsync(gw, caller, [t.Id]))[0]) throw IdTakenByAnother("transfer", t.Id);
        if (result is CreateTransferResult.Ok or CreateTransferResult.Exists)
        {
            var (_, stored, status) = await gw.ReadTransferAsync(t.Id);
            return Results.Json(Wire.ToDto(stored, status), CorridorJson.Options, statusCode: result == CreateTransferResult.Ok ? 201 : 200);
        }
        throw new ApiException(TransferStatus(result), "transfer." + Wire.Snake(result), $"transfer {Ids.Format(t.Id)}: {result}");
    }

    /// <summary>
    /// A participant reusing the id of an item it may not read — another participant's account, a transfer that moves none
    /// of its accounts — gets one answer whatever that item holds: 409 <c>{kind}.exists_with_different_content</c>, no field
    /// named and no data, so the other's content cannot be probed field by field (the engine's exists_with_different_* names
    /// the first field that differs, and a same-content resubmission would answer the stored item). The caller learns only
    /// that the id is taken, which one id space per node cannot hide. Decided after the engine answered (an id never leaves
    /// the ledger, so nothing races) and only on a conflict: the success path pays nothing. docs/api.md "Idempotency".
    /// </summary>
    private static ApiException IdTakenByAnother(string kind, UInt128 id) =>
        new(409, kind + ".exists_with_different_content", $"{kind} {Ids.Format(id)} exists; choose another id");

    private static bool IsIdConflict(CreateTransferResult r) =>
        r is CreateTransferResult.Exists or (>= CreateTransferResult.ExistsWithDifferentFlags and <= CreateTransferResult.ExistsWithDifferentLedger);

    /// <summary>Per id: true when the transfer exists and moves no account of <paramref name="caller"/> (GET /v1/transfers/{id} would answer 403).</summary>
    private static Task<bool[]> UnreadableAsync(NodeGateway gw, Caller caller, UInt128[] ids) => gw.QueryAsync(e =>
    {
        var unreadable = new bool[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            if (!e.Ledger.TryGetTransfer(ids[i], out Transfer x, out _)) continue;
            e.Ledger.TryGetAccount(x.DebitAccountId, out Account d);
            e.Ledger.TryGetAccount(x.CreditAccountId, out Account c);
            unreadable[i] = d.Participant != caller.ParticipantId && c.Participant != caller.ParticipantId;
        }
        return unreadable;
    });

    public static int TransferStatus(CreateTransferResult result) => result switch
    {
        CreateTransferResult.DebitAccountNotOwnedBySubmitter or CreateTransferResult.LedgerNotGrantedToSubmitter => 403,
        CreateTransferResult.IdAlreadyFailed => 409,
        _ => result.ToString().StartsWith("ExistsWith", StringComparison.Ordinal) ? 409 : 422,
    };

    /// <summary>
    /// The operator submits raw transfers as such (op 2); a participant's go as its own (op 3), and the engine applies the
    /// raw-ledger rule to each: only the participant's own debit accounts, only in ledgers the operator granted it, never a
    /// settlement ledger (LedgerState.CreateParticipantTransfers, docs/payment-lifecycle.md). Nothing is decided here.
    /// </summary>
    private static async Task<CommandReply> SubmitTransfers(NodeGateway gw, Caller caller, Transfer[] transfers)
    {
        // The operator moves any account, but only an operator user whose role runs the system: the compliance desk moves no money.
        if (caller.IsOperator)
        {
            NodeGateway.RequireOperator(caller);
            return await gw.SubmitAsync(Operation.CreateTransfers, transfers.Length, MemoryMarshal.AsBytes(transfers.AsSpan()).ToArray());
        }
        await RefuseForeignDebits(gw, caller, transfers);
        return await gw.SubmitAsync(Operation.CreateParticipantTransfers, transfers.Length, Engine.EncodeParticipantTransfers(caller.ParticipantId, transfers));
    }

    /// <summary>
    /// Authentication at the rim: a request naming another participant's (or no existing) debit account is refused whole,
    /// before the journal, with the index of the first offender. The engine applies the same ownership rule to what passes.
    /// </summary>
    private static async Task RefuseForeignDebits(NodeGateway gw, Caller caller, Transfer[] transfers)
    {
        var debits = new UInt128[transfers.Length];
        for (int i = 0; i < debits.Length; i++) debits[i] = transfers[i].DebitAccountId;
        ulong?[] owners = await gw.OwnersAsync(debits);
        for (int i = 0; i < owners.Length; i++)
        {
            if (transfers[i].DebitAccountId == UInt128.Zero) continue; // post/void of a pending transfer: the engine checks the pending transfer's debit account
            if (owners[i] is null)
                throw new ApiException(422, "transfer.debit_account_not_found", $"transfers[{i}]: debit account {Ids.Format(debits[i])} does not exist");
            if (owners[i] != caller.ParticipantId)
                throw ApiException.Forbidden($"transfers[{i}]: debit account {Ids.Format(debits[i])} belongs to another participant");
        }
    }

    private static async Task<IResult> CreateTransfers(HttpContext c, NodeGateway gw)
    {
        Caller caller = gw.Authenticate(c);
        var r = await RequestBody.ReadAsync<CreateTransfersBatchRequest>(c, RequestBody.MaxBatchBytes);
        if (r.Transfers.Length == 0) throw ApiException.BadRequest("request.empty_batch", "transfers must hold at least one transfer");
        if (r.Transfers.Length > MaxBatchTransfers) throw ApiException.BadRequest("request.batch_too_large", $"{r.Transfers.Length} transfers exceed {MaxBatchTransfers} per batch");
        var transfers = new Transfer[r.Transfers.Length];
        for (int i = 0; i < transfers.Length; i++)
            transfers[i] = Wire.ToTransfer(r.Transfers[i] ?? throw ApiException.BadRequest("request.invalid_value", $"transfers[{i}]: a transfer, not null"), $"transfers[{i}].");
        CommandReply reply = await SubmitTransfers(gw, caller, transfers);
        var results = new BatchItemResult[transfers.Length];
        var codes = new CreateTransferResult[transfers.Length];
        foreach (ItemResult e in reply.Errors) codes[e.Index] = (CreateTransferResult)e.Code;
        bool[] taken = await IdsTakenByAnotherAsync(gw, caller, transfers, codes);
        int created = 0, exists = 0, rejected = 0;
        for (int i = 0; i < transfers.Length; i++)
        {
            CreateTransferResult code = codes[i];
            string id = r.Transfers[i].Id;
            if (taken[i]) { rejected++; results[i] = new BatchItemResult(i, id, "rejected", "transfer.exists_with_different_content"); }
            else if (code == CreateTransferResult.Ok) { created++; results[i] = new BatchItemResult(i, id, "created", null); }
            else if (code == CreateTransferResult.Exists) { exists++; results[i] = new BatchItemResult(i, id, "exists", null); }
            else { rejected++; results[i] = new BatchItemResult(i, id, "rejected", "transfer." + Wire.Snake(code)); }
        }
        return Results.Json(new BatchResult(created, exists, rejected, results), CorridorJson.Options);
    }

    /// <summary>Per item of a batch: its id conflicts with a transfer the caller may not read (answered as <see cref="IdTakenByAnother"/>).</summary>
    private static async Task<bool[]> IdsTakenByAnotherAsync(NodeGateway gw, Caller caller, Transfer[] transfers, CreateTransferResult[] codes)
    {
        var taken = new bool[transfers.Length];
        if (caller.IsOperator) return taken;
        List<int>? conflicts = null;
        for (int i = 0; i < codes.Length; i++) if (IsIdConflict(codes[i])) (conflicts ??= []).Add(i);
        if (conflicts is null) return taken;
        bool[] unreadable = await UnreadableAsync(gw, caller, conflicts.Select(i => transfers[i].Id).ToArray());
        for (int k = 0; k < conflicts.Count; k++) taken[conflicts[k]] = unreadable[k];
        return taken;
    }
}

/// <summary>Authorisation checks shared by endpoints.</summary>
public static class GatewayChecks
{
    public static void SelfOrOperator(Caller caller, ulong participant) => NodeGateway.RequireSelfOrOperator(caller, participant);
}
