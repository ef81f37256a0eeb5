using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Ledger;
using Corridor.Core.Settlement;
using Corridor.Core.Tests.Settlement;
using ExchangeStatus = Corridor.Core.Exchange.PaymentStatus;
using SettlementStatus = Corridor.Core.Settlement.PaymentStatus;

namespace Corridor.Core.Tests.Exchange;

/// <summary>
/// One payment path: the payer leg of a PvP payment between settlement accounts enters RTGS like any payment
/// (<see cref="SettlementOptions.PvpThroughRtgs"/>, Settlement/SettlementState.Pvp.cs): it waits in the payer's queue without
/// liquidity or behind queued urgent and high payments, settles with the provider's leg when covered, and fails — voiding
/// the provider's reservation — when revoked, rejected at a cut-off, or when its lock expires first.
/// World: USD (ledger 840) and KES (404) under central bank 1; the payer pays USD, the FX provider receives USD and pays
/// KES to the payee at 129.35 KES per USD.
/// </summary>
public sealed class PvpThroughRtgsTests
{
    private const uint Usd = 840, Kes = 404;
    private const ulong Cb = 1, Payer = 11, Payee = 12, Fx = 13, Other = 14;
    private const ulong Second = 1_000_000_000;
    private static readonly UInt128 Quote = 0xF0;

    private static UInt128 Account(ulong participant, uint ledger) => ((UInt128)ledger << 32) | participant;

    private static SettlementHarness World(long payerUsd)
    {
        var h = new SettlementHarness();
        var commands = new List<byte[]>
        {
            SettlementHarness.Cmd(new SetSettlementOptions(SettlementOptions.Current)),
            SettlementHarness.Cmd(new RegisterParticipant(Cb, ParticipantRole.CentralBank, "Central Bank")),
            SettlementHarness.Cmd(new RegisterLedger(Usd, Cb, 9001, 9002, "USD")),
            SettlementHarness.Cmd(new RegisterLedger(Kes, Cb, 9003, 9004, "KES")),
        };
        foreach (ulong p in new[] { Payer, Payee, Fx, Other })
            commands.Add(SettlementHarness.Cmd(new RegisterParticipant(p, ParticipantRole.DirectParticipant, "Bank " + p)));
        foreach ((ulong p, uint l) in new[] { (Payer, Usd), (Other, Usd), (Fx, Usd), (Fx, Kes), (Payee, Kes) })
            commands.Add(SettlementHarness.Cmd(new OpenSettlementAccount(p, l, Account(p, l))));
        commands.Add(SettlementHarness.Cmd(new OpenBusinessDay(20261205)));
        commands.Add(SettlementHarness.Cmd(new MoveLiquidity(0x7001, Fx, Kes, 50_000_000_00, LiquidityDirection.Inject)));
        if (payerUsd > 0) commands.Add(SettlementHarness.Cmd(new MoveLiquidity(0x7002, Payer, Usd, payerUsd, LiquidityDirection.Inject)));
        foreach (CommandReply r in h.Batch(commands.ToArray())) Assert.True(r.AllOk, $"{r.Operation}: {string.Join(",", r.Errors)}");
        var quote = new PublishQuote(Quote, Fx, "USD", "KES", new FxRate(12935, 100), 100, 1_000_000_00, 0, h.Time + 3600 * Second,
            Account(Fx, Usd), Account(Fx, Kes), 600);
        Assert.Empty(h.Batch(ExchangeCommands.Encode(Operation.PublishQuote, quote))[0].Errors);
        return h;
    }

    /// <summary>Locks <paramref name="usdMinor"/> for <paramref name="lockSeconds"/> and pays against it; the payment's answer.</summary>
    private static PayResult PayUsd(SettlementHarness h, UInt128 paymentId, long usdMinor, uint lockSeconds = 60)
    {
        UInt128 lockId = paymentId + 0x1000;
        var l = new LockQuote(lockId, Quote, Payer, Account(Payer, Usd), Account(Payee, Kes), usdMinor, AmountSide.Source, lockSeconds);
        Assert.Empty(h.Batch(ExchangeCommands.Encode(Operation.LockQuote, l))[0].Errors);
        CommandReply reply = h.Batch(ExchangeCommands.Encode(Operation.PayAgainstLock, ExchangeFixture.Payment(paymentId, lockId) with { Payer = Payer }))[0];
        return reply.Errors.Length == 0 ? PayResult.Ok : (PayResult)reply.Errors[0].Code;
    }

