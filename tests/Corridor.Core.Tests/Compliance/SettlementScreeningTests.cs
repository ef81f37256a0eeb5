using System.Buffers.Binary;
using CsCheck;
using Corridor.Core.Compliance;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Settlement;
using Corridor.Core.Tests.Settlement;
using CoreEngine = Corridor.Core.Engine.Engine;
using PaymentStatus = Corridor.Core.Settlement.PaymentStatus;
using static Corridor.Core.Tests.Settlement.SettlementHarness;

namespace Corridor.Core.Tests.Compliance;

/// <summary>Same-currency settlement payments pass the travel rule, screening and rules before any liquidity moves; operator actions are audited.</summary>
public sealed class SettlementScreeningTests
{
    private const string List = "id,kind,name,aliases,countries,dates_of_birth,program\nRU-1,person,\"PUTIN, Vladimir\",\"Владимир Путин\",RU,1952-10-07,UKRAINE-EO13660\n";
    private const ulong Officer = 7;

    private static byte[] WithDetails(SubmitPayment p, PaymentDetails d) => SubmitPaymentWithDetails.EncodeCommand(new SubmitPaymentWithDetails(p, d));

    private static PaymentDetails To(string beneficiaryName, ulong payer = A, ulong payee = B) =>
        TestParties.CustomerDetails(payer, payee) with { Beneficiary = TestParties.Person(beneficiaryName, "Paris", "FR", "FR-ACC-" + payee) };

    /// <summary>Switches on screening of operation 108 (what a server journals when it starts).</summary>
    private static SettlementHarness Screening(SettlementHarness h)
    {
        Assert.True(h.Batch(SettlementCodec.EncodeCommand(new SetSettlementOptions(SettlementOptions.All | SettlementOptions.ScreenPaymentsWithoutDetails)))[0].AllOk);
        return h;
    }

