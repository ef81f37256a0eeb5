using Corridor.Core.Compliance;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Ledger;
using Corridor.Core.Tests.Exchange;

namespace Corridor.Core.Tests.Holds;

/// <summary>Screening and rules before PvP settlement, holds, operator decisions and the audit log, on a real engine.</summary>
public class HoldsTests
{
    [Theory]
    [InlineData("Wladimir Putin")]
    [InlineData("Владимир Путин")]
    [InlineData("PUTIN, Vladimir V.")]
    [InlineData("김정은")]
    [InlineData("Kim Jong-un")]
    [InlineData("Банк Россия")]
    public void Payment_to_a_listed_beneficiary_is_held_and_no_leg_settles(string beneficiary)
    {
        var f = new ExchangeFixture();
        Assert.Equal(LoadWatchListResult.Ok, f.LoadList());
        var (paymentId, lockId, result) = f.LockAndPay(beneficiary);

        Assert.Equal(PayResult.HeldForCompliance, result);
        Assert.True(f.X.TryGetPayment(paymentId, out PaymentRecord payment));
        Assert.Equal(PaymentStatus.Held, payment.Status);
        Assert.Equal(beneficiary, payment.Request.Beneficiary.Name); // party data kept byte for byte
        Assert.Equal(0, f.Get(11).DebitsPosted);
        Assert.Equal(0, f.Get(22).CreditsPosted);
        Assert.True(f.X.TryGetLock(lockId, out LockRecord l));
        Assert.Equal(LockStatus.Locked, l.Status);
        Assert.Equal(l.DestinationMinor, f.Get(32).DebitsPending); // the provider's reservation is kept

        Assert.True(f.Engine.Compliance.TryGetPayment(paymentId, out PaymentCompliance c));
        Assert.Equal(PaymentComplianceStatus.Held, c.Status);
        Assert.Equal(ComplianceReason.SanctionsPotentialMatch, c.Decision.Reason);
        Assert.NotEmpty(c.Hits);
        Assert.All(c.Hits, h =>
        {
            Assert.Equal("ofac-sdn", h.WatchList);
            Assert.Equal(ScreenedField.BeneficiaryName, h.Hit.Field);
            Assert.True(h.Hit.Score >= Screener.DefaultThreshold);
            Assert.Equal(f.Engine.Compliance.WatchLists[0].ContentHash, h.WatchListHash);
        });
        Assert.Single(f.Engine.Compliance.PendingHolds());
        f.AssertNoLegAlone();
    }

    [Fact]
    public void A_lock_or_compliance_record_read_before_a_decision_is_a_copy_that_later_decisions_leave_as_it_was()
    {
        // The state keeps locks and compliance records as structs in chunked lists; a query hands out a copy of one.
        var f = new ExchangeFixture();
        f.LoadList();
        var (paymentId, lockId, _) = f.LockAndPay("Wladimir Putin");
        Assert.True(f.X.TryGetLock(lockId, out LockRecord lockBefore));
        Assert.True(f.Engine.Compliance.TryGetPayment(paymentId, out PaymentCompliance before));
        PaymentCompliance listed = Assert.Single(f.Engine.Compliance.PendingHolds());

        Assert.Equal(HoldDecisionResult.Ok, f.ReleaseHold(paymentId, HoldsHarness.Officer2));

        Assert.Equal(LockStatus.Locked, lockBefore.Status);
        Assert.Equal(paymentId, lockBefore.PaymentId); // a held payment owns its lock from the hold on
        Assert.Equal(PaymentComplianceStatus.Held, before.Status);
        Assert.Equal("", before.DecisionReason);
        Assert.Equal(PaymentComplianceStatus.Held, listed.Status);
        Assert.True(f.X.TryGetLock(lockId, out LockRecord lockAfter));
        Assert.Equal(LockStatus.Settled, lockAfter.Status);
        Assert.Equal(paymentId, lockAfter.PaymentId);
        Assert.True(f.Engine.Compliance.TryGetPayment(paymentId, out PaymentCompliance after));
        Assert.Equal(PaymentComplianceStatus.Released, after.Status);
        Assert.Equal("false positive: different date of birth", after.DecisionReason);
        Assert.Equal(before.Hits, after.Hits); // the evidence is the record's for life
        Assert.Equal(before.ScreenedAgainst, after.ScreenedAgainst);
        Assert.Equal(after.Status, f.Engine.Compliance.Payments.Single(p => p.PaymentId == paymentId).Status);
    }

