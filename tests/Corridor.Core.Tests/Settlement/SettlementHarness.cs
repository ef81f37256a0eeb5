using CoreEngine = Corridor.Core.Engine.Engine;
using Corridor.Core.Engine;
using Corridor.Core.Ledger;
using Corridor.Core.Settlement;

namespace Corridor.Core.Tests.Settlement;

/// <summary>Drives a real engine with settlement commands, one journaled batch per call, and keeps the journal for replay.</summary>
internal sealed class SettlementHarness
{
    public const uint Eur = 1;
    public const ulong CentralBank = 1;
    public const ulong Operator = 2;
    public const ulong A = 11, B = 12, C = 13, D = 14;
    public const ulong StepNs = 1_000_000;

    public CoreEngine Engine { get; } = new();
    public List<(long Sequence, ulong Time, byte[] Body)> Journal { get; } = new();
    public long Sequence { get; private set; }
    public ulong Time { get; private set; } = 1_000_000_000_000;

    public static UInt128 AccountOf(ulong participant) => 100 + participant;

    /// <summary>Central bank 1, operator 2, ledger 1 and direct participants with an account each; day 20260102 open.</summary>
    public static SettlementHarness Standard(SettlementOptions options = SettlementOptions.All | SettlementOptions.CreditRepaidAtEndOfDay | SettlementOptions.RetryOnReleasedLiquidity, bool openDay = true, params ulong[] participants)
    {
        if (participants.Length == 0) participants = [A, B, C, D];
        var h = new SettlementHarness();
        var commands = new List<byte[]>
        {
            Cmd(new SetSettlementOptions(options)),
            Cmd(new RegisterParticipant(CentralBank, ParticipantRole.CentralBank, "Central Bank")),
            Cmd(new RegisterParticipant(Operator, ParticipantRole.Operator, "Operator")),
            Cmd(new RegisterLedger(Eur, CentralBank, 1, 2, "EUR")),
        };
        foreach (ulong p in participants)
        {
            commands.Add(Cmd(new RegisterParticipant(p, ParticipantRole.DirectParticipant, "Bank " + p)));
            commands.Add(Cmd(new OpenSettlementAccount(p, Eur, AccountOf(p))));
        }
        if (openDay) commands.Add(Cmd(new OpenBusinessDay(20260102)));
        foreach (CommandReply r in h.Batch(commands.ToArray())) Assert.True(r.AllOk, $"{r.Operation}: {string.Join(",", r.Errors)}");
        return h;
    }

    /// <summary>One command; a customer payment goes as operation 116 with travel-rule-complete parties (customer payments without them are rejected).</summary>
    public static byte[] Cmd<T>(T item) where T : ISettlementCommand<T> =>
        item is SubmitPayment { Kind: PaymentKind.Customer } p
            ? SubmitPaymentWithDetails.EncodeCommand(new SubmitPaymentWithDetails(p, TestParties.CustomerDetails(p.Payer, p.Payee)))
            : SettlementCodec.EncodeCommand(item);

    public List<CommandReply> Batch(params byte[][] commands) => BatchAt(Time + StepNs, commands);

    public List<CommandReply> BatchAt(ulong time, params byte[][] commands)
    {
        int total = 0;
        foreach (byte[] c in commands) total += c.Length;
        var body = new byte[total];
        int at = 0;
        foreach (byte[] c in commands) { c.CopyTo(body, at); at += c.Length; }
        Time = Math.Max(time, Time + 1);
        var replies = new List<CommandReply>();
        Engine.Apply(++Sequence, Time, body, replies);
        Journal.Add((Sequence, Time, body));
        return replies;
    }

    public CommandReply One<T>(T item) where T : ISettlementCommand<T> => Batch(Cmd(item))[0];

    /// <summary>The single item's result code (Ok when the reply lists no error).</summary>
    public SettlementResult Code<T>(T item) where T : ISettlementCommand<T> => CodeOf(One(item));

    public static SettlementResult CodeOf(CommandReply reply) => reply.Errors.Length == 0 ? SettlementResult.Ok : (SettlementResult)reply.Errors[0].Code;

    private ulong _nextTransfer = 5_000_000;

    public void Fund(ulong participant, long amount) =>
        Assert.Equal(SettlementResult.Ok, Code(new MoveLiquidity(_nextTransfer++, participant, Eur, amount, LiquidityDirection.Inject)));

    public static SubmitPayment Payment(UInt128 id, ulong payer, ulong payee, long amount, PaymentPriority priority = PaymentPriority.Normal,
        PaymentKind kind = PaymentKind.Customer, ulong earliest = 0, ulong latest = 0, ulong window = 0) =>
        new(id, payer, payee, Eur, amount, priority, kind, earliest, latest, window);

    /// <summary>Submits one payment; returns its result code and status.</summary>
    public (SettlementResult Result, PaymentStatus Status) Pay(UInt128 id, ulong payer, ulong payee, long amount,
        PaymentPriority priority = PaymentPriority.Normal, PaymentKind kind = PaymentKind.Customer, ulong earliest = 0, ulong latest = 0, ulong window = 0)
    {
        CommandReply reply = One(Payment(id, payer, payee, amount, priority, kind, earliest, latest, window));
        var outcomes = (PaymentOutcome[])reply.Data!;
        return (CodeOf(reply), outcomes[0].Status);
    }

    public long Balance(ulong participant) => Engine.Settlement.GetSettlementAccount(participant, Eur)!.BalanceMinor;

    public PaymentInfo PaymentInfo(UInt128 id) => Engine.Settlement.GetPayment(id)!;

    public PaymentStatus StatusOf(UInt128 id) => PaymentInfo(id).Status;

    public List<UInt128> QueueOf(ulong participant)
    {
        var ids = new List<UInt128>();
        foreach (PaymentInfo p in Engine.Settlement.GetQueue(participant, Eur)) ids.Add(p.Id);
        return ids;
    }

    /// <summary>Replays the journal into a fresh engine and returns its state hash.</summary>
    public string ReplayHash()
    {
        var fresh = new CoreEngine();
        foreach ((long seq, ulong time, byte[] body) in Journal) fresh.Apply(seq, time, body, null);
        return fresh.StateHashHex();
    }

    /// <summary>Eur invariants the settlement engine must keep: per ledger Σ debits = Σ credits and no settlement account below 0.</summary>
    public static void AssertLedgerInvariants(LedgerState ledger)
    {
        var debits = new Dictionary<uint, Int128>();
        var credits = new Dictionary<uint, Int128>();
        foreach (Account a in ledger.Accounts())
        {
            debits[a.Ledger] = debits.GetValueOrDefault(a.Ledger) + a.DebitsPosted;
            credits[a.Ledger] = credits.GetValueOrDefault(a.Ledger) + a.CreditsPosted;
            if ((a.Flags & AccountFlags.DebitsMustNotExceedCredits) != 0)
                Assert.True(a.DebitsPosted + a.DebitsPending <= a.CreditsPosted, $"account {a.Id} below its floor");
            if (a.Code == SettlementAccountCode.Clearing) Assert.Equal(0, a.BalancePosted);
        }
        foreach (uint l in debits.Keys) Assert.Equal(debits[l], credits[l]);
    }
}
