using System.Runtime.InteropServices;
using Corridor.Core.Engine;
using Corridor.Core.Ledger;
using Corridor.Core.Settlement;

namespace Corridor.Simulation.Faults;

/// <summary>One request of the simulated clients: its encoded command and the ids of its items, to find them after recovery.</summary>
public sealed record SimulatedRequest(string Kind, Operation Operation, byte[] Command, UInt128[] ItemIds, long[] Amounts)
{
    /// <summary>True once a reply was received (the request is acknowledged; its Ok items must survive any crash).</summary>
    public bool Acknowledged { get; set; }

    /// <summary>Per item: true when the reply said Ok (created).</summary>
    public bool[] Ok { get; set; } = [];

    /// <summary>Commands in <see cref="Command"/> (the setup request holds several; the items are those of the last).</summary>
    public int CommandCount
    {
        get
        {
            int n = 0;
            for (int offset = 0; offset < Command.Length; n++) CommandBatch.Read(Command, ref offset);
            return n;
        }
    }
}

/// <summary>
/// The simulated clients of one seed: a central bank and a few participants with settlement accounts in one or two
/// currencies, raw ledger accounts, transfers (some pending, posted later), settlement payments that settle or queue,
/// liquidity injections, LSM runs; and retries, with the same ids, of requests whose answer was lost in a crash.
/// </summary>
public sealed class SimulatedWorkload
{
    private const ulong CentralBank = 1;
    private const ulong FirstParticipant = 1_000;
    private const uint RawLedger = 900;
    private const ushort RawCode = 10;

    private readonly int _participants;
    private readonly uint[] _ledgers;
    private readonly List<UInt128> _rawAccounts = new();
    private readonly List<UInt128> _pendingTransfers = new();
    private UInt128 _nextId = 1_000_000;

    public SimulatedWorkload(ref Xoshiro256 random)
    {
        _participants = 2 + random.NextInt(4);
        _ledgers = random.NextInt(2) == 0 ? [1] : [1, 2];
    }

    /// <summary>The first request: participants, ledgers, settlement accounts, the business day, opening liquidity.</summary>
    public SimulatedRequest Setup()
    {
        var parts = new List<byte[]>
        {
            SettlementCodec.EncodeCommand(new SetSettlementOptions(SettlementOptions.All)),
            SettlementCodec.EncodeCommand(new RegisterParticipant(CentralBank, ParticipantRole.CentralBank, "central bank")),
        };
        var register = new RegisterParticipant[_participants];
        for (int i = 0; i < _participants; i++) register[i] = new RegisterParticipant(FirstParticipant + (ulong)i, ParticipantRole.DirectParticipant, "p" + i);
        parts.Add(SettlementCodec.EncodeCommand<RegisterParticipant>(register));
        foreach (uint ledger in _ledgers)
        {
            parts.Add(SettlementCodec.EncodeCommand(new RegisterLedger(ledger, CentralBank, 10 + ledger, 20 + ledger, ledger == 1 ? "KES" : "TZS")));
            var open = new OpenSettlementAccount[_participants];
            for (int i = 0; i < _participants; i++) open[i] = new OpenSettlementAccount(FirstParticipant + (ulong)i, ledger, 100 * ledger + (ulong)i);
            parts.Add(SettlementCodec.EncodeCommand<OpenSettlementAccount>(open));
        }
        parts.Add(SettlementCodec.EncodeCommand(new OpenBusinessDay(20260101)));
        return new SimulatedRequest("setup", Operation.SetSettlementOptions, Concat(parts), [], []);
    }

    /// <summary>A new request of a random kind.</summary>
    public SimulatedRequest Next(ref Xoshiro256 random)
    {
        int kind = random.NextInt(100);
        if (_rawAccounts.Count < 2 || kind < 10) return CreateAccounts(ref random);
        if (kind < 40) return CreateTransfers(ref random);
        if (kind < 50 && _pendingTransfers.Count > 0) return ResolvePending(ref random);
        if (kind < 60) return MoveLiquidity(ref random);
        if (kind < 95) return SubmitPayments(ref random);
        return Single("lsm", Operation.RunLsm, SettlementCodec.EncodeCommand(new RunLsm(_ledgers[random.NextInt(_ledgers.Length)])));
    }

