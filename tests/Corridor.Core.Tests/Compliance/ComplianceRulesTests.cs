using System.Collections.Immutable;
using Corridor.Core.Compliance;
using Xunit;

namespace Corridor.Core.Tests.Compliance;

public class ComplianceRulesTests
{
    private static PaymentFacts Payment(long amountMinor = 100_00, string from = "DE", string to = "GH", string send = "EUR", string receive = "GHS",
        ulong debtor = 1, ulong creditor = 2) =>
        new(debtor, creditor, from, to, send, amountMinor, receive, amountMinor * 12);

    private static readonly ComplianceRules Rules = new(
    [
        new ComplianceRule("global-blocks", RuleScope.Global, BlockedCountries: ["KP", "IR"], BlockedCurrencies: ["KPW"]),
        new ComplianceRule("eur-limits", RuleScope.Global, Limits: [new ValueLimit("EUR", HoldAboveMinor: 10_000_00, RejectAboveMinor: 1_000_000_00)]),
        new ComplianceRule("de-gh", RuleScope.ForCountryCorridor("DE", "GH"), Limits: [new ValueLimit("EUR", HoldAboveMinor: 5_000_00)]),
        new ComplianceRule("participant-7", RuleScope.ForParticipant(7), BlockedCountries: ["RU"]),
        new ComplianceRule("usd-ngn", RuleScope.ForCurrencyPair("USD", "NGN"), Limits: [new ValueLimit("NGN", RejectAboveMinor: 50_000_000_00)]),
    ]);

    [Fact]
    public void Small_payment_passes() => Assert.Equal(ComplianceDecision.Pass, Rules.Evaluate(Payment()));

    [Theory]
    [InlineData("KP", "GH")]
    [InlineData("DE", "IR")]
    public void Blocked_country_rejects_with_RR04(string from, string to)
    {
        var d = Rules.Evaluate(Payment(from: from, to: to));
        Assert.Equal(new ComplianceDecision(ComplianceOutcome.Reject, ComplianceReason.BlockedCountry, "global-blocks", "RR04"), d);
    }

    [Fact]
    public void Blocked_currency_rejects() =>
        Assert.Equal(ComplianceReason.BlockedCurrency, Rules.Evaluate(Payment(receive: "KPW")).Reason);

    [Fact]
    public void Corridor_rule_holds_below_the_global_limit()
    {
        var d = Rules.Evaluate(Payment(amountMinor: 6_000_00));
        Assert.Equal(new ComplianceDecision(ComplianceOutcome.Hold, ComplianceReason.AmountAboveHoldLimit, "de-gh", null), d);
        Assert.Equal(ComplianceOutcome.Pass, Rules.Evaluate(Payment(amountMinor: 6_000_00, to: "FR")).Outcome);
        Assert.Equal(ComplianceOutcome.Pass, Rules.Evaluate(Payment(amountMinor: 5_000_00)).Outcome); // "above" is strict
    }

    [Fact]
    public void Amount_above_reject_limit_rejects_with_AM02()
    {
        var d = Rules.Evaluate(Payment(amountMinor: 1_000_000_01));
        Assert.Equal(new ComplianceDecision(ComplianceOutcome.Reject, ComplianceReason.AmountAboveRejectLimit, "eur-limits", "AM02"), d);
    }

    [Fact]
    public void Receive_side_limits_use_the_receive_amount() =>
        Assert.Equal(ComplianceOutcome.Reject, Rules.Evaluate(new PaymentFacts(1, 2, "US", "NG", "USD", 1_000, "NGN", 50_000_000_01)).Outcome);

    [Fact]
    public void Participant_rule_applies_to_either_side()
    {
        Assert.Equal(ComplianceReason.BlockedCountry, Rules.Evaluate(Payment(to: "RU", creditor: 7)).Reason);
        Assert.Equal(ComplianceReason.BlockedCountry, Rules.Evaluate(Payment(to: "RU", debtor: 7)).Reason);
        Assert.Equal(ComplianceOutcome.Pass, Rules.Evaluate(Payment(to: "RU")).Outcome);
    }

    [Fact]
    public void Most_severe_rule_wins_whatever_the_rule_order()
    {
        var reversed = new ComplianceRules(Rules.Rules.Reverse());
        foreach (var p in new[] { Payment(amountMinor: 20_000_00), Payment(from: "KP", amountMinor: 2_000_000_00), Payment(amountMinor: 6_000_00) })
        {
            Assert.Equal(Rules.Evaluate(p), reversed.Evaluate(p));
        }
        Assert.Equal(ComplianceReason.BlockedCountry, Rules.Evaluate(Payment(from: "KP", amountMinor: 2_000_000_00)).Reason);
    }

    [Fact]
    public void Malformed_rules_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new ComplianceRules([new ComplianceRule("a", RuleScope.Global, BlockedCountries: ["XX"])]));
        Assert.Throws<ArgumentException>(() => new ComplianceRules([new ComplianceRule("a", RuleScope.Global, BlockedCurrencies: ["eur"])]));
        Assert.Throws<ArgumentException>(() => new ComplianceRules([new ComplianceRule("a", RuleScope.Global), new ComplianceRule("a", RuleScope.Global)]));
        Assert.Throws<ArgumentException>(() => new ComplianceRules([new ComplianceRule("a", RuleScope.Global, Limits: [new ValueLimit("EUR", -1)])]));
    }

    private static ScreeningResult Screening(ScreeningStatus status) =>
        new(status, status == ScreeningStatus.PotentialMatch ? [new ScreeningHit("E", "n", 90, ScreenedField.BeneficiaryName, "n", DateOfBirthAgreement.Unknown, "P")] : [],
            status == ScreeningStatus.Unscreenable ? [ScreenedField.OriginatorName] : [], "hash", 85, false);

    private static readonly TravelRuleResult MissingName =
        new(ImmutableArray.Create(new TravelRuleFinding(PartyRole.Originator, TravelRuleCode.OriginatorNameMissing)));

    [Fact]
    public void Combine_sanctions_hit_holds_even_when_rules_reject()
    {
        var reject = Rules.Evaluate(Payment(from: "KP"));
        var d = ComplianceRules.Combine(reject, MissingName, Screening(ScreeningStatus.PotentialMatch));
        Assert.Equal(ComplianceOutcome.Hold, d.Outcome);
        Assert.Equal(ComplianceReason.SanctionsPotentialMatch, d.Reason);
    }

    [Fact]
    public void Combine_precedence()
    {
        var pass = ComplianceDecision.Pass;
        var hold = Rules.Evaluate(Payment(amountMinor: 6_000_00));
        var reject = Rules.Evaluate(Payment(from: "KP"));
        Assert.Equal(reject, ComplianceRules.Combine(reject, MissingName, Screening(ScreeningStatus.Unscreenable)));
        var travel = ComplianceRules.Combine(hold, MissingName, Screening(ScreeningStatus.Clear));
        Assert.Equal(new ComplianceDecision(ComplianceOutcome.Reject, ComplianceReason.TravelRuleIncomplete, null, "RR02"), travel);
        Assert.Equal(ComplianceReason.PartyUnscreenable, ComplianceRules.Combine(hold, TravelRuleResult.Compliant, Screening(ScreeningStatus.Unscreenable)).Reason);
        Assert.Equal(hold, ComplianceRules.Combine(hold, TravelRuleResult.Compliant, Screening(ScreeningStatus.Clear)));
        Assert.Equal(pass, ComplianceRules.Combine(pass, TravelRuleResult.Compliant, Screening(ScreeningStatus.Clear)));
    }
}