    [Fact]
    public void Release_settles_both_legs_and_records_who_and_when()
    {
        var f = new ExchangeFixture();
        f.LoadList();
        var (paymentId, lockId, _) = f.LockAndPay("Wladimir Putin");
        ulong before = f.Engine.LastTimestamp;

        Assert.Equal(HoldDecisionResult.Ok, f.ReleaseHold(paymentId, HoldsHarness.Officer2));

        Assert.True(f.X.TryGetPayment(paymentId, out PaymentRecord p));
        Assert.Equal(PaymentStatus.Settled, p.Status);
        Assert.Equal(PayResult.Ok, p.Result);
        Assert.True(f.HasTransfer(p.SourceLegTransferId) && f.HasTransfer(p.DestinationLegTransferId));
        Assert.Equal(p.SourceMinor, f.Get(11).DebitsPosted);
        Assert.Equal(p.DestinationMinor, f.Get(22).CreditsPosted);
        Assert.Equal(0, f.Get(32).DebitsPending);
        Assert.True(f.X.TryGetLock(lockId, out LockRecord l));
        Assert.Equal(LockStatus.Settled, l.Status);

        Assert.True(f.Engine.Compliance.TryGetPayment(paymentId, out PaymentCompliance c));
        Assert.Equal(PaymentComplianceStatus.Released, c.Status);
        Assert.Equal(HoldsHarness.Officer2, c.DecidedBy);
        Assert.True(c.DecidedAtNs > before);
        Assert.Equal("false positive: different date of birth", c.DecisionReason);
        Assert.Empty(f.Engine.Compliance.PendingHolds());
        Assert.Single(f.Engine.Compliance.DecidedHolds());

        AuditEntry last = f.Engine.Compliance.AuditLog[^1];
        Assert.Equal(Operation.ReleaseHold, last.Operation);
        Assert.Equal(HoldsHarness.Officer2, last.Operator);
        Assert.Equal(c.DecidedAtNs, last.TimeNs);
        Assert.Equal(-1, f.Engine.Compliance.VerifyAuditChain());
        f.AssertNoLegAlone();
    }

    [Fact]
    public void Reject_releases_the_reservation_and_nothing_settles()
    {
        var f = new ExchangeFixture();
        f.LoadList();
        var (paymentId, lockId, _) = f.LockAndPay("Kim Jong Un");

        Assert.Equal(HoldDecisionResult.Ok, f.RejectHold(paymentId));

        Assert.True(f.X.TryGetPayment(paymentId, out PaymentRecord p));
        Assert.Equal(PaymentStatus.Failed, p.Status);
        Assert.Equal(PayResult.RejectedByOperator, p.Result);
        Assert.True(f.X.TryGetLock(lockId, out LockRecord l));
        Assert.Equal(LockStatus.Released, l.Status);
        Assert.Equal(0, f.Get(32).DebitsPending);
        Assert.Equal(0, f.Get(11).DebitsPosted);
        Assert.Equal(0, f.Get(22).CreditsPosted);
        Assert.True(f.Engine.Compliance.TryGetPayment(paymentId, out PaymentCompliance c));
        Assert.Equal(PaymentComplianceStatus.RejectedByOperator, c.Status);
        Assert.Equal(HoldsHarness.Officer, c.DecidedBy);
        f.AssertNoLegAlone();
    }