    private SimulatedRequest CreateAccounts(ref Xoshiro256 random)
    {
        int n = 1 + random.NextInt(3);
        var accounts = new Account[n];
        var ids = new UInt128[n];
        for (int i = 0; i < n; i++)
        {
            ids[i] = NextId();
            accounts[i] = new Account { Id = ids[i], Ledger = RawLedger, Code = RawCode };
            _rawAccounts.Add(ids[i]);
        }
        return new SimulatedRequest("accounts", Operation.CreateAccounts, CommandBatch.Encode<Account>(Operation.CreateAccounts, accounts), ids, new long[n]);
    }

    private SimulatedRequest CreateTransfers(ref Xoshiro256 random)
    {
        int n = 1 + random.NextInt(4);
        var transfers = new Transfer[n];
        var ids = new UInt128[n];
        var amounts = new long[n];
        for (int i = 0; i < n; i++)
        {
            int debit = random.NextInt(_rawAccounts.Count);
            int credit = random.NextInt(_rawAccounts.Count - 1);
            if (credit >= debit) credit++;
            ids[i] = NextId();
            amounts[i] = 1 + random.NextInt(10_000);
            bool pending = random.NextInt(5) == 0;
            transfers[i] = new Transfer
            {
                Id = ids[i], DebitAccountId = _rawAccounts[debit], CreditAccountId = _rawAccounts[credit], Amount = amounts[i],
                Ledger = RawLedger, Code = RawCode, Flags = pending ? TransferFlags.Pending : TransferFlags.None,
                TimeoutSeconds = pending && random.NextInt(2) == 0 ? (uint)(1 + random.NextInt(30)) : 0,
            };
            if (pending) _pendingTransfers.Add(ids[i]);
        }
        return new SimulatedRequest("transfers", Operation.CreateTransfers, CommandBatch.Encode<Transfer>(Operation.CreateTransfers, transfers), ids, amounts);
    }

    private SimulatedRequest ResolvePending(ref Xoshiro256 random)
    {
        int k = random.NextInt(_pendingTransfers.Count);
        UInt128 pending = _pendingTransfers[k];
        _pendingTransfers.RemoveAt(k);
        UInt128 id = NextId();
        var t = new Transfer
        {
            Id = id, PendingId = pending, Ledger = RawLedger, Code = RawCode,
            Flags = random.NextInt(2) == 0 ? TransferFlags.PostPendingTransfer : TransferFlags.VoidPendingTransfer,
        };
        return new SimulatedRequest("resolve", Operation.CreateTransfers, CommandBatch.Encode<Transfer>(Operation.CreateTransfers, [t]), [id], [0]);
    }

    private SimulatedRequest MoveLiquidity(ref Xoshiro256 random)
    {
        UInt128 id = NextId();
        long amount = 1_000 + random.NextInt(100_000);
        var move = new Corridor.Core.Settlement.MoveLiquidity(id, FirstParticipant + (ulong)random.NextInt(_participants), _ledgers[random.NextInt(_ledgers.Length)],
            amount, random.NextInt(5) == 0 ? LiquidityDirection.Withdraw : LiquidityDirection.Inject);
        return new SimulatedRequest("liquidity", Operation.MoveLiquidity, SettlementCodec.EncodeCommand(move), [id], [amount]);
    }

