using System.Collections.Immutable;
using Corridor.Core.Countries;

namespace Corridor.Core.Compliance;

/// <summary>What to do with a payment. Ordered by severity.</summary>
public enum ComplianceOutcome : byte
{
    Pass = 0,
    /// <summary>Keep the payment out of settlement until an operator releases or rejects it.</summary>
    Hold = 1,
    Reject = 2,
}

/// <summary>Why a payment is held or rejected. Values are stable (journal, API); append only.</summary>
public enum ComplianceReason : byte
{
    None = 0,
    BlockedCountry = 1,
    BlockedCurrency = 2,
    AmountAboveRejectLimit = 3,
    AmountAboveHoldLimit = 4,
    TravelRuleIncomplete = 5,
    SanctionsPotentialMatch = 6,
    PartyUnscreenable = 7,
}

/// <summary>A compliance decision: outcome, reason, the rule that decided (if any) and the ISO 20022 reason code to report.</summary>
public readonly record struct ComplianceDecision(ComplianceOutcome Outcome, ComplianceReason Reason, string? RuleId, string? Iso20022Reason)
{
    public static readonly ComplianceDecision Pass = new(ComplianceOutcome.Pass, ComplianceReason.None, null, null);
}

/// <summary>The facts of a payment that rules look at. Amounts are integer minor units of their ISO 4217 currency.</summary>
public readonly record struct PaymentFacts(
    ulong DebtorParticipant,
    ulong CreditorParticipant,
    string SourceCountry,
    string DestinationCountry,
    string SendCurrency,
    long SendAmountMinor,
    string ReceiveCurrency,
    long ReceiveAmountMinor);

/// <summary>Value limits in one currency: hold above <see cref="HoldAboveMinor"/>, reject above <see cref="RejectAboveMinor"/>.</summary>
public sealed record ValueLimit(string Currency, long HoldAboveMinor = long.MaxValue, long RejectAboveMinor = long.MaxValue);

/// <summary>
/// Which payments a rule applies to: every non-null field must match. <see cref="Participant"/> matches
/// the debtor or the creditor participant; countries and currencies match the payment's corridor.
/// </summary>
public sealed record RuleScope(
    ulong? Participant = null,
    string? SourceCountry = null,
    string? DestinationCountry = null,
    string? SendCurrency = null,
    string? ReceiveCurrency = null)
{
    public static readonly RuleScope Global = new();

    public static RuleScope ForParticipant(ulong participant) => new(Participant: participant);

    public static RuleScope ForCountryCorridor(string sourceCountry, string destinationCountry) =>
        new(SourceCountry: sourceCountry, DestinationCountry: destinationCountry);

    public static RuleScope ForCurrencyPair(string sendCurrency, string receiveCurrency) =>
        new(SendCurrency: sendCurrency, ReceiveCurrency: receiveCurrency);

    public bool Matches(in PaymentFacts p) =>
        (Participant is not { } id || id == p.DebtorParticipant || id == p.CreditorParticipant)
        && (SourceCountry is null || SourceCountry == p.SourceCountry)
        && (DestinationCountry is null || DestinationCountry == p.DestinationCountry)
        && (SendCurrency is null || SendCurrency == p.SendCurrency)
        && (ReceiveCurrency is null || ReceiveCurrency == p.ReceiveCurrency);
}

/// <summary>One operator rule: limits and blocks that apply to payments in its scope.</summary>
public sealed record ComplianceRule(
    string Id,
    RuleScope Scope,
    ImmutableArray<ValueLimit> Limits = default,
    ImmutableArray<string> BlockedCountries = default,
    ImmutableArray<string> BlockedCurrencies = default);

/// <summary>
/// Operator rules per participant and per corridor. Rules only add restrictions: every rule in scope
/// applies and the most severe outcome wins, so no rule can pass what another holds or rejects, and
/// nothing here can switch screening off. Pure: the decision depends only on the rules and the payment,
/// not on the order the rules were given in.
/// </summary>
public sealed class ComplianceRules
{
    /// <summary>Bound on the number of rules.</summary>
    public const int MaxRules = 10_000;

    private readonly ComplianceRule[] _rules;

    public ImmutableArray<ComplianceRule> Rules { get; }