    [Fact]
    public void Unrelated_names_pass_and_settle()
    {
        var f = new ExchangeFixture();
        f.LoadList();
        var (paymentId, _, result) = f.LockAndPay();
        Assert.Equal(PayResult.Ok, result);
        Assert.True(f.Engine.Compliance.TryGetPayment(paymentId, out PaymentCompliance c));
        Assert.Equal(PaymentComplianceStatus.Passed, c.Status);
        Assert.Equal(PayResult.Ok, c.SettlementResult);
        Assert.Empty(c.Hits);
        Assert.Single(c.ScreenedAgainst);
        foreach (string name in new[] { "Vladimir Nabokov", "Maria Ivanova", "Kim Min-jun", "Rossiya Tea Traders" })
            Assert.Equal(PayResult.Ok, f.LockAndPay(name).Result);
        f.AssertNoLegAlone();
    }

    [Fact]
    public void Rule_thresholds_hold_and_reject()
    {
        var f = new ExchangeFixture();
        Assert.Equal(ComplianceRuleResult.Ok, f.SetRule(HoldsHarness.Limit("usd-limits", "USD", holdAbove: 500_00, rejectAbove: 5_000_00)));

        Assert.Equal(PayResult.Ok, f.LockAndPay(amountUsdMinor: 400_00).Result);

        var held = f.LockAndPay(amountUsdMinor: 1_000_00);
        Assert.Equal(PayResult.HeldForCompliance, held.Result);
        Assert.True(f.Engine.Compliance.TryGetPayment(held.PaymentId, out PaymentCompliance h));
        Assert.Equal(ComplianceReason.AmountAboveHoldLimit, h.Decision.Reason);
        Assert.Equal("usd-limits", h.Decision.RuleId);

        var rejected = f.LockAndPay(amountUsdMinor: 6_000_00);
        Assert.Equal(PayResult.RejectedByCompliance, rejected.Result);
        Assert.True(f.Engine.Compliance.TryGetPayment(rejected.PaymentId, out PaymentCompliance r));
        Assert.Equal(ComplianceReason.AmountAboveRejectLimit, r.Decision.Reason);
        Assert.Equal("AM02", r.Decision.Iso20022Reason);
        Assert.True(f.X.TryGetLock(rejected.LockId, out LockRecord l));
        Assert.Equal(LockStatus.Released, l.Status);
        Assert.Equal(HoldDecisionResult.PaymentNotHeld, f.ReleaseHold(rejected.PaymentId));

        Assert.Equal(ComplianceRuleResult.Ok, f.SetRule(HoldsHarness.BlockCountry("no-ke", "KE")));
        var blocked = f.LockAndPay();
        Assert.Equal(PayResult.RejectedByCompliance, blocked.Result);
        Assert.True(f.Engine.Compliance.TryGetPayment(blocked.PaymentId, out PaymentCompliance b));
        Assert.Equal("RR04", b.Decision.Iso20022Reason);
        Assert.Equal(ComplianceReason.BlockedCountry, b.Decision.Reason);
        Assert.Equal(2, f.Engine.Compliance.Rules.Length);

        Assert.Equal(ComplianceRuleResult.Ok, f.Run<RemoveComplianceRule, ComplianceRuleResult>(Operation.RemoveComplianceRule, new RemoveComplianceRule(HoldsHarness.Officer, "no-ke"))[0]);
        Assert.Equal(ComplianceRuleResult.RuleNotFound, f.Run<RemoveComplianceRule, ComplianceRuleResult>(Operation.RemoveComplianceRule, new RemoveComplianceRule(HoldsHarness.Officer, "no-ke"))[0]);
        Assert.Equal(PayResult.Ok, f.LockAndPay().Result);
        f.AssertNoLegAlone();
    }

    [Fact]
    public void A_potential_match_holds_even_where_a_rule_would_reject()
    {
        var f = new ExchangeFixture();
        f.LoadList();
        f.SetRule(HoldsHarness.BlockCountry("no-ke", "KE"));
        var (paymentId, _, result) = f.LockAndPay("Wladimir Putin");
        Assert.Equal(PayResult.HeldForCompliance, result); // a person decides: auto-rejection could return funds to a designated party
        Assert.True(f.Engine.Compliance.TryGetPayment(paymentId, out PaymentCompliance c));
        Assert.Equal(ComplianceReason.SanctionsPotentialMatch, c.Decision.Reason);
    }

