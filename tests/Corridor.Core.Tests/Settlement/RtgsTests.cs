using Corridor.Core.Engine;
using Corridor.Core.Ledger;
using Corridor.Core.Settlement;
using static Corridor.Core.Tests.Settlement.SettlementHarness;

namespace Corridor.Core.Tests.Settlement;

public class RtgsTests
{
    [Fact]
    public void Covered_payment_settles_at_once_gross()
    {
        SettlementHarness h = Standard();
        h.Fund(A, 1_000);
        Assert.Equal((SettlementResult.Ok, PaymentStatus.Settled), h.Pay(1, A, B, 300));
        Assert.Equal(700, h.Balance(A));
        Assert.Equal(300, h.Balance(B));
        PaymentInfo p = h.PaymentInfo(1);
        Assert.Equal(20260102u, p.BusinessDate);
        Assert.Equal(SettlementResult.Ok, p.Reason);
        AssertLedgerInvariants(h.Engine.Ledger);
    }

    [Fact]
    public void Uncovered_payment_queues_and_settles_when_liquidity_arrives()
    {
        SettlementHarness h = Standard(SettlementOptions.None);
        Assert.Equal((SettlementResult.Ok, PaymentStatus.Queued), h.Pay(1, A, B, 300));
        Assert.Equal([(UInt128)1], h.QueueOf(A));
        Assert.Equal(300, h.Engine.Settlement.GetSettlementAccount(A, Eur)!.QueuedMinor);
        h.Fund(A, 299);
        Assert.Equal(PaymentStatus.Queued, h.StatusOf(1));
        h.Fund(A, 1);
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(1));
        Assert.Empty(h.QueueOf(A));
        Assert.Equal(0, h.Engine.Settlement.QueuedCount);
    }

    [Fact]
    public void Incoming_payment_releases_the_payees_queue_in_a_chain()
    {
        SettlementHarness h = Standard(SettlementOptions.None);
        h.Pay(1, B, C, 100);
        h.Pay(2, C, D, 100);
        Assert.Equal(PaymentStatus.Queued, h.StatusOf(1));
        Assert.Equal(PaymentStatus.Queued, h.StatusOf(2));
        h.Fund(A, 100);
        Assert.Equal(PaymentStatus.Settled, h.Pay(3, A, B, 100).Status);
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(1));
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(2));
        Assert.Equal(100, h.Balance(D));
    }

    [Fact]
    public void Ledger_transfer_crediting_a_settlement_account_retries_its_queue()
    {
        SettlementHarness h = Standard(SettlementOptions.None);
        h.Pay(1, A, B, 50);
        var t = new Transfer { Id = 42, DebitAccountId = 1, CreditAccountId = AccountOf(A), Amount = 50, Ledger = Eur, Code = 99 };
        h.Batch(CommandBatch.Encode(Operation.CreateTransfers, new[] { t }.AsSpan()));
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(1));
    }

    [Fact]
    public void Idempotent_resubmission_returns_the_original_result()
    {
        SettlementHarness h = Standard(SettlementOptions.None);
        Assert.Equal(PaymentStatus.Queued, h.Pay(1, A, B, 300).Status);
        h.Fund(A, 300);
        Assert.Equal((SettlementResult.Ok, PaymentStatus.Settled), h.Pay(1, A, B, 300));
        Assert.Equal(300, h.Balance(B)); // not paid twice
        Assert.Equal(SettlementResult.PaymentExistsWithDifferentContent, h.Pay(1, A, B, 301).Result);
        Assert.Equal(SettlementResult.PaymentExistsWithDifferentContent, h.Pay(1, A, C, 300).Result);

        Assert.Equal(SettlementResult.PayeeNotFound, h.Pay(2, A, 999, 1).Result);
        Assert.Equal((SettlementResult.PayeeNotFound, PaymentStatus.Rejected), h.Pay(2, A, 999, 1));
        Assert.Equal(SettlementResult.PaymentExistsWithDifferentContent, h.Pay(2, A, B, 1).Result);
    }

    [Fact]
    public void Payment_entry_result_codes()
    {
        SettlementHarness h = Standard();
        Assert.Equal(SettlementResult.PaymentIdInvalid, h.Pay(0, A, B, 1).Result);
        Assert.Equal(SettlementResult.PaymentIdInvalid, h.Pay(UInt128.MaxValue, A, B, 1).Result);
        Assert.Equal(SettlementResult.AmountMustBePositive, h.Pay(10, A, B, 0).Result);
        Assert.Equal(SettlementResult.AmountTooLarge, h.Pay(11, A, B, SettlementState.MaxAmountMinor + 1).Result);
        Assert.Equal(SettlementResult.InvalidPriority, h.Pay(12, A, B, 1, (PaymentPriority)3).Result);
        Assert.Equal(SettlementResult.InvalidKind, h.Pay(13, A, B, 1, kind: (PaymentKind)0).Result);
        Assert.Equal(SettlementResult.PayerEqualsPayee, h.Pay(14, A, A, 1).Result);
        Assert.Equal(SettlementResult.PayerNotFound, h.Pay(15, 999, A, 1).Result);
        Assert.Equal(SettlementResult.PayeeNotFound, h.Pay(16, A, 999, 1).Result);
        h.Code(new RegisterParticipant(60, ParticipantRole.DirectParticipant, "no account"));
        Assert.Equal(SettlementResult.PayerHasNoAccountInLedger, h.Pay(17, 60, A, 1).Result);
        Assert.Equal(SettlementResult.PayeeHasNoAccountInLedger, h.Pay(18, A, 60, 1).Result);
        Assert.Equal(SettlementResult.LedgerNotRegistered, CodeOf(h.One(new SubmitPayment(19, A, B, 7, 1, PaymentPriority.Normal, PaymentKind.Customer, 0, 0, 0))));
        Assert.Equal(SettlementResult.LedgerMustNotBeZero, CodeOf(h.One(new SubmitPayment(20, A, B, 0, 1, PaymentPriority.Normal, PaymentKind.Customer, 0, 0, 0))));
        Assert.Equal(SettlementResult.InvalidTimeWindow, h.Pay(21, A, B, 1, earliest: h.Time + 10 * StepNs, latest: h.Time + 5 * StepNs).Result);
        Assert.Equal(SettlementResult.LatestTimePassed, h.Pay(22, A, B, 1, latest: 5).Result);
        Assert.Equal(SettlementResult.WindowNotFound, h.Pay(23, A, B, 1, window: 77).Result);
        Assert.Equal(PaymentStatus.Rejected, h.StatusOf(23));
    }

    [Fact]
    public void Urgent_head_blocks_high_and_normal_and_high_is_strict_fifo()
    {
        SettlementHarness h = Standard(SettlementOptions.None);
        h.Fund(A, 100);
        Assert.Equal(PaymentStatus.Queued, h.Pay(1, A, B, 500, PaymentPriority.Urgent).Status);
        // Covered on its own, but an urgent payment waits: high and normal may not overtake it.
        Assert.Equal(PaymentStatus.Queued, h.Pay(2, A, B, 10, PaymentPriority.High).Status);
        Assert.Equal(PaymentStatus.Queued, h.Pay(3, A, B, 10, PaymentPriority.Normal).Status);
        Assert.Equal([(UInt128)1, 2, 3], h.QueueOf(A));
        Assert.Equal(SettlementResult.Ok, h.Code(new ManageQueuedPayment(A, 1, QueueAction.Revoke, 0, 0)));
        Assert.Equal(PaymentStatus.Revoked, h.StatusOf(1));
        Assert.Equal(SettlementResult.RevokedByPayer, h.PaymentInfo(1).Reason);
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(2));
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(3));

        // High: a covered high payment behind an uncovered high head waits (no bypass).
        Assert.Equal(PaymentStatus.Queued, h.Pay(4, A, B, 1_000, PaymentPriority.High).Status);
        Assert.Equal(PaymentStatus.Queued, h.Pay(5, A, B, 1, PaymentPriority.High).Status);
    }

    [Fact]
    public void Normal_payments_bypass_an_uncovered_normal_head()
    {
        SettlementHarness h = Standard(SettlementOptions.None);
        h.Fund(A, 100);
        Assert.Equal(PaymentStatus.Queued, h.Pay(1, A, B, 500).Status);
        Assert.Equal(PaymentStatus.Settled, h.Pay(2, A, B, 60).Status);
        Assert.Equal(PaymentStatus.Queued, h.Pay(3, A, C, 60).Status);
        h.Fund(A, 20);
        // Re-try: 500 still uncovered and skipped, 60 settles behind it.
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(3));
        Assert.Equal(PaymentStatus.Queued, h.StatusOf(1));
    }

    [Fact]
    public void Reservations_keep_liquidity_for_urgent_and_high_payments()
    {
        SettlementHarness h = Standard(SettlementOptions.None);
        h.Fund(A, 1_000);
        Assert.Equal(SettlementResult.Ok, h.Code(new SetReservation(A, Eur, 300, 200)));
        Assert.Equal(PaymentStatus.Queued, h.Pay(1, A, B, 501).Status);     // normal sees 500
        Assert.Equal(PaymentStatus.Queued, h.Pay(2, A, B, 701, PaymentPriority.High).Status); // high sees 700
        Assert.Equal(SettlementResult.Ok, h.Code(new ManageQueuedPayment(A, 2, QueueAction.ChangePriority, PaymentPriority.Urgent, 0)));
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(2)); // urgent sees all 1,000
        Assert.Equal(PaymentStatus.Queued, h.StatusOf(1));
        Assert.Equal(SettlementResult.Ok, h.Code(new SetReservation(A, Eur, 0, 0)));
        Assert.Equal(PaymentStatus.Queued, h.StatusOf(1)); // 299 left, still short
        h.Fund(A, 202);
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(1));
    }

    [Fact]
    public void Bilateral_limit_caps_net_debit_towards_one_counterparty_net_of_receipts()
    {
        SettlementHarness h = Standard(SettlementOptions.None);
        h.Fund(A, 1_000);
        h.Fund(B, 1_000);
        h.Code(new SetSendingLimit(A, Eur, B, 100));
        Assert.Equal(PaymentStatus.Settled, h.Pay(1, A, B, 80).Status);
        Assert.Equal(PaymentStatus.Queued, h.Pay(2, A, B, 30).Status);   // 80 + 30 > 100
        Assert.Equal(PaymentStatus.Settled, h.Pay(3, A, C, 300).Status); // other counterparty unaffected
        Assert.Equal(PaymentStatus.Settled, h.Pay(4, A, B, 30, PaymentPriority.High).Status); // limits bind normal only
        Assert.Equal(PaymentStatus.Settled, h.Pay(5, B, A, 50).Status);  // receipt: A's net towards B 110 - 50 = 60
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(2));
    }

    [Fact]
    public void Multilateral_limit_caps_net_debit_towards_all()
    {
        SettlementHarness h = Standard(SettlementOptions.None);
        h.Fund(A, 1_000);
        h.Code(new SetSendingLimit(A, Eur, 0, 100));
        Assert.Equal(PaymentStatus.Settled, h.Pay(1, A, B, 60).Status);
        Assert.Equal(PaymentStatus.Queued, h.Pay(2, A, C, 60).Status);
        h.Code(new SetSendingLimit(A, Eur, 0, 0)); // removed
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(2));
    }

    [Fact]
    public void Queue_reordering_actions()
    {
        SettlementHarness h = Standard(SettlementOptions.None);
        for (int i = 1; i <= 4; i++) h.Pay((UInt128)i, A, B, 100 * i, PaymentPriority.High);
        Assert.Equal([(UInt128)1, 2, 3, 4], h.QueueOf(A));
        Assert.Equal(SettlementResult.Ok, h.Code(new ManageQueuedPayment(A, 3, QueueAction.MoveToFront, 0, 0)));
        Assert.Equal([(UInt128)3, 1, 2, 4], h.QueueOf(A));
        Assert.Equal(SettlementResult.Ok, h.Code(new ManageQueuedPayment(A, 3, QueueAction.MoveToBack, 0, 0)));
        Assert.Equal([(UInt128)1, 2, 4, 3], h.QueueOf(A));
        Assert.Equal(SettlementResult.Ok, h.Code(new ManageQueuedPayment(A, 4, QueueAction.MoveBefore, 0, 1)));
        Assert.Equal([(UInt128)4, 1, 2, 3], h.QueueOf(A));
        Assert.Equal(SettlementResult.Ok, h.Code(new ManageQueuedPayment(Operator, 2, QueueAction.ChangePriority, PaymentPriority.Urgent, 0)));
        Assert.Equal([(UInt128)2, 4, 1, 3], h.QueueOf(A));

        Assert.Equal(SettlementResult.PaymentNotFound, h.Code(new ManageQueuedPayment(A, 99, QueueAction.MoveToFront, 0, 0)));
        Assert.Equal(SettlementResult.NotPayer, h.Code(new ManageQueuedPayment(B, 1, QueueAction.MoveToFront, 0, 0)));
        Assert.Equal(SettlementResult.InvalidQueueAction, h.Code(new ManageQueuedPayment(A, 1, (QueueAction)0, 0, 0)));
        Assert.Equal(SettlementResult.ReferenceNotInSameQueue, h.Code(new ManageQueuedPayment(A, 1, QueueAction.MoveBefore, 0, 2)));
        Assert.Equal(SettlementResult.ReferenceNotInSameQueue, h.Code(new ManageQueuedPayment(A, 1, QueueAction.MoveBefore, 0, 99)));
        Assert.Equal(SettlementResult.InvalidPriority, h.Code(new ManageQueuedPayment(A, 1, QueueAction.ChangePriority, (PaymentPriority)5, 0)));

        // Moving a small payment to the front of a blocked high queue releases it.
        h.Fund(A, 150); // urgent head 200 stays uncovered and blocks the high queue
        Assert.Equal(PaymentStatus.Queued, h.StatusOf(1));
        Assert.Equal(SettlementResult.Ok, h.Code(new ManageQueuedPayment(A, 2, QueueAction.Revoke, 0, 0)));
        Assert.Equal(SettlementResult.Ok, h.Code(new ManageQueuedPayment(A, 1, QueueAction.MoveToFront, 0, 0)));
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(1));
        Assert.Equal(SettlementResult.PaymentNotQueued, h.Code(new ManageQueuedPayment(A, 1, QueueAction.MoveToBack, 0, 0)));
        Assert.Equal(SettlementResult.PaymentNotQueued, h.Code(new ManageQueuedPayment(A, 1, QueueAction.Revoke, 0, 0)));
    }

    [Fact]
    public void Earliest_time_schedules_and_latest_time_rejects()
    {
        SettlementHarness h = Standard(SettlementOptions.None);
        h.Fund(A, 1_000);
        ulong start = h.Time;
        Assert.Equal((SettlementResult.Ok, PaymentStatus.Scheduled), h.Pay(1, A, B, 100, earliest: start + 10 * StepNs));
        Assert.Equal((SettlementResult.Ok, PaymentStatus.Queued), h.Pay(2, A, B, 5_000, latest: start + 10 * StepNs));
        h.BatchAt(start + 9 * StepNs);
        Assert.Equal(PaymentStatus.Scheduled, h.StatusOf(1));
        Assert.Equal(PaymentStatus.Queued, h.StatusOf(2));
        h.BatchAt(start + 11 * StepNs);
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(1));
        Assert.Equal(PaymentStatus.Rejected, h.StatusOf(2));
        Assert.Equal(SettlementResult.LatestTimePassed, h.PaymentInfo(2).Reason);
        Assert.Equal(0, h.Engine.Settlement.GetSettlementAccount(A, Eur)!.QueuedMinor);
    }

    [Fact]
    public void A_command_with_several_items_reports_each_by_index()
    {
        SettlementHarness h = Standard(SettlementOptions.None);
        h.Fund(A, 100);
        CommandReply reply = h.Batch(SettlementCodec.EncodeCommand<SubmitPayment>(
        [
            Payment(1, A, B, 60, kind: PaymentKind.Interbank),
            Payment(2, A, A, 1, kind: PaymentKind.Interbank),
            Payment(0, A, B, 1, kind: PaymentKind.Interbank),
            Payment(3, A, B, 60, kind: PaymentKind.Interbank),
        ]))[0];
        Assert.Equal(4, reply.Count);
        Assert.Equal([new ItemResult(1, (ushort)SettlementResult.PayerEqualsPayee), new ItemResult(2, (ushort)SettlementResult.PaymentIdInvalid)], reply.Errors);
        var outcomes = (PaymentOutcome[])reply.Data!;
        Assert.Equal([PaymentStatus.Settled, PaymentStatus.Rejected, PaymentStatus.Rejected, PaymentStatus.Queued], outcomes.Select(o => o.Status));
        Assert.Equal(SettlementResult.PayerEqualsPayee, outcomes[1].Reason);
        Assert.Null(h.Engine.Settlement.GetPayment(0));
    }

    [Fact]
    public void Queue_full_rejects_at_the_bound()
    {
        SettlementHarness h = Standard(SettlementOptions.None);
        int max = SettlementState.MaxQueuedPerAccount;
        for (int first = 0; first < max; first += SettlementCodec.MaxItemsPerCommand)
        {
            int count = Math.Min(SettlementCodec.MaxItemsPerCommand, max - first);
            var items = new SubmitPayment[count];
            for (int k = 0; k < count; k++) items[k] = Payment((UInt128)(first + k + 1), A, B, 1, kind: PaymentKind.Interbank);
            Assert.True(h.Batch(SettlementCodec.EncodeCommand<SubmitPayment>(items))[0].AllOk);
        }
        Assert.Equal(max, h.Engine.Settlement.GetSettlementAccount(A, Eur)!.QueuedCount);
        Assert.Equal((SettlementResult.QueueFull, PaymentStatus.Rejected), h.Pay((UInt128)(max + 1), A, B, 1));
        Assert.Equal(PaymentStatus.Queued, h.Pay((UInt128)(max + 2), B, A, 1).Status);
    }
}