    /// <summary>Validates and orders the rules; throws <see cref="ArgumentException"/> on a malformed rule.</summary>
    public ComplianceRules(IEnumerable<ComplianceRule> rules)
    {
        var list = rules.ToList();
        if (list.Count > MaxRules) throw new ArgumentException($"more than {MaxRules} rules", nameof(rules));
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in list)
        {
            if (string.IsNullOrWhiteSpace(r.Id) || !ids.Add(r.Id)) throw new ArgumentException($"rule id '{r.Id}' is empty or duplicate", nameof(rules));
            CheckCountry(r.Scope.SourceCountry, r.Id);
            CheckCountry(r.Scope.DestinationCountry, r.Id);
            CheckCurrency(r.Scope.SendCurrency, r.Id);
            CheckCurrency(r.Scope.ReceiveCurrency, r.Id);
            foreach (var c in r.BlockedCountries.IsDefault ? [] : r.BlockedCountries) CheckCountry(c, r.Id);
            foreach (var c in r.BlockedCurrencies.IsDefault ? [] : r.BlockedCurrencies) CheckCurrency(c, r.Id);
            foreach (var l in r.Limits.IsDefault ? [] : r.Limits)
            {
                CheckCurrency(l.Currency, r.Id);
                if (l.HoldAboveMinor < 0 || l.RejectAboveMinor < 0)
                    throw new ArgumentException($"rule '{r.Id}': limits must not be negative", nameof(rules));
            }
        }
        list.Sort(static (x, y) => string.CompareOrdinal(x.Id, y.Id));
        _rules = [.. list];
        Rules = [.. list];
    }

    /// <summary>Decision of the rules alone (screening and travel rule are combined by <see cref="Combine"/>).</summary>
    public ComplianceDecision Evaluate(in PaymentFacts payment)
    {
        var decision = ComplianceDecision.Pass;
        foreach (var rule in _rules)
        {
            if (!rule.Scope.Matches(payment)) continue;
            var d = EvaluateRule(rule, payment);
            if (MoreSevere(d, decision)) decision = d;
            if (decision.Outcome == ComplianceOutcome.Reject && decision.Reason == ComplianceReason.BlockedCountry) break; // cannot get worse
        }
        return decision;
    }

    /// <summary>
    /// The payment's decision from rules, travel rule and screening, in this precedence:
    /// a potential sanctions match holds (a human must decide: rejecting could return funds to a
    /// designated party); then rule rejections; then travel-rule gaps reject with RR01..RR04;
    /// then an unscreenable party holds; then rule holds; else pass.
    /// </summary>
    public static ComplianceDecision Combine(ComplianceDecision rules, TravelRuleResult travelRule, ScreeningResult screening)
    {
        if (screening.Status == ScreeningStatus.PotentialMatch)
            return new(ComplianceOutcome.Hold, ComplianceReason.SanctionsPotentialMatch, null, null);
        if (rules.Outcome == ComplianceOutcome.Reject) return rules;
        if (!travelRule.IsCompliant)
            return new(ComplianceOutcome.Reject, ComplianceReason.TravelRuleIncomplete, null, travelRule.FirstReasonCode);
        if (screening.Status == ScreeningStatus.Unscreenable)
            return new(ComplianceOutcome.Hold, ComplianceReason.PartyUnscreenable, null, null);
        return rules;
    }

    private static ComplianceDecision EvaluateRule(ComplianceRule rule, in PaymentFacts p)
    {
        if (!rule.BlockedCountries.IsDefault
            && (rule.BlockedCountries.Contains(p.SourceCountry) || rule.BlockedCountries.Contains(p.DestinationCountry)))
        {
            return new(ComplianceOutcome.Reject, ComplianceReason.BlockedCountry, rule.Id, "RR04");
        }
        if (!rule.BlockedCurrencies.IsDefault
            && (rule.BlockedCurrencies.Contains(p.SendCurrency) || rule.BlockedCurrencies.Contains(p.ReceiveCurrency)))
        {
            return new(ComplianceOutcome.Reject, ComplianceReason.BlockedCurrency, rule.Id, "RR04");
        }
        var decision = ComplianceDecision.Pass;
        if (rule.Limits.IsDefault) return decision;
        foreach (var limit in rule.Limits)
        {
            if (limit.Currency == p.SendCurrency) decision = Worse(decision, CheckLimit(rule.Id, limit, p.SendAmountMinor));
            if (limit.Currency == p.ReceiveCurrency) decision = Worse(decision, CheckLimit(rule.Id, limit, p.ReceiveAmountMinor));
        }
        return decision;
    }

    private static ComplianceDecision CheckLimit(string ruleId, ValueLimit limit, long amountMinor)
    {
        if (amountMinor > limit.RejectAboveMinor) return new(ComplianceOutcome.Reject, ComplianceReason.AmountAboveRejectLimit, ruleId, "AM02");
        if (amountMinor > limit.HoldAboveMinor) return new(ComplianceOutcome.Hold, ComplianceReason.AmountAboveHoldLimit, ruleId, null);
        return ComplianceDecision.Pass;
    }

    private static ComplianceDecision Worse(ComplianceDecision a, ComplianceDecision b) => MoreSevere(b, a) ? b : a;

    // Severity: outcome, then reason (lower enum value first: blocked country beats amount), then rule id.
    private static bool MoreSevere(ComplianceDecision candidate, ComplianceDecision current)
    {
        if (candidate.Outcome != current.Outcome) return candidate.Outcome > current.Outcome;
        if (candidate.Outcome == ComplianceOutcome.Pass) return false;
        if (candidate.Reason != current.Reason) return candidate.Reason < current.Reason;
        return string.CompareOrdinal(candidate.RuleId, current.RuleId) < 0;
    }

    private static void CheckCountry(string? code, string ruleId)
    {
        if (code is not null && !CountryCodes.IsAssigned(code))
            throw new ArgumentException($"rule '{ruleId}': '{code}' is not an ISO 3166-1 alpha-2 country", nameof(code));
    }

    private static void CheckCurrency(string? code, string ruleId)
    {
        if (code is not null && (code.Length != 3 || !code.All(char.IsAsciiLetterUpper)))
            throw new ArgumentException($"rule '{ruleId}': '{code}' is not an ISO 4217 alphabetic code", nameof(code));
    }
}