    private static void Fund(SettlementHarness h, UInt128 transferId, ulong participant, uint ledger, long amount) =>
        Assert.True(h.Batch(SettlementHarness.Cmd(new MoveLiquidity(transferId, participant, ledger, amount, LiquidityDirection.Inject)))[0].AllOk);

    private static Corridor.Core.Exchange.PaymentRecord PvpOf(SettlementHarness h, UInt128 id) =>
        h.Engine.Exchange.TryGetPayment(id, out var p) ? p : throw new InvalidOperationException($"no PvP payment {id}");

    private static Account Ledger(SettlementHarness h, ulong participant, uint ledger) =>
        h.Engine.Ledger.TryGetAccount(Account(participant, ledger), out Account a) ? a : throw new InvalidOperationException("no account");

    private static List<UInt128> QueueOf(SettlementHarness h, ulong participant, uint ledger) =>
        h.Engine.Settlement.GetQueue(participant, ledger).Select(p => p.Id).ToList();

    /// <summary>Replay of the journal and a snapshot round trip reach the same state; the ledger's invariants hold.</summary>
    private static void AssertDeterministic(SettlementHarness h)
    {
        SettlementHarness.AssertLedgerInvariants(h.Engine.Ledger);
        Assert.Equal(h.Engine.StateHashHex(), h.ReplayHash());
        var stream = new MemoryStream();
        h.Engine.WriteSnapshot(stream);
        stream.Position = 0;
        Assert.Equal(h.Engine.StateHashHex(), Corridor.Core.Engine.Engine.ReadSnapshot(stream).StateHashHex());
    }

    [Fact]
    public void A_payer_without_liquidity_waits_in_its_queue_and_both_legs_settle_when_funds_arrive()
    {
        SettlementHarness h = World(payerUsd: 50_00);
        Assert.Equal(PayResult.Queued, PayUsd(h, 0x51, 100_00));
        Assert.Equal(ExchangeStatus.Queued, PvpOf(h, 0x51).Status);
        Assert.Equal([(UInt128)0x51], QueueOf(h, Payer, Usd));
        PaymentInfo leg = h.Engine.Settlement.GetPayment(0x51)!;
        Assert.True(leg.IsPvpLeg);
        Assert.Equal((Fx, 100_00L, SettlementStatus.Queued), (leg.Payee, leg.AmountMinor, leg.Status));
        // Nothing moved; the provider's KES stay reserved for the payee.
        Assert.Equal(0, Ledger(h, Payer, Usd).DebitsPosted);
        Assert.Equal(12_935_00, Ledger(h, Fx, Kes).DebitsPending);
        Assert.Equal(0, Ledger(h, Payee, Kes).CreditsPosted);
        DayStatus queued = h.Engine.GetDayStatus();
        Assert.Equal((1, 0, 1, 1), (queued.Submitted, queued.Settled, queued.Queued, queued.CrossCurrency)); // counted once, as the PvP payment

        Fund(h, 0x7003, Payer, Usd, 50_00); // liquidity arrives: RTGS re-tries the queue, both legs settle together
        Corridor.Core.Exchange.PaymentRecord settled = PvpOf(h, 0x51);
        Assert.Equal((ExchangeStatus.Settled, PayResult.Ok), (settled.Status, settled.Result));
        Assert.Equal(SettlementStatus.Settled, h.Engine.Settlement.GetPayment(0x51)!.Status);
        Assert.Empty(QueueOf(h, Payer, Usd));
        Assert.Equal(100_00, Ledger(h, Payer, Usd).DebitsPosted);
        Assert.Equal(100_00, Ledger(h, Fx, Usd).CreditsPosted);
        Assert.Equal(12_935_00, Ledger(h, Payee, Kes).CreditsPosted);
        Assert.Equal(0, Ledger(h, Fx, Kes).DebitsPending);
        Assert.Equal(100_00, h.Engine.Settlement.GetSettlementAccount(Payer, Usd)!.NetSentTodayMinor); // the day's sent total counts it
        DayStatus day = h.Engine.GetDayStatus();
        Assert.Equal((1, 1, 0), (day.Submitted, day.Settled, day.Queued));
        AssertDeterministic(h);
    }