    [Fact]
    public void Travel_rule_findings_reject_with_their_iso_reason()
    {
        var f = new ExchangeFixture();
        UInt128 quote = f.NextId(), lockId = f.NextId(), paymentId = f.NextId();
        f.Publish(f.Quote(quote));
        f.Lock(f.LockRequest(lockId, quote, 100_00));
        PayAgainstLock payment = ExchangeFixture.Payment(paymentId, lockId);
        payment = payment with { Beneficiary = payment.Beneficiary with { Country = "XK" } }; // shape-valid, not an assigned ISO 3166 code

        Assert.Equal(PayResult.RejectedByCompliance, f.Pay(payment));
        Assert.True(f.Engine.Compliance.TryGetPayment(paymentId, out PaymentCompliance c));
        Assert.Equal(ComplianceReason.TravelRuleIncomplete, c.Decision.Reason);
        Assert.Equal("RR04", c.Decision.Iso20022Reason);
        Assert.True(f.X.TryGetLock(lockId, out LockRecord l));
        Assert.Equal(LockStatus.Released, l.Status);
        Assert.True(f.X.TryGetPayment(paymentId, out PaymentRecord p));
        Assert.Equal("XK", p.Request.Beneficiary.Country); // kept as submitted
        f.AssertNoLegAlone();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_unscreenable_party_is_held_with_or_without_lists(bool withList)
    {
        var f = new ExchangeFixture();
        if (withList) f.LoadList();
        var (paymentId, _, result) = f.LockAndPay("...");
        Assert.Equal(PayResult.HeldForCompliance, result);
        Assert.True(f.Engine.Compliance.TryGetPayment(paymentId, out PaymentCompliance c));
        Assert.Equal(ComplianceReason.PartyUnscreenable, c.Decision.Reason);
        Assert.Empty(c.Hits);
    }

    [Fact]
    public void Invalid_commands_are_refused_with_their_codes_and_audited()
    {
        var f = new ExchangeFixture();
        Assert.Equal(LoadWatchListResult.OperatorMustNotBeZero, f.LoadList(by: 0));
        Assert.Equal(LoadWatchListResult.NameInvalid, f.LoadList(name: "bad name"));
        Assert.Equal(LoadWatchListResult.ParseFailed, f.LoadList(csv: "id,name,colour\n1,x,red\n"));
        Assert.Empty(f.Engine.Compliance.WatchLists);
        Assert.Equal(ComplianceRuleResult.RuleInvalid, f.SetRule(HoldsHarness.BlockCountry("bad", "ZZ")));
        Assert.Equal(ComplianceRuleResult.RuleIdInvalid, f.SetRule(HoldsHarness.BlockCountry(" ", "RU")));
        Assert.Equal(ScreeningThresholdResult.ThresholdOutOfRange,
            f.Run<SetScreeningThreshold, ScreeningThresholdResult>(Operation.SetScreeningThreshold, new SetScreeningThreshold(HoldsHarness.Officer, 101))[0]);
        Assert.Equal(HoldDecisionResult.PaymentNotFound, f.ReleaseHold(12345));
        Assert.Equal(HoldDecisionResult.ReasonMissing, f.ReleaseHold(12345, reason: "  "));
        Assert.Equal(HoldDecisionResult.OperatorMustNotBeZero, f.RejectHold(12345, by: 0));

        var log = f.Engine.Compliance.AuditLog;
        Assert.Equal(9, log.Count);
        Assert.Equal((ushort)LoadWatchListResult.ParseFailed, log[2].ResultCode);
        Assert.Contains("UnknownColumn", log[2].Detail);
        Assert.Equal(-1, f.Engine.Compliance.VerifyAuditChain());
        for (int i = 1; i < log.Count; i++)
        {
            Assert.Equal(log[i - 1].Hash, log[i].PreviousHash);
            Assert.True(log[i].TimeNs > log[i - 1].TimeNs);
        }
    }

    [Fact]
    public void Watch_list_versions_are_kept_and_reloading_the_same_content_is_idempotent()
    {
        var f = new ExchangeFixture();
        Assert.Equal(LoadWatchListResult.Ok, f.LoadList());
        Assert.Equal(LoadWatchListResult.Ok, f.LoadList()); // same content: no new version
        Assert.Single(f.Engine.Compliance.WatchListHistory);
        string v1 = f.Engine.Compliance.WatchLists[0].ContentHash;

        Assert.Equal(LoadWatchListResult.Ok, f.LoadList(HoldsHarness.SanctionsCsv + "IR-1,organisation,Mahan Air,,IR,,SDGT\n", by: HoldsHarness.Officer2, version: "2026-11-24"));
        var current = Assert.Single(f.Engine.Compliance.WatchLists);
        Assert.NotEqual(v1, current.ContentHash);
        Assert.Equal(4, current.Entries);
        Assert.Equal(HoldsHarness.Officer2, current.LoadedBy);
        Assert.Equal(2, f.Engine.Compliance.WatchListHistory.Count);
        Assert.Equal(v1, f.Engine.Compliance.WatchListHistory[0].ContentHash);

        Assert.Equal(PayResult.HeldForCompliance, f.LockAndPay("Mahan Air").Result);

        const string xml = """
            <watchList name="ignored" version="x">
              <entry id="OP-7" kind="person" program="INTERNAL">
                <name>Vladimir Putin</name>
              </entry>
            </watchList>
            """;
        Assert.Equal(LoadWatchListResult.Ok, f.Run<LoadWatchList, LoadWatchListResult>(Operation.LoadWatchList,
            new LoadWatchList(HoldsHarness.Officer, "operator-internal", WatchListFormat.Xml, "", xml))[0]);
        Assert.Equal(2, f.Engine.Compliance.WatchLists.Count);
        var (paymentId, _, result) = f.LockAndPay("Wladimir Putin");
        Assert.Equal(PayResult.HeldForCompliance, result);
        Assert.True(f.Engine.Compliance.TryGetPayment(paymentId, out PaymentCompliance c));
        Assert.Equal(["ofac-sdn", "operator-internal"], c.Hits.Select(h => h.WatchList).Distinct().ToArray());
        Assert.Equal(2, c.ScreenedAgainst.Length);
        Assert.Equal(f.SnapshotHash(out _), f.Engine.StateHashHex());
    }

    [Fact]
    public void Threshold_changes_what_screening_holds()
    {
        var f = new ExchangeFixture();
        f.LoadList();
        Assert.Equal(ScreeningThresholdResult.Ok,
            f.Run<SetScreeningThreshold, ScreeningThresholdResult>(Operation.SetScreeningThreshold, new SetScreeningThreshold(HoldsHarness.Officer, 100))[0]);
        Assert.Equal(100, f.Engine.Compliance.Threshold);
        Assert.Equal(PayResult.Ok, f.LockAndPay("Wladimir Putinn").Result); // variant scores below 100
        Assert.Equal(PayResult.HeldForCompliance, f.LockAndPay("Vladimir Putin").Result); // alias matches exactly
    }

    [Fact]
    public void Resubmission_and_repeated_decisions_are_idempotent()
    {
        var f = new ExchangeFixture();
        f.LoadList();
        UInt128 quote = f.NextId(), lockId = f.NextId(), paymentId = f.NextId();
        f.Publish(f.Quote(quote));
        f.Lock(f.LockRequest(lockId, quote, 100_00));
        PayAgainstLock payment = HoldsHarness.PaymentTo(paymentId, lockId, "Wladimir Putin");

        Assert.Equal(PayResult.HeldForCompliance, f.Pay(payment));
        Assert.Equal(PayResult.HeldForCompliance, f.Pay(payment)); // same content: the current answer, nothing screened twice
        Assert.Equal(PayResult.IdReusedWithDifferentContent, f.Pay(payment with { Beneficiary = ExchangeFixture.Beneficiary }));
        Assert.Single(f.Engine.Compliance.Payments);

        // Neither the payer nor another payment can take the held lock.
        Assert.Equal(LockResult.LockHeldForCompliance, f.Release(lockId));
        Assert.Equal(PayResult.LockAlreadyUsed, f.Pay(ExchangeFixture.Payment(f.NextId(), lockId)));

        Assert.Equal(HoldDecisionResult.Ok, f.ReleaseHold(paymentId));
        Assert.Equal(HoldDecisionResult.Ok, f.ReleaseHold(paymentId)); // same decision again: no second settlement
        Assert.Equal(HoldDecisionResult.HoldAlreadyDecided, f.RejectHold(paymentId));
        Assert.Equal(PayResult.Ok, f.Pay(payment));
        Assert.True(f.X.TryGetPayment(paymentId, out PaymentRecord p));
        Assert.Equal(p.SourceMinor, f.Get(11).DebitsPosted); // settled once
        f.AssertNoLegAlone();
    }

    [Fact]
    public void A_hold_past_the_lock_expiry_fails_on_release_and_nothing_settles()
    {
        var f = new ExchangeFixture();
        f.LoadList();
        var (paymentId, lockId, _) = f.LockAndPay("Wladimir Putin", lockSeconds: 5);
        f.Now += 10 * ExchangeFixture.Second;

        Assert.Equal(HoldDecisionResult.ReleasedButSettlementFailed, f.ReleaseHold(paymentId));
        Assert.True(f.X.TryGetPayment(paymentId, out PaymentRecord p));
        Assert.Equal(PaymentStatus.Failed, p.Status);
        Assert.Equal(PayResult.LockExpired, p.Result);
        Assert.True(f.X.TryGetLock(lockId, out LockRecord l));
        Assert.Equal(LockStatus.Expired, l.Status);
        Assert.Equal(0, f.Get(32).DebitsPending);
        Assert.True(f.Engine.Compliance.TryGetPayment(paymentId, out PaymentCompliance c));
        Assert.Equal(PaymentComplianceStatus.Released, c.Status);
        Assert.Equal(PayResult.LockExpired, c.SettlementResult);
        f.AssertNoLegAlone();
    }

    [Fact]
    public void Payer_short_of_funds_at_release_settles_neither_leg()
    {
        var f = new ExchangeFixture(payerUsd: 150_00);
        f.LoadList();
        var (paymentId, _, _) = f.LockAndPay("Wladimir Putin", amountUsdMinor: 100_00);
        Assert.Equal(PayResult.Ok, f.LockAndPay(amountUsdMinor: 100_00).Result); // spends the payer's funds meanwhile
        Assert.Equal(HoldDecisionResult.ReleasedButSettlementFailed, f.ReleaseHold(paymentId));
        Assert.True(f.X.TryGetPayment(paymentId, out PaymentRecord p));
        Assert.Equal(PayResult.PayerInsufficientFunds, p.Result);
        Assert.Equal(0, f.Get(32).DebitsPending);
        f.AssertNoLegAlone();
    }

    [Fact]
    public void Replay_and_snapshot_restore_give_the_same_state_hash()
    {
        var f = new ExchangeFixture();
        f.LoadList();
        f.SetRule(HoldsHarness.Limit("usd", "USD", 500_00, 5_000_00));
        f.Run<SetScreeningThreshold, ScreeningThresholdResult>(Operation.SetScreeningThreshold, new SetScreeningThreshold(HoldsHarness.Officer, 88));
        var released = f.LockAndPay("Wladimir Putin");
        var rejected = f.LockAndPay("Банк Россия");
        var pending = f.LockAndPay("Kim Jong Un");
        var overLimit = f.LockAndPay(amountUsdMinor: 1_000_00); // held by the USD limit
        f.LockAndPay(amountUsdMinor: 6_000_00);
        f.LockAndPay();
        f.ReleaseHold(released.PaymentId);
        f.RejectHold(rejected.PaymentId);

        string hash = f.Engine.StateHashHex();
        Assert.Equal(hash, f.ReplayHash());
        Assert.Equal(hash, f.SnapshotHash(out Engine.Engine restored));
        Assert.Equal(f.Engine.Compliance.AuditHead, restored.Compliance.AuditHead);
        Assert.Equal(2, restored.Compliance.PendingHolds().Count);
        AssertHoldLists(f.Engine, [pending.PaymentId, overLimit.PaymentId], [released.PaymentId, rejected.PaymentId]);
        AssertHoldLists(restored, [pending.PaymentId, overLimit.PaymentId], [released.PaymentId, rejected.PaymentId]); // rebuilt on restore
        Assert.Single(restored.Compliance.WatchLists);
        Assert.Single(restored.Compliance.Rules);

        // The restored engine goes on exactly as the original: the same decision gives the same state.
        byte[] decision = ExchangeCommands.Encode(Operation.ReleaseHold, new HoldDecision(pending.PaymentId, HoldsHarness.Officer, "cleared after review"));
        f.Engine.Apply(f.Engine.Sequence + 1, f.Now, decision, null);
        restored.Apply(restored.Sequence + 1, f.Now, decision, null);
        Assert.Equal(f.Engine.StateHashHex(), restored.StateHashHex());
        Assert.True(restored.Exchange.TryGetPayment(pending.PaymentId, out PaymentRecord p));
        Assert.Equal(PaymentStatus.Settled, p.Status);
        AssertHoldLists(f.Engine, [overLimit.PaymentId], [released.PaymentId, rejected.PaymentId, pending.PaymentId]);
        AssertHoldLists(restored, [overLimit.PaymentId], [released.PaymentId, rejected.PaymentId, pending.PaymentId]);
    }

    // Pending and decided holds, oldest hold first, as given and as a scan over every compliance record finds them.
    private static void AssertHoldLists(Engine.Engine engine, UInt128[] pending, UInt128[] decided)
    {
        Assert.Equal(pending, engine.Compliance.PendingHolds().Select(h => h.PaymentId));
        Assert.Equal(decided, engine.Compliance.DecidedHolds().Select(h => h.PaymentId));
        Assert.Equal(pending, engine.Compliance.Payments.Where(h => h.Status == PaymentComplianceStatus.Held).Select(h => h.PaymentId));
        Assert.Equal(decided, engine.Compliance.Payments
            .Where(h => h.Status is PaymentComplianceStatus.Released or PaymentComplianceStatus.RejectedByOperator).Select(h => h.PaymentId));
    }

    [Fact]
    public void Unknown_compliance_operation_stops_the_node()
    {
        var engine = new Engine.Engine();
        byte[] body = CommandBatch.Encode<byte>((Operation)399, []);
        Assert.Throws<InvalidDataException>(() => engine.Apply(1, 1, body, null));
    }

    [Fact]
    public void Codec_round_trips_and_refuses_trailing_bytes()
    {
        var rule = new SetComplianceRule(HoldsHarness.Officer, "r1", 7, "GB", "KE", "USD", "KES", [new RuleLimit("USD", 1, 2)], ["RU", "KP"], ["RUB"]);
        byte[] encoded = ExchangeCommands.Encode(Operation.SetComplianceRule, rule);
        SetComplianceRule back = ExchangeCommands.Decode<SetComplianceRule>(encoded.AsSpan(CommandBatch.HeaderBytes), 1)[0];
        Assert.True(rule.SameContent(back));
        var load = new LoadWatchList(HoldsHarness.Officer, "l", WatchListFormat.Xml, "v", "<watchList/>\u00e9");
        encoded = ExchangeCommands.Encode(Operation.LoadWatchList, load);
        Assert.Equal(load, ExchangeCommands.Decode<LoadWatchList>(encoded.AsSpan(CommandBatch.HeaderBytes), 1)[0]);
        Assert.Throws<InvalidDataException>(() => ExchangeCommands.Decode<LoadWatchList>([.. encoded.AsSpan(CommandBatch.HeaderBytes), 0], 1));
    }
}
