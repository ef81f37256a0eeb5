using CoreEngine = Corridor.Core.Engine.Engine;
using Corridor.Core.Engine;
using Corridor.Core.Settlement;
using static Corridor.Core.Tests.Settlement.SettlementHarness;

namespace Corridor.Core.Tests.Settlement;

/// <summary>SubmitReturn (pacs.004): the payee of a settled payment pays all or part of it back; every result code.</summary>
public class ReturnTests
{
    private static SettlementHarness Settled(out UInt128 original)
    {
        SettlementHarness h = Standard();
        h.Fund(A, 1_000);
        original = 7;
        Assert.Equal((SettlementResult.Ok, PaymentStatus.Settled), h.Pay(original, A, B, 600));
        return h;
    }

    private static ReturnOutcome Return(SettlementHarness h, UInt128 returnId, UInt128 original, ulong returner, long amount, uint ledger = Eur)
    {
        CommandReply reply = h.One(new SubmitReturn(returnId, original, returner, ledger, amount));
        return ((ReturnOutcome[])reply.Data!)[0];
    }

    [Fact]
    public void Full_and_partial_returns_move_money_back_and_never_exceed_the_original()
    {
        SettlementHarness h = Settled(out UInt128 original);
        ReturnOutcome first = Return(h, 101, original, B, 200);
        Assert.Equal((SettlementResult.Ok, PaymentStatus.Settled, false, 200L), (first.Result, first.Status, first.Duplicate, first.ReturnedMinor));
        Assert.Equal(600, h.Balance(A));
        Assert.Equal(400, h.Balance(B));

        string before = h.Engine.StateHashHex();
        ReturnOutcome over = Return(h, 102, original, B, 401);
        Assert.Equal(SettlementResult.ReturnExceedsOriginal, over.Result);
        Assert.Null(h.Engine.Settlement.GetPayment(102)); // no trace: the id stays free
        Assert.Equal(600, h.Balance(A));

        ReturnOutcome rest = Return(h, 102, original, B, 400);
        Assert.Equal((SettlementResult.Ok, PaymentStatus.Settled, 600L), (rest.Result, rest.Status, rest.ReturnedMinor));
        Assert.Equal(1_000, h.Balance(A));
        Assert.Equal(0, h.Balance(B));
        Assert.Equal(SettlementResult.ReturnExceedsOriginal, Return(h, 103, original, B, 1).Result);
        Assert.Equal(2, h.Engine.Settlement.GetReturns(original).Count);
        Assert.Equal(original, h.Engine.Settlement.GetReturnedPayment(102));
        Assert.NotEqual(before, h.Engine.StateHashHex());
        AssertLedgerInvariants(h.Engine.Ledger);
    }

    [Fact]
    public void A_duplicate_return_id_is_idempotent_and_different_content_is_refused()
    {
        SettlementHarness h = Settled(out UInt128 original);
        Assert.Equal(SettlementResult.Ok, Return(h, 101, original, B, 600).Result);
        string state = h.Engine.StateHashHex();
        ReturnOutcome again = Return(h, 101, original, B, 600);
        Assert.Equal((SettlementResult.Ok, PaymentStatus.Settled, true), (again.Result, again.Status, again.Duplicate));
        Assert.Equal(1_000, h.Balance(A));
        Assert.Equal(SettlementResult.PaymentExistsWithDifferentContent, Return(h, 101, original, B, 500).Result);
        Assert.Equal(SettlementResult.PaymentExistsWithDifferentContent, Return(h, original, original, B, 600).Result);
        Assert.Equal(1_000, h.Balance(A));
        Assert.NotEqual(state, h.Engine.StateHashHex()); // only the engine clock moved
    }