    [Fact]
    public void A_covered_PvP_payment_waits_behind_the_payers_queued_urgent_payment_and_settles_after_it()
    {
        SettlementHarness h = World(payerUsd: 100_00);
        Assert.Equal((SettlementResult.Ok, SettlementStatus.Queued),
            Pay(h, new SubmitPayment(0x41, Payer, Other, Usd, 500_00, PaymentPriority.Urgent, PaymentKind.Customer, 0, 0, 0)));
        Assert.Equal(PayResult.Queued, PayUsd(h, 0x52, 50_00)); // covered, but an urgent payment waits ahead of it
        Assert.Equal([(UInt128)0x41, 0x52], QueueOf(h, Payer, Usd));

        Fund(h, 0x7003, Payer, Usd, 450_00); // 550.00: the urgent 500.00 first, then the PvP 50.00
        Assert.Equal(SettlementStatus.Settled, h.Engine.Settlement.GetPayment(0x41)!.Status);
        Assert.Equal(ExchangeStatus.Settled, PvpOf(h, 0x52).Status);
        Assert.Equal(0, Ledger(h, Payer, Usd).BalancePosted);
        AssertDeterministic(h);
    }

    [Fact]
    public void Revoking_a_queued_PvP_payment_fails_it_and_voids_the_providers_reservation()
    {
        SettlementHarness h = World(payerUsd: 0);
        Assert.Equal(PayResult.Queued, PayUsd(h, 0x53, 100_00));
        Assert.Equal(SettlementResult.Ok, h.Code(new ManageQueuedPayment(Payer, 0x53, QueueAction.Revoke, PaymentPriority.Normal, 0)));
        Corridor.Core.Exchange.PaymentRecord p = PvpOf(h, 0x53);
        Assert.Equal((ExchangeStatus.Failed, PayResult.RevokedByPayer), (p.Status, p.Result));
        Assert.Equal(SettlementStatus.Revoked, h.Engine.Settlement.GetPayment(0x53)!.Status);
        Assert.Equal(0, Ledger(h, Fx, Kes).DebitsPending); // the provider's liquidity is free again
        Assert.True(h.Engine.Exchange.TryGetLock(0x53 + 0x1000, out LockRecord l) && l.Status == LockStatus.Released);

        Fund(h, 0x7003, Payer, Usd, 1_000_00); // nothing is left to settle
        Assert.Equal(0, Ledger(h, Payer, Usd).DebitsPosted);
        AssertDeterministic(h);
    }

    [Fact]
    public void A_queued_PvP_payment_fails_when_its_lock_expires_before_the_payer_is_covered()
    {
        SettlementHarness h = World(payerUsd: 0);
        Assert.Equal(PayResult.Queued, PayUsd(h, 0x54, 100_00, lockSeconds: 30));
        h.BatchAt(h.Time + 31 * Second); // engine time passes the lock: the ledger voids the reservation, RTGS drops the leg
        Corridor.Core.Exchange.PaymentRecord p = PvpOf(h, 0x54);
        Assert.Equal((ExchangeStatus.Failed, PayResult.LockExpired), (p.Status, p.Result));
        PaymentInfo leg = h.Engine.Settlement.GetPayment(0x54)!;
        Assert.Equal((SettlementStatus.Rejected, SettlementResult.PvpLockExpired), (leg.Status, leg.Reason));
        Assert.Empty(QueueOf(h, Payer, Usd));
        Assert.Equal(0, Ledger(h, Fx, Kes).DebitsPending);

        Fund(h, 0x7003, Payer, Usd, 1_000_00);
        Assert.Equal(0, Ledger(h, Payer, Usd).DebitsPosted);
        AssertDeterministic(h);
    }