    private SimulatedRequest SubmitPayments(ref Xoshiro256 random)
    {
        int n = 1 + random.NextInt(3);
        var payments = new SubmitPayment[n];
        var ids = new UInt128[n];
        var amounts = new long[n];
        for (int i = 0; i < n; i++)
        {
            int payer = random.NextInt(_participants);
            int payee = random.NextInt(_participants - 1);
            if (payee >= payer) payee++;
            ids[i] = NextId();
            amounts[i] = 100 + random.NextInt(50_000);
            payments[i] = new SubmitPayment(ids[i], FirstParticipant + (ulong)payer, FirstParticipant + (ulong)payee, _ledgers[random.NextInt(_ledgers.Length)],
                amounts[i], (PaymentPriority)random.NextInt(3), PaymentKind.Interbank, 0, 0, 0);
        }
        return new SimulatedRequest("payments", Operation.SubmitPayment, SettlementCodec.EncodeCommand<SubmitPayment>(payments), ids, amounts);
    }

    private static SimulatedRequest Single(string kind, Operation operation, byte[] command) => new(kind, operation, command, [], []);

    private UInt128 NextId() => _nextId++;

    internal static byte[] Concat(List<byte[]> parts)
    {
        int total = 0;
        foreach (byte[] p in parts) total += p.Length;
        var body = new byte[total];
        int at = 0;
        foreach (byte[] p in parts) { p.CopyTo(body, at); at += p.Length; }
        return body;
    }

    /// <summary>Whether an acknowledged, Ok item of <paramref name="request"/> is in <paramref name="engine"/> as it was created; null when it is, else what is wrong.</summary>
    public static string? FindItem(Engine engine, SimulatedRequest request, int item)
    {
        UInt128 id = request.ItemIds[item];
        switch (request.Operation)
        {
            case Operation.CreateAccounts:
                return engine.Ledger.TryGetAccount(id, out _) ? null : $"account {id} is missing";
            case Operation.CreateTransfers:
                if (!engine.Ledger.TryGetTransfer(id, out Transfer t, out _)) return $"transfer {id} is missing";
                return request.Amounts[item] == 0 || t.Amount == request.Amounts[item] ? null : $"transfer {id} has amount {t.Amount}, created with {request.Amounts[item]}";
            case Operation.SubmitPayment:
                PaymentInfo? p = engine.Settlement.GetPayment(id);
                if (p is null) return $"payment {id} is missing";
                return p.AmountMinor == request.Amounts[item] ? null : $"payment {id} has amount {p.AmountMinor}, submitted with {request.Amounts[item]}";
            default:
                return null; // liquidity moves and LSM runs are covered by the state hash
        }
    }

    /// <summary>Null when debits equal credits (posted and pending) in every ledger, else the first ledger that does not balance.</summary>
    public static string? CheckBalances(Engine engine)
    {
        var sums = new SortedDictionary<uint, (long DebitsPosted, long CreditsPosted, long DebitsPending, long CreditsPending)>();
        foreach (Account a in engine.Ledger.Accounts())
        {
            sums.TryGetValue(a.Ledger, out var s);
            sums[a.Ledger] = (s.DebitsPosted + a.DebitsPosted, s.CreditsPosted + a.CreditsPosted, s.DebitsPending + a.DebitsPending, s.CreditsPending + a.CreditsPending);
        }
        foreach (var (ledger, s) in sums)
        {
            if (s.DebitsPosted != s.CreditsPosted || s.DebitsPending != s.CreditsPending)
                return $"ledger {ledger} does not balance: debits posted {s.DebitsPosted}, credits posted {s.CreditsPosted}, debits pending {s.DebitsPending}, credits pending {s.CreditsPending}";
        }
        return null;
    }

    /// <summary>
    /// Null when the answer a request got is the engine's reply to its command (the same operation, count and errors); else
    /// how they differ. The simulators compare each acknowledged request's answer with a reference engine's reply.
    /// </summary>
    internal static string? WrongAnswer(CommandReply got, CommandReply expected)
    {
        if (got.Operation == expected.Operation && got.Count == expected.Count && got.Errors.AsSpan().SequenceEqual(expected.Errors)) return null;
        static string Show(CommandReply c) => $"{c.Operation}×{c.Count} with {c.Errors.Length} errors [{string.Join(", ", c.Errors.Take(3).Select(e => $"{e.Index}:{e.Code}"))}]";
        return $"{Show(got)}, but the engine's reply to its command is {Show(expected)}";
    }
}