    [Fact]
    public void Each_refusal_has_its_own_code_and_changes_no_balance()
    {
        SettlementHarness h = Settled(out UInt128 original);
        Assert.Equal(SettlementResult.OriginalPaymentNotFound, Return(h, 101, 999, B, 1).Result);
        Assert.Equal(SettlementResult.NotOriginalPayee, Return(h, 101, original, C, 1).Result);
        Assert.Equal(SettlementResult.NotOriginalPayee, Return(h, 101, original, A, 1).Result);
        Assert.Equal(SettlementResult.ReturnLedgerMismatch, Return(h, 101, original, B, 1, ledger: 2).Result);
        Assert.Equal(SettlementResult.AmountMustBePositive, Return(h, 101, original, B, 0).Result);
        Assert.Equal(SettlementResult.PaymentIdInvalid, Return(h, 0, original, B, 1).Result);
        // C has no money: its payment queues, and a queued payment cannot be returned.
        Assert.Equal((SettlementResult.Ok, PaymentStatus.Queued), h.Pay(8, C, B, 50));
        Assert.Equal(SettlementResult.OriginalPaymentNotSettled, Return(h, 101, 8, B, 50).Result);
        Assert.Equal(SettlementResult.Ok, Return(h, 101, original, B, 10).Result);
        Assert.Equal(SettlementResult.CannotReturnAReturn, Return(h, 102, 101, A, 10).Result);
        Assert.Equal((410L, 590L), (h.Balance(A), h.Balance(B)));
    }

    [Fact]
    public void A_return_queues_for_liquidity_counts_as_returned_and_settles_when_funds_arrive()
    {
        SettlementHarness h = Settled(out UInt128 original);
        Assert.Equal((SettlementResult.Ok, PaymentStatus.Settled), h.Pay(8, B, C, 500)); // B keeps 100
        ReturnOutcome queued = Return(h, 101, original, B, 300);
        Assert.Equal((SettlementResult.Ok, PaymentStatus.Queued, 300L), (queued.Result, queued.Status, queued.ReturnedMinor));
        Assert.Equal(SettlementResult.ReturnExceedsOriginal, Return(h, 102, original, B, 301).Result);
        h.Fund(B, 250);
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(101));
        Assert.Equal(700, h.Balance(A));
        // A revoked queued return no longer counts.
        Assert.Equal(SettlementResult.Ok, Return(h, 102, original, B, 300).Result);
        Assert.Equal(PaymentStatus.Queued, h.StatusOf(102));
        Assert.Equal(SettlementResult.Ok, h.Code(new ManageQueuedPayment(B, 102, QueueAction.Revoke, PaymentPriority.Normal, 0)));
        Assert.Equal(300, h.Engine.Settlement.GetReturnedMinor(original));
    }

    [Fact]
    public void Returns_replay_and_snapshot_to_the_same_state_hash()
    {
        SettlementHarness h = Settled(out UInt128 original);
        Assert.Equal(SettlementResult.Ok, Return(h, 101, original, B, 250).Result);
        Assert.Equal(SettlementResult.ReturnExceedsOriginal, Return(h, 102, original, B, 351).Result);
        Assert.Equal(h.Engine.StateHashHex(), h.ReplayHash());

        using var stream = new MemoryStream();
        h.Engine.WriteSnapshot(stream);
        stream.Position = 0;
        CoreEngine restored = CoreEngine.ReadSnapshot(stream);
        Assert.Equal(h.Engine.StateHashHex(), restored.StateHashHex());
        Assert.Equal(250, restored.Settlement.GetReturnedMinor(original));
        // The restored engine still enforces the returned total.
        byte[] over = SettlementCodec.EncodeCommand(new SubmitReturn(103, original, B, Eur, 351));
        var replies = new List<CommandReply>();
        restored.Apply(h.Sequence + 1, h.Time + 1, over, replies);
        Assert.Equal((ushort)SettlementResult.ReturnExceedsOriginal, replies[0].Errors[0].Code);
    }

    [Fact]
    public void The_command_round_trips_through_the_codec()
    {
        var item = new SubmitReturn(UInt128.MaxValue - 1, 42, 7, 978, 12_345);
        byte[] payload = SettlementCodec.EncodePayload<SubmitReturn>([item]);
        Assert.Equal(SubmitReturn.MaxItemBytes, payload.Length);
        Assert.Equal(item, SettlementCodec.DecodePayload<SubmitReturn>(payload, 1)[0]);
        Assert.Throws<InvalidDataException>(() => SettlementCodec.DecodePayload<SubmitReturn>(payload.AsSpan(1), 1));
    }
}