    [Fact]
    public void History_from_before_screening_replays_as_it_was_and_screening_once_on_stays_on()
    {
        // A journal written before screening existed: operation 108 customer payments without party data settled.
        SettlementHarness h = Standard();
        h.Fund(A, 1_000);
        Assert.Equal(SettlementResult.Ok, CodeOf(h.Batch(SettlementCodec.EncodeCommand(Payment(1, A, B, 10)))[0]));
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(1));
        // The server switches screening on; from then on the same kind of payment is refused.
        Screening(h);
        Assert.Equal(SettlementResult.RejectedByCompliance, CodeOf(h.Batch(SettlementCodec.EncodeCommand(Payment(2, A, B, 10)))[0]));
        // No command switches it off again.
        Assert.True(h.Batch(SettlementCodec.EncodeCommand(new SetSettlementOptions(SettlementOptions.None)))[0].AllOk);
        Assert.Equal(SettlementOptions.OneWay & ~SettlementOptions.OnePaymentPath & ~SettlementOptions.PvpThroughRtgs, h.Engine.Settlement.Options); // the harness starts with the older one-way rules on, not OnePaymentPath or PvpThroughRtgs
        Assert.Equal(SettlementResult.RejectedByCompliance, CodeOf(h.Batch(SettlementCodec.EncodeCommand(Payment(3, A, B, 10)))[0]));
        Assert.Equal(990, h.Balance(A));
    }

    private static SettlementHarness WithList()
    {
        SettlementHarness h = Screening(Standard());
        h.Fund(A, 1_000);
        Assert.True(h.Batch(ExchangeCommands.Encode(Operation.LoadWatchList, new LoadWatchList(Officer, "sanctions", WatchListFormat.Csv, "v1", List)))[0].AllOk);
        return h;
    }

    [Fact]
    public void A_customer_payment_without_party_data_is_rejected_by_the_travel_rule_even_as_operation_108()
    {
        SettlementHarness h = Screening(Standard());
        h.Fund(A, 1_000);
        // Operation 108 (the format before details existed) still decodes and applies; a customer payment without data cannot pass.
        CommandReply reply = h.Batch(SettlementCodec.EncodeCommand(Payment(1, A, B, 10)))[0];
        Assert.Equal(SettlementResult.RejectedByCompliance, CodeOf(reply));
        Assert.Equal(PaymentStatus.Rejected, h.StatusOf(1));
        Assert.True(h.Engine.Compliance.TryGetPayment(1, out PaymentCompliance c));
        Assert.Equal(ComplianceReason.TravelRuleIncomplete, c.Decision.Reason);
        Assert.Equal("RR01", c.Decision.Iso20022Reason);
        Assert.Equal(1_000, h.Balance(A));
        // An interbank payment by operation 108 settles as before.
        Assert.Equal(SettlementResult.Ok, CodeOf(h.Batch(SettlementCodec.EncodeCommand(Payment(2, A, B, 10, kind: PaymentKind.Interbank)))[0]));
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(2));
    }

    [Theory]
    [InlineData("originator_name", "RR02")]
    [InlineData("beneficiary_account", "RR03")]
    [InlineData("originator_account", "RR01")]
    [InlineData("country", "RR04")]
    public void Incomplete_party_data_rejects_with_its_iso_reason(string gap, string reason)
    {
        SettlementHarness h = Standard();
        h.Fund(A, 1_000);
        PaymentDetails d = TestParties.CustomerDetails(A, B);
        d = gap switch
        {
            "originator_name" => d with { Originator = d.Originator! with { Name = "" } },
            "beneficiary_account" => d with { Beneficiary = d.Beneficiary! with { Account = "" } },
            "originator_account" => d with { Originator = d.Originator! with { Account = "" } },
            _ => d with { Originator = d.Originator! with { Country = "XX" } },
        };
        Assert.Equal(SettlementResult.RejectedByCompliance, CodeOf(h.Batch(WithDetails(Payment(1, A, B, 10), d))[0]));
        Assert.True(h.Engine.Compliance.TryGetPayment(1, out PaymentCompliance c));
        Assert.Equal(reason, c.Decision.Iso20022Reason);
        Assert.Equal(1_000, h.Balance(A));
    }

    private static PaymentDetails WithGap(PaymentDetails d, int gap) => gap switch
    {
        0 => d,
        1 => d with { Originator = d.Originator! with { Name = "" } },
        2 => d with { Beneficiary = d.Beneficiary! with { Account = "" } },
        3 => d with { Originator = d.Originator! with { Account = "" } },
        _ => d with { Originator = d.Originator! with { Country = "XX" } },
    };

    private static byte[] AtEntry(SubmitPayment p, PaymentDetails d) =>
        SubmitPaymentWithDetails.EncodeCommand(Operation.SubmitPaymentTravelRuleAtEntry, new SubmitPaymentWithDetails(p, d));

    [Fact]
    public void Operation_120_refuses_an_incomplete_customer_payment_recording_nothing_so_the_corrected_payment_takes_the_id()
    {
        SettlementHarness h = Standard();
        h.Fund(A, 1_000);
        CommandReply refused = h.Batch(AtEntry(Payment(1, A, B, 10), WithGap(TestParties.CustomerDetails(A, B), 1)))[0];
        Assert.Equal(SettlementResult.TravelRuleIncomplete, CodeOf(refused));
        PaymentOutcome outcome = ((PaymentOutcome[])refused.Data!)[0];
        Assert.Equal((SettlementResult.TravelRuleIncomplete, false), (outcome.Reason, outcome.Existed));
        Assert.Null(h.Engine.Settlement.GetPayment(1));
        Assert.False(h.Engine.Compliance.TryGetPayment(1, out _));
        Assert.Equal(1_000, h.Balance(A)); // nothing recorded: not the payment, not a compliance record (the property below compares whole states)
        // The findings the entry path reports are the engine's own function over the same payment.
        TravelRuleResult travel = h.Engine.Compliance.TravelRuleOf(h.Engine.Settlement, Payment(1, A, B, 10), WithGap(TestParties.CustomerDetails(A, B), 1));
        Assert.Equal("RR02", travel.FirstReasonCode);

        // The corrected payment takes the id and settles; sent again, it is answered from its record.
        CommandReply settled = h.Batch(AtEntry(Payment(1, A, B, 10), TestParties.CustomerDetails(A, B)))[0];
        Assert.True(settled.AllOk);
        Assert.Equal((PaymentStatus.Settled, false), (((PaymentOutcome[])settled.Data!)[0].Status, ((PaymentOutcome[])settled.Data!)[0].Existed));
        CommandReply again = h.Batch(AtEntry(Payment(1, A, B, 10), TestParties.CustomerDetails(A, B)))[0];
        Assert.True(again.AllOk);
        Assert.True(((PaymentOutcome[])again.Data!)[0].Existed);
        // An incomplete resubmission of a recorded id is a reuse with different content, not a travel-rule refusal.
        Assert.Equal(SettlementResult.PaymentExistsWithDifferentContent, CodeOf(h.Batch(AtEntry(Payment(1, A, B, 10), WithGap(TestParties.CustomerDetails(A, B), 2)))[0]));
        Assert.Equal(990, h.Balance(A));

        // Interbank payments are outside the travel rule; operation 116 keeps recording the rejection (journals replay as written).
        Assert.True(h.Batch(AtEntry(Payment(2, A, B, 10, kind: PaymentKind.Interbank), PaymentDetails.None))[0].AllOk);
        Assert.Equal(SettlementResult.RejectedByCompliance, CodeOf(h.Batch(WithDetails(Payment(3, A, B, 10), WithGap(TestParties.CustomerDetails(A, B), 1)))[0]));
        Assert.Equal(PaymentStatus.Rejected, h.StatusOf(3));
    }

    [Fact]
    public void Operation_120_applies_exactly_as_116_except_that_an_incomplete_travel_rule_changes_nothing()
    {
        // Two engines take the same payments, one as 116, one as 120. Where the travel rule is incomplete, 116 would record a
        // rejection; the 116 side gets instead a payment it refuses without recording (id 0), so both sides stay comparable:
        // their states must be equal after every step, and 120 must answer TravelRuleIncomplete exactly there.
        Gen.Select(Gen.Int[0, 4], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[1, 400], Gen.Bool, (gap, x, y, a, interbank) => (Gap: gap, Payer: x, Payee: y, Amount: a, Interbank: interbank))
            .Array[1, 12].Sample(steps =>
            {
                SettlementHarness with116 = WithList(), with120 = WithList();
                ulong[] who = [A, B, C, D];
                ulong id = 1;
                foreach (var s in steps)
                {
                    ulong payer = who[s.Payer], payee = who[s.Payee];
                    SubmitPayment p = Payment(id++, payer, payee, s.Amount, kind: s.Interbank ? PaymentKind.Interbank : PaymentKind.Customer);
                    PaymentDetails d = WithGap(TestParties.CustomerDetails(payer, payee), s.Gap);
                    bool incomplete = !with120.Engine.Compliance.TravelRuleOf(with120.Engine.Settlement, p, d).IsCompliant;
                    Assert.Equal(!s.Interbank && s.Gap != 0, incomplete);
                    CommandReply r120 = with120.Batch(AtEntry(p, d))[0];
                    CommandReply r116 = with116.Batch(WithDetails(incomplete ? p with { PaymentId = 0 } : p, d))[0];
                    Assert.Equal(incomplete ? SettlementResult.TravelRuleIncomplete : CodeOf(r116), CodeOf(r120));
                    if (incomplete) Assert.Null(with120.Engine.Settlement.GetPayment(p.PaymentId));
                    Assert.Equal(with116.Engine.StateHashHex(), with120.Engine.StateHashHex());
                }
            }, iter: 60);
    }

    [Fact]
    public void A_listed_beneficiary_holds_the_payment_until_release_then_it_settles()
    {
        SettlementHarness h = WithList();
        CommandReply reply = h.Batch(WithDetails(Payment(1, A, B, 100), To("Wladimir Putin")))[0];
        Assert.True(reply.AllOk);
        Assert.Equal(PaymentStatus.Held, ((PaymentOutcome[])reply.Data!)[0].Status);
        Assert.Equal(1_000, h.Balance(A)); // no liquidity moved, not queued
        Assert.Empty(h.QueueOf(A));
        PaymentInfo info = h.PaymentInfo(1);
        Assert.Equal("Wladimir Putin", info.Details!.Beneficiary!.Name);
        Assert.Single(h.Engine.Compliance.PendingHolds());

        Assert.True(h.Batch(ExchangeCommands.Encode(Operation.ReleaseHold, new HoldDecision(1, Officer, "different person, passport checked")))[0].AllOk);
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(1));
        Assert.Equal(900, h.Balance(A));
        Assert.Equal(h.Engine.StateHashHex(), h.ReplayHash());
    }

    [Fact]
    public void A_released_payment_without_cover_queues_and_a_rejected_one_is_final()
    {
        SettlementHarness h = WithList();
        Assert.True(h.Batch(WithDetails(Payment(1, A, B, 5_000), To("Vladimir Putin")))[0].AllOk);
        Assert.True(h.Batch(WithDetails(Payment(2, A, B, 10), To("Vladimir Putin")))[0].AllOk);
        Assert.True(h.Batch(ExchangeCommands.Encode(Operation.ReleaseHold, new HoldDecision(1, Officer, "cleared")))[0].AllOk);
        Assert.Equal(PaymentStatus.Queued, h.StatusOf(1));
        Assert.True(h.Batch(ExchangeCommands.Encode(Operation.RejectHold, new HoldDecision(2, Officer, "true match")))[0].AllOk);
        Assert.Equal(PaymentStatus.Rejected, h.StatusOf(2));
        Assert.Equal(SettlementResult.RejectedByOperator, h.PaymentInfo(2).Reason);
        Assert.Equal(1_000, h.Balance(A));
        // Decided: no second decision.
        Assert.Equal((ushort)HoldDecisionResult.HoldAlreadyDecided,
            h.Batch(ExchangeCommands.Encode(Operation.ReleaseHold, new HoldDecision(2, Officer, "changed my mind")))[0].Errors[0].Code);
    }

    [Fact]
    public void Interbank_payments_screen_the_institutions()
    {
        SettlementHarness h = Screening(Standard());
        h.Fund(A, 1_000);
        const string Banks = "id,kind,name,aliases,countries,dates_of_birth,program\nB-1,entity,Bank 12,,,,TEST\n";
        Assert.True(h.Batch(ExchangeCommands.Encode(Operation.LoadWatchList, new LoadWatchList(Officer, "banks", WatchListFormat.Csv, "v1", Banks)))[0].AllOk);
        CommandReply reply = h.Batch(SettlementCodec.EncodeCommand(Payment(1, A, B, 10, kind: PaymentKind.Interbank)))[0];
        Assert.Equal(PaymentStatus.Held, ((PaymentOutcome[])reply.Data!)[0].Status);
        Assert.True(h.Engine.Compliance.TryGetPayment(1, out PaymentCompliance c));
        Assert.Equal("B-1", c.Hits[0].Hit.EntryId);
    }

    [Fact]
    public void A_rule_holds_same_currency_payments_above_its_limit()
    {
        SettlementHarness h = Standard();
        h.Fund(A, 1_000);
        var rule = new SetComplianceRule(Officer, "eur-cap", 0, "", "", "", "", [new RuleLimit("EUR", 500, 900)], [], []);
        Assert.True(h.Batch(ExchangeCommands.Encode(Operation.SetComplianceRule, rule))[0].AllOk);
        Assert.Equal(PaymentStatus.Held, ((PaymentOutcome[])h.Batch(WithDetails(Payment(1, A, B, 600), TestParties.CustomerDetails(A, B)))[0].Data!)[0].Status);
        Assert.Equal(SettlementResult.RejectedByCompliance, CodeOf(h.Batch(WithDetails(Payment(2, A, B, 950), TestParties.CustomerDetails(A, B)))[0]));
        Assert.Equal(PaymentStatus.Settled, ((PaymentOutcome[])h.Batch(WithDetails(Payment(3, A, B, 100), TestParties.CustomerDetails(A, B)))[0].Data!)[0].Status);
    }

    [Fact]
    public void Resubmitting_with_other_party_data_is_different_content()
    {
        SettlementHarness h = Standard();
        h.Fund(A, 1_000);
        Assert.True(h.Batch(WithDetails(Payment(1, A, B, 10), To("Jean Martin")))[0].AllOk);
        Assert.True(h.Batch(WithDetails(Payment(1, A, B, 10), To("Jean Martin")))[0].AllOk);
        Assert.Equal(SettlementResult.PaymentExistsWithDifferentContent, CodeOf(h.Batch(WithDetails(Payment(1, A, B, 10), To("Jeanne Martin")))[0]));
    }

    [Fact]
    public void Operator_actions_carry_their_actor_into_the_audit_log_and_replay_the_same()
    {
        SettlementHarness h = Standard();
        Assert.True(h.Batch(ExchangeCommands.Encode(Operation.RegisterOperator, new RegisterOperator(1, 5, "anna", OperatorRole.Operator)))[0].AllOk);
        byte[] suspend = SettlementCodec.EncodeCommand(new ChangeParticipantStatus(C, ParticipantStatus.Suspended));
        BinaryPrimitives.WriteUInt32LittleEndian(suspend.AsSpan(12), 5); // header actor
        Assert.True(h.Batch(suspend)[0].AllOk);
        AuditEntry last = h.Engine.Compliance.AuditLog[^1];
        Assert.Equal(5UL, last.Operator);
        Assert.Equal(Operation.ChangeParticipantStatus, last.Operation);
        Assert.Equal("participant 13", last.Subject);
        Assert.True(last.TimeNs >= h.Time); // engine time of its batch, not wall time
        Assert.True(h.Engine.Compliance.TryGetOperator(5, out OperatorUser anna) && anna.Name == "anna");
        Assert.Equal(-1, h.Engine.Compliance.VerifyAuditChain());

        var fresh = new CoreEngine();
        foreach ((long seq, ulong time, byte[] body) in h.Journal) fresh.Apply(seq, time, body, null);
        Assert.Equal(h.Engine.Compliance.AuditHead, fresh.Compliance.AuditHead);
        Assert.Equal(h.Engine.StateHashHex(), fresh.StateHashHex());
    }

    [Fact]
    public void Format_5_to_14_snapshots_without_details_returns_overnight_credit_PvP_ids_ledger_grants_PvP_legs_operator_acts_peers_certificates_or_schedule_still_restore()
    {
        SettlementHarness h = Standard();
        h.Fund(A, 1_000);
        Assert.True(h.Batch(SettlementCodec.EncodeCommand(Payment(1, A, B, 10, kind: PaymentKind.Interbank)))[0].AllOk);
        var stream = new MemoryStream();
        h.Engine.WriteSnapshot(stream);
        byte[] v15 = Format15Of(stream.ToArray());
        Assert.Equal(h.Engine.StateHashHex(), CoreEngine.ReadSnapshot(new MemoryStream(v15)).StateHashHex());
        // Format 14 = format 15 without the day-schedule section (one "no schedule" byte); format 13 also without the
        // certificate-bindings section (its version and an empty count, 8 bytes); format 12 also without the federation
        // section (version, peer count, payment count: 12 bytes); format 11 also without the operator-acts section (version
        // 4 bytes, four-eyes flag 1, empty count 4: 9 bytes); format 10 also without the PvP legs section (one empty count),
        // format 9 also without the raw-ledger grants section (one empty count), format 8 also without the PvP payment-ids
        // section (one empty count), format 7 also without the overnight-credit section (two empty counts), format 6 also
        // without the payment-returns section, format 5 also without the payment-details section (their empty counts, 4 bytes
        // each, sit just before the 33-byte hash string).
        foreach ((int version, int stripped) in new[] { (14, 1), (13, 9), (12, 21), (11, 30), (10, 34), (9, 38), (8, 42), (7, 50), (6, 54), (5, 58) })
        {
            byte[] old = [.. v15.AsSpan(0, v15.Length - 33 - stripped), .. v15.AsSpan(v15.Length - 33)];
            BinaryPrimitives.WriteInt32LittleEndian(old.AsSpan(8), version);
            Assert.Equal(h.Engine.StateHashHex(), CoreEngine.ReadSnapshot(new MemoryStream(old)).StateHashHex());
        }
    }

    /// <summary>
    /// A small state's format-16 snapshot as format 15 wrote it: without the transfer-id table at the end of the ledger (its
    /// capacity, count and slots of 20 bytes). Small lists are not padded, so the ledger's sections lie one after the other:
    /// accounts (128 + 16 bytes each), transfers (128 + 32), failed transfers (33), balance history (48).
    /// </summary>
    internal static byte[] Format15Of(byte[] v16)
    {
        Assert.Equal(16, BinaryPrimitives.ReadInt32LittleEndian(v16.AsSpan(8)));
        int at = 28; // magic 8, format 4, sequence 8, timestamp 8
        foreach (int size in new[] { 128 + 16, 128 + 32, 33, 48 })
        {
            int count = BinaryPrimitives.ReadInt32LittleEndian(v16.AsSpan(at));
            Assert.InRange(count, 0, 65_535);
            at += 4 + count * size;
        }
        int capacity = BinaryPrimitives.ReadInt32LittleEndian(v16.AsSpan(at));
        byte[] v15 = [.. v16.AsSpan(0, at), .. v16.AsSpan(at + 8 + capacity * 20)];
        BinaryPrimitives.WriteInt32LittleEndian(v15.AsSpan(8), 15);
        return v15;
    }

    private sealed record Step(int Kind, int Payer, int Payee, int Amount, int Name);

    private static readonly string[] Names = ["Jean Martin", "Wladimir Putin", "Anna Weber", "", "Maria Garcia"];

    [Fact]
    public void Replaying_the_journal_reproduces_the_state_with_payments_carrying_party_data()
    {
        Gen.Select(Gen.Int[0, 5], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[1, 400], Gen.Int[0, Names.Length - 1], (k, x, y, a, n) => new Step(k, x, y, a, n))
            .Array[1, 40].Sample(steps =>
            {
                SettlementHarness h = WithList();
                ulong[] who = [A, B, C, D];
                ulong id = 1;
                foreach (Step s in steps)
                {
                    ulong payer = who[s.Payer], payee = who[s.Payee];
                    switch (s.Kind)
                    {
                        case 0 or 1:
                            h.Batch(WithDetails(Payment(id++, payer, payee, s.Amount), To(Names[s.Name], payer, payee)));
                            break;
                        case 2:
                            h.Batch(SettlementCodec.EncodeCommand(Payment(id++, payer, payee, s.Amount, kind: PaymentKind.Interbank)));
                            break;
                        case 3:
                            h.Fund(payer, s.Amount);
                            break;
                        default:
                            foreach (PaymentCompliance held in h.Engine.Compliance.PendingHolds())
                            {
                                Operation op = s.Kind == 4 ? Operation.ReleaseHold : Operation.RejectHold;
                                h.Batch(ExchangeCommands.Encode(op, new HoldDecision(held.PaymentId, Officer, "decided")));
                                break;
                            }
                            break;
                    }
                }
                AssertLedgerInvariants(h.Engine.Ledger);
                Assert.Equal(h.Engine.StateHashHex(), h.ReplayHash());
                var snapshot = new MemoryStream();
                h.Engine.WriteSnapshot(snapshot);
                snapshot.Position = 0;
                Assert.Equal(h.Engine.StateHashHex(), CoreEngine.ReadSnapshot(snapshot).StateHashHex());
            }, iter: 40, threads: 1);
    }
}
