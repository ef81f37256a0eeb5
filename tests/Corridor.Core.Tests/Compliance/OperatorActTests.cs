using System.Buffers.Binary;
using Corridor.Core.Compliance;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Settlement;
using Corridor.Core.Tests.Settlement;
using CsCheck;
using PaymentStatus = Corridor.Core.Settlement.PaymentStatus;
using static Corridor.Core.Tests.Settlement.SettlementHarness;
using CoreEngine = Corridor.Core.Engine.Engine;

namespace Corridor.Core.Tests.Compliance;

/// <summary>
/// Four eyes (operations 310–313): a liquidity move or a hold release proposed by one operator user takes effect only when a
/// second one approves it; the audit log names both; replay and snapshots reproduce the acts and the state hash.
/// </summary>
public sealed class OperatorActTests
{
    private const uint Root = OperatorUser.RootId, Otto = 5, Olga = 6, Cathy = 7, Carl = 8;
    private const string List = "id,kind,name,aliases,countries,dates_of_birth,program\nRU-1,person,\"PUTIN, Vladimir\",,RU,1952-10-07,EO13660\n";

    private static byte[] As(uint actor, byte[] command)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(command.AsSpan(12), actor); // header actor
        return command;
    }

    private static byte[] Register(uint user, string name, OperatorRole role) =>
        As(Root, ExchangeCommands.Encode(Operation.RegisterOperator, new RegisterOperator(Root, user, name, role)));

    private static byte[] Inject(uint actor, UInt128 act, UInt128 transfer, ulong participant, long amount) =>
        As(actor, ExchangeCommands.Encode(Operation.ProposeOperatorAct,
            new ProposeOperatorAct(act, OperatorActKind.MoveLiquidity, transfer, participant, Eur, amount, LiquidityDirection.Inject, "")));

    private static byte[] Release(uint actor, UInt128 act, UInt128 payment, string reason) =>
        As(actor, ExchangeCommands.Encode(Operation.ProposeOperatorAct,
            new ProposeOperatorAct(act, OperatorActKind.ReleaseHold, payment, 0, 0, 0, default, reason)));

    private static byte[] Approve(uint actor, UInt128 act) => As(actor, ExchangeCommands.Encode(Operation.ApproveOperatorAct, new DecideOperatorAct(act, "checked")));
    private static byte[] Decline(uint actor, UInt128 act) => As(actor, ExchangeCommands.Encode(Operation.DeclineOperatorAct, new DecideOperatorAct(act, "not today")));
    private static byte[] FourEyes(uint actor) => As(actor, ExchangeCommands.Encode(Operation.RequireFourEyes, new RequireFourEyes(0)));

    private static OperatorActResult CodeOf(CommandReply reply) => reply.Errors.Length == 0 ? OperatorActResult.Ok : (OperatorActResult)reply.Errors[0].Code;

    private static SettlementHarness WithUsers()
    {
        SettlementHarness h = Standard();
        Assert.True(h.Batch(
            Register(Root, "root", OperatorRole.Administrator), Register(Otto, "otto", OperatorRole.Operator), Register(Olga, "olga", OperatorRole.Operator),
            Register(Cathy, "cathy", OperatorRole.Compliance), Register(Carl, "carl", OperatorRole.Compliance)).TrueForAll(r => r.AllOk));
        return h;
    }

    private static OperatorAct Act(SettlementHarness h, UInt128 id) =>
        h.Engine.Compliance.TryGetOperatorAct(id, out OperatorAct a) ? a : throw new InvalidOperationException($"no act {id}");

    [Fact]
    public void A_proposed_injection_moves_nothing_until_a_second_operator_approves_and_the_audit_log_names_both()
    {
        SettlementHarness h = WithUsers();
        Assert.Equal(OperatorActResult.Ok, CodeOf(h.Batch(Inject(Otto, 0xA1, 0x9001, A, 5_000))[0]));
        Assert.Equal(0, h.Balance(A));
        Assert.Equal(OperatorActStatus.Pending, Act(h, 0xA1).Status);

        Assert.Equal(OperatorActResult.ApproverIsProposer, CodeOf(h.Batch(Approve(Otto, 0xA1))[0]));
        Assert.Equal(OperatorActResult.RoleNotAllowed, CodeOf(h.Batch(Approve(Cathy, 0xA1))[0])); // compliance may not move money
        Assert.Equal(0, h.Balance(A));

        Assert.Equal(OperatorActResult.Ok, CodeOf(h.Batch(Approve(Olga, 0xA1))[0]));
        Assert.Equal(5_000, h.Balance(A));
        OperatorAct act = Act(h, 0xA1);
        Assert.Equal((OperatorActStatus.Approved, Otto, Olga, (ushort)0), (act.Status, act.ProposedBy, act.DecidedBy, act.OutcomeCode));
        AuditEntry entry = h.Engine.Compliance.AuditLog[^1];
        Assert.Equal(Operation.ApproveOperatorAct, entry.Operation);
        Assert.Equal((ulong)Olga, entry.Operator);
        Assert.Contains("proposed by otto (5), approved by olga (6)", entry.Detail, StringComparison.Ordinal);
        Assert.Equal(-1, h.Engine.Compliance.VerifyAuditChain());

        // The same approval again answers as the first time and moves nothing more; another decision is refused.
        Assert.Equal(OperatorActResult.Ok, CodeOf(h.Batch(Approve(Olga, 0xA1))[0]));
        Assert.Equal(OperatorActResult.ActNotPending, CodeOf(h.Batch(Decline(Root, 0xA1))[0]));
        Assert.Equal(5_000, h.Balance(A));
    }

    [Fact]
    public void A_declined_or_withdrawn_act_is_never_applied()
    {
        SettlementHarness h = WithUsers();
        Assert.True(h.Batch(Inject(Otto, 0xA1, 0x9001, A, 5_000), Inject(Otto, 0xA2, 0x9002, A, 7_000)).TrueForAll(r => r.AllOk));
        Assert.Equal(OperatorActResult.Ok, CodeOf(h.Batch(Decline(Olga, 0xA1))[0]));
        Assert.Equal(OperatorActResult.Ok, CodeOf(h.Batch(Decline(Otto, 0xA2))[0])); // the proposer withdraws its own
        Assert.Equal(OperatorActResult.ActNotPending, CodeOf(h.Batch(Approve(Olga, 0xA1))[0]));
        Assert.Equal(0, h.Balance(A));
        Assert.Equal(OperatorActStatus.Declined, Act(h, 0xA2).Status);
    }

    [Fact]
    public void Proposals_are_checked_in_order_and_an_id_keeps_its_terms()
    {
        SettlementHarness h = WithUsers();
        Assert.Equal(OperatorActResult.ActIdMustNotBeZero, CodeOf(h.Batch(Inject(Otto, 0, 0x9001, A, 5))[0]));
        Assert.Equal(OperatorActResult.ActorNotOperatorUser, CodeOf(h.Batch(Inject(0, 0xA1, 0x9001, A, 5))[0]));
        Assert.Equal(OperatorActResult.ActorNotOperatorUser, CodeOf(h.Batch(Inject(99, 0xA1, 0x9001, A, 5))[0]));
        Assert.Equal(OperatorActResult.RoleNotAllowed, CodeOf(h.Batch(Inject(Cathy, 0xA1, 0x9001, A, 5))[0]));
        Assert.Equal(OperatorActResult.RoleNotAllowed, CodeOf(h.Batch(Release(Otto, 0xA1, 0x71, "cleared"))[0]));
        Assert.Equal(OperatorActResult.TermsInvalid, CodeOf(h.Batch(Inject(Otto, 0xA1, 0x9001, A, 0))[0]));
        Assert.Equal(OperatorActResult.TermsInvalid, CodeOf(h.Batch(Inject(Otto, 0xA1, 0x9001, A, SettlementState.MaxAmountMinor + 1))[0]));
        Assert.Equal(OperatorActResult.ReasonMissing, CodeOf(h.Batch(Release(Cathy, 0xA1, 0x71, " "))[0]));
        Assert.Empty(h.Engine.Compliance.OperatorActs);

        Assert.Equal(OperatorActResult.Ok, CodeOf(h.Batch(Inject(Otto, 0xA1, 0x9001, A, 5))[0]));
        Assert.Equal(OperatorActResult.Ok, CodeOf(h.Batch(Inject(Otto, 0xA1, 0x9001, A, 5))[0])); // same terms: idempotent
        Assert.Equal(OperatorActResult.ActExistsWithDifferentContent, CodeOf(h.Batch(Inject(Otto, 0xA1, 0x9001, A, 6))[0]));
        Assert.Equal(OperatorActResult.ActNotFound, CodeOf(h.Batch(Approve(Olga, 0xB1))[0]));
        Assert.Single(h.Engine.Compliance.OperatorActs);
    }

    [Fact]
    public void An_approved_act_that_the_engine_refuses_records_its_outcome()
    {
        SettlementHarness h = WithUsers();
        Assert.True(h.Batch(As(Otto, ExchangeCommands.Encode(Operation.ProposeOperatorAct,
            new ProposeOperatorAct(0xA1, OperatorActKind.MoveLiquidity, 0x9001, A, Eur, 5_000, LiquidityDirection.Withdraw, ""))))[0].AllOk);
        Assert.Equal(OperatorActResult.ApprovedButRefused, CodeOf(h.Batch(Approve(Olga, 0xA1))[0]));
        OperatorAct act = Act(h, 0xA1);
        Assert.Equal(OperatorActStatus.Approved, act.Status);
        Assert.NotEqual((ushort)0, act.OutcomeCode);
        Assert.Equal(0, h.Balance(A));
    }

    [Fact]
    public void Once_four_eyes_are_required_a_single_operator_neither_moves_liquidity_nor_releases_a_hold()
    {
        SettlementHarness h = WithUsers();
        Assert.True(h.Batch(SettlementCodec.EncodeCommand(new SetSettlementOptions(SettlementOptions.All | SettlementOptions.ScreenPaymentsWithoutDetails)))[0].AllOk);
        h.Fund(A, 1_000); // actor 0: before the policy, and the harness is no operator user
        Assert.True(h.Batch(ExchangeCommands.Encode(Operation.LoadWatchList, new LoadWatchList(Cathy, "sanctions", WatchListFormat.Csv, "v1", List)))[0].AllOk);
        PaymentDetails details = TestParties.CustomerDetails(A, B) with { Beneficiary = TestParties.Person("Vladimir Putin", "Paris", "FR", "FR-ACC-12") };
        Assert.True(h.Batch(SubmitPaymentWithDetails.EncodeCommand(new SubmitPaymentWithDetails(Payment(0x71, A, B, 100), details)))[0].AllOk);
        Assert.Equal(PaymentStatus.Held, h.StatusOf(0x71));

        Assert.Equal(OperatorActResult.RoleNotAllowed, CodeOf(h.Batch(FourEyes(Otto))[0]));
        Assert.False(h.Engine.Compliance.FourEyesRequired);
        Assert.Equal(OperatorActResult.Ok, CodeOf(h.Batch(FourEyes(Root))[0]));
        Assert.True(h.Engine.Compliance.FourEyesRequired);

        byte[] direct = As(Otto, SettlementCodec.EncodeCommand(new MoveLiquidity(0x9005, A, Eur, 50, LiquidityDirection.Inject)));
        Assert.Equal(SettlementResult.FourEyesRequired, SettlementHarness.CodeOf(h.Batch(direct)[0]));
        Assert.Equal((ushort)SettlementResult.FourEyesRequired, h.Engine.Compliance.AuditLog[^1].ResultCode);
        Assert.Equal(1_000, h.Balance(A));
        CommandReply release = h.Batch(As(Cathy, ExchangeCommands.Encode(Operation.ReleaseHold, new HoldDecision(0x71, Cathy, "cleared"))))[0];
        Assert.Equal((ushort)HoldDecisionResult.FourEyesRequired, release.Errors[0].Code);
        Assert.Equal(PaymentStatus.Held, h.StatusOf(0x71));

        // Through a proposal and a second compliance officer it goes.
        Assert.True(h.Batch(Release(Cathy, 0xB1, 0x71, "different person, passport checked"))[0].AllOk);
        Assert.Equal(OperatorActResult.ApproverIsProposer, CodeOf(h.Batch(Approve(Cathy, 0xB1))[0]));
        Assert.Equal(OperatorActResult.Ok, CodeOf(h.Batch(Approve(Carl, 0xB1))[0]));
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(0x71));
        Assert.True(h.Engine.Compliance.TryGetPayment(0x71, out PaymentCompliance c) && c.Status == PaymentComplianceStatus.Released);
        Assert.Contains("proposed by cathy (7), approved by carl (8)", h.Engine.Compliance.AuditLog[^1].Detail, StringComparison.Ordinal);
        Assert.Equal(h.Engine.StateHashHex(), h.ReplayHash());
    }

    [Fact]
    public void Random_acts_replay_and_snapshot_to_the_same_state_hash()
    {
        // A step: (kind 0 propose / 1 approve / 2 decline, act number, actor index, amount).
        uint[] actors = [Root, Otto, Olga, Cathy, 42];
        Gen.Select(Gen.Int[0, 2], Gen.Int[1, 6], Gen.Int[0, actors.Length - 1], Gen.Int[1, 10_000]).Array[1, 40].Sample(steps =>
        {
            SettlementHarness h = WithUsers();
            var snapshots = new List<(long Sequence, byte[] Bytes)>();
            foreach (var (kind, act, actor, amount) in steps)
            {
                byte[] command = kind switch
                {
                    0 => Inject(actors[actor], (UInt128)act, (UInt128)(0x9000 + act), A, amount),
                    1 => Approve(actors[actor], (UInt128)act),
                    _ => Decline(actors[actor], (UInt128)act),
                };
                h.Batch(command);
                var s = new MemoryStream();
                h.Engine.WriteSnapshot(s);
                snapshots.Add((h.Sequence, s.ToArray()));
            }
            long approvedMinor = 0;
            foreach (OperatorAct a in h.Engine.Compliance.OperatorActs)
            {
                Assert.True(a.Status != OperatorActStatus.Approved || a.DecidedBy != a.ProposedBy, "an act was approved by its proposer");
                if (a.Status == OperatorActStatus.Approved && a.OutcomeCode == 0) approvedMinor += a.AmountMinor;
            }
            Assert.Equal(approvedMinor, h.Balance(A));
            Assert.Equal(h.Engine.StateHashHex(), h.ReplayHash());
            Assert.Equal(-1, h.Engine.Compliance.VerifyAuditChain());
            // Restore from a snapshot in the middle and replay the rest of the journal: the same state.
            var (sequence, bytes) = snapshots[snapshots.Count / 2];
            CoreEngine restored = CoreEngine.ReadSnapshot(new MemoryStream(bytes));
            foreach ((long seq, ulong time, byte[] body) in h.Journal) if (seq > sequence) restored.Apply(seq, time, body, null);
            Assert.Equal(h.Engine.StateHashHex(), restored.StateHashHex());
        }, iter: 60);
    }
}