    [Fact]
    public void The_customer_cutoff_rejects_a_queued_PvP_payment_as_it_rejects_queued_customer_payments()
    {
        SettlementHarness h = World(payerUsd: 0);
        Assert.Equal(PayResult.Queued, PayUsd(h, 0x55, 100_00));
        Assert.Equal(SettlementResult.Ok, h.Code(new ChangeDayPhase(DayPhase.CustomerCutoff)));
        Corridor.Core.Exchange.PaymentRecord p = PvpOf(h, 0x55);
        Assert.Equal((ExchangeStatus.Failed, PayResult.AfterCustomerCutoff), (p.Status, p.Result));
        Assert.Equal(0, Ledger(h, Fx, Kes).DebitsPending);
        DayStatus day = h.Engine.GetDayStatus();
        Assert.Equal((1, 0, 1), (day.Submitted, day.Queued + day.Settled, day.Rejected));
        AssertDeterministic(h);
    }

    [Fact]
    public void A_same_currency_payment_cannot_take_the_id_of_a_PvP_payment_nor_the_reverse()
    {
        SettlementHarness h = World(payerUsd: 1_000_00);
        Assert.Equal(PayResult.Ok, PayUsd(h, 0x56, 100_00));
        Assert.Equal(SettlementResult.PaymentExistsWithDifferentContent,
            Pay(h, new SubmitPayment(0x56, Payer, Other, Usd, 100_00, PaymentPriority.Normal, PaymentKind.Customer, 0, 0, 0)).Result);
        Assert.Equal((SettlementResult.Ok, SettlementStatus.Settled),
            Pay(h, new SubmitPayment(0x57, Payer, Other, Usd, 10_00, PaymentPriority.Normal, PaymentKind.Customer, 0, 0, 0)));
        Assert.Equal(PayResult.IdReusedWithDifferentContent, PayUsd(h, 0x57, 100_00));
        AssertDeterministic(h);
    }

    [Fact]
    public void Before_the_rule_a_PvP_payment_without_liquidity_fails_at_once_as_old_journals_recorded()
    {
        SettlementHarness h = World(payerUsd: 50_00);
        // An old journal: the options as they were before PvP went through RTGS (the one-way bit never set).
        var old = new SettlementHarness();
        foreach ((long _, ulong time, byte[] body) in h.Journal)
            old.BatchAt(time, body.AsSpan().SequenceEqual(h.Journal[0].Body) ? Without(body) : body);
        Assert.Equal(SettlementOptions.Current & ~SettlementOptions.PvpThroughRtgs, old.Engine.Settlement.Options);
        Assert.Equal(PayResult.PayerInsufficientFunds, PayUsd(old, 0x58, 100_00));
        Assert.Empty(QueueOf(old, Payer, Usd));
        Assert.Equal(old.Engine.StateHashHex(), old.ReplayHash());
    }

    /// <summary>The first batch of <see cref="World"/> with the options command rewritten without PvpThroughRtgs.</summary>
    private static byte[] Without(byte[] firstBatch)
    {
        byte[] options = SettlementHarness.Cmd(new SetSettlementOptions(SettlementOptions.Current));
        byte[] older = SettlementHarness.Cmd(new SetSettlementOptions(SettlementOptions.Current & ~SettlementOptions.PvpThroughRtgs));
        Assert.True(firstBatch.AsSpan(0, options.Length).SequenceEqual(options));
        return [.. older, .. firstBatch.AsSpan(options.Length)];
    }

    private static (SettlementResult Result, SettlementStatus Status) Pay(SettlementHarness h, SubmitPayment payment)
    {
        CommandReply reply = h.One(payment);
        return (SettlementHarness.CodeOf(reply), ((PaymentOutcome[])reply.Data!)[0].Status);
    }
}
