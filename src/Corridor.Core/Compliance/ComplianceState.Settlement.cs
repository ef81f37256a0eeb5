using System.Collections.Immutable;
using Corridor.Core.Exchange;
using Corridor.Core.Settlement;

namespace Corridor.Core.Compliance;

// Screening of same-currency settlement payments (operations 108 and 116), before any liquidity moves.
public sealed partial class ComplianceState
{
    /// <summary>
    /// Called by settlement for every payment that passed its own checks, before it enters a window, a schedule or RTGS.
    /// Customer payments: travel rule (cross-border unless payer and payee participants have BICs of the same country),
    /// then watch-list screening of originator and beneficiary and the operator's rules, combined exactly as for PvP
    /// payments. Interbank payments: the debtor and creditor institutions are screened (those given with the payment,
    /// else the payer and payee participants by registered name and BIC); the travel rule does not apply.
    /// A Hold leaves the payment held until ReleaseHold / RejectHold. <paramref name="travelAtEntry"/>: the travel rule as
    /// <see cref="TravelRuleOf"/> judged it at entry (operation 120), the same result this would work out.
    /// </summary>
    internal ComplianceOutcome ScreenSettlementPayment(SettlementState settlement, int index, in SubmitPayment cmd, PaymentDetails? details, ulong now,
        TravelRuleResult? travelAtEntry = null)
    {
        if (_paymentIndex.ContainsKey(cmd.PaymentId)) return ComplianceOutcome.Reject; // the id belongs to a screened PvP payment
        var view = settlement.ComplianceView(index);
        bool customer = cmd.Kind == PaymentKind.Customer;
        // Fast path that keeps interbank bulk flows (LSM, netting) cheap: nothing could hold or reject them.
        if (!customer && details is null && _lists.Count == 0 && _ruleItems.Count == 0) return ComplianceOutcome.Pass;

        PartyInfo? originator, beneficiary;
        TravelRuleResult travel;
        if (customer)
        {
            (originator, beneficiary) = CustomerParties(details);
            travel = travelAtEntry ?? TravelRule.Validate(originator, beneficiary, IsCrossBorder(view.PayerBic, view.PayeeBic));
        }
        else
        {
            originator = details?.Originator is { } o ? AsInstitution(ViewOf(o)) : new PartyInfo(PartyKind.Institution, view.PayerName, Bic: Empty(view.PayerBic));
            beneficiary = details?.Beneficiary is { } b ? AsInstitution(ViewOf(b)) : new PartyInfo(PartyKind.Institution, view.PayeeName, Bic: Empty(view.PayeeBic));
            travel = TravelRuleResult.Compliant;
        }
        string sourceCountry = details?.Originator?.Country is { Length: 2 } oc ? oc : BicCountry(view.PayerBic);
        string destinationCountry = details?.Beneficiary?.Country is { Length: 2 } bc ? bc : BicCountry(view.PayeeBic);
        var facts = new PaymentFacts(cmd.Payer, cmd.Payee, sourceCountry, destinationCountry, view.Currency, cmd.AmountMinor, view.Currency, cmd.AmountMinor);

        (ImmutableArray<ComplianceHit> hits, ImmutableArray<string> against, ScreeningStatus status) = Screen(originator ?? new PartyInfo(PartyKind.Person, null),
            beneficiary ?? new PartyInfo(PartyKind.Person, null), screenParties: originator is not null || beneficiary is not null);
        var screening = new ScreeningResult(status, [], [], "", Threshold, false);
        ComplianceDecision decision = ComplianceRules.Combine(_rules.Evaluate(facts), travel, screening);
        if (!customer && details is null && decision.Outcome == ComplianceOutcome.Pass) return ComplianceOutcome.Pass; // nothing to keep

        AddPayment(cmd.PaymentId, UInt128.Zero, now, decision, hits, against);
        return decision.Outcome;
    }

    /// <summary>Screens both parties against every loaded list (or, with none loaded, only checks that they are screenable).</summary>
    private (ImmutableArray<ComplianceHit> Hits, ImmutableArray<string> Against, ScreeningStatus Status) Screen(PartyInfo originator, PartyInfo beneficiary, bool screenParties)
    {
        // Most payments hit nothing: no builder for hits until one is found (this runs on the engine thread for every payment).
        ImmutableArray<ComplianceHit>.Builder? hits = null;
        bool unscreenable = false;
        if (_lists.Count == 0)
        {
            _emptyScreener ??= new Screener(WatchList.Create("none", "", []), Threshold);
            unscreenable = screenParties && _emptyScreener.Screen(originator, beneficiary).Status == ScreeningStatus.Unscreenable;
        }
        else
        {
            foreach (LoadedList list in _listsInOrder)
            {
                list.Screener ??= ScreenerOf(list.List);
                ScreeningResult r = list.Screener.Screen(originator, beneficiary);
                foreach (ScreeningHit h in r.Hits) (hits ??= ImmutableArray.CreateBuilder<ComplianceHit>()).Add(new ComplianceHit(list.Version.Name, list.Version.ContentHash, h));
                unscreenable |= r.Status == ScreeningStatus.Unscreenable;
            }
        }
        ScreeningStatus status = hits is { Count: > 0 } ? ScreeningStatus.PotentialMatch : unscreenable ? ScreeningStatus.Unscreenable : ScreeningStatus.Clear;
        return (hits?.ToImmutable() ?? [], _screenedAgainst, status); // _lists empty: the shared array is empty too
    }

    /// <summary>The index prepared for this list at the current threshold, else built here (counted in <see cref="ScreenerBuilds"/>).</summary>
    private Screener ScreenerOf(WatchList list)
    {
        if (Prepared.TryTakeScreener(list.ContentHash, Threshold) is { } prepared) return prepared;
        _screenerBuilds++;
        return new Screener(list, Threshold);
    }

    /// <summary>
    /// The lists in force whose screening index is not built yet at the current threshold (after a restore, a replay or a
    /// threshold change), and that threshold: what the rim prepares so the next payment does not build them.
    /// </summary>
    public (IReadOnlyList<WatchList> Lists, int Threshold) ListsWithoutIndex()
    {
        var lists = new List<WatchList>();
        foreach (LoadedList l in _lists.Values) if (l.Screener is null) lists.Add(l.List);
        return (lists, Threshold);
    }

    /// <summary>The lists in force (their parsed content), by name.</summary>
    public IReadOnlyList<WatchList> ListsInForce()
    {
        var lists = new List<WatchList>(_lists.Count);
        foreach (LoadedList l in _lists.Values) lists.Add(l.List);
        return lists;
    }

    /// <summary>True when the list in force under <paramref name="name"/> has exactly this content (a load of it changes nothing).</summary>
    public bool IsInForce(string name, string contentHash) => _lists.TryGetValue(name, out LoadedList? l) && l.Version.ContentHash == contentHash;

    /// <summary>Domestic only when both participants have BICs naming the same country (ISO 9362 characters 5–6); otherwise cross-border.</summary>
    /// <summary>
    /// The travel rule of a payment exactly as <see cref="ScreenSettlementPayment"/> applies it, from its content and the
    /// participants' BICs, changing nothing. The entry paths refuse an incomplete customer payment with it before
    /// journaling (a refusal for the payment's own content consumes no id). Compliant for interbank payments and for
    /// unknown participants (the engine refuses those first).
    /// </summary>
    public TravelRuleResult TravelRuleOf(SettlementState settlement, in SubmitPayment cmd, PaymentDetails? details)
    {
        if (cmd.Kind != PaymentKind.Customer) return TravelRuleResult.Compliant;
        if (settlement.ParticipantBic(cmd.Payer) is not { } payerBic || settlement.ParticipantBic(cmd.Payee) is not { } payeeBic) return TravelRuleResult.Compliant;
        var (originator, beneficiary) = CustomerParties(details);
        return TravelRule.Validate(originator, beneficiary, IsCrossBorder(payerBic, payeeBic));
    }

    /// <summary>Originator (with birth data, FATF R16) and beneficiary of a customer payment as the travel rule and screening see them.</summary>
    private (PartyInfo? Originator, PartyInfo? Beneficiary) CustomerParties(PaymentDetails? details)
    {
        PartyInfo? originator = details?.Originator is { } o ? ViewOf(o) : null;
        if (originator is not null && details!.OriginatorBirth is { } birth)
            originator = originator with { DateOfBirth = birth.Date, PlaceOfBirth = birth.City.Length == 0 ? null : birth.City };
        PartyInfo? beneficiary = details?.Beneficiary is { } b ? ViewOf(b) : null;
        return (originator, beneficiary);
    }

    internal static bool IsCrossBorder(string payerBic, string payeeBic) =>
        payerBic.Length < 6 || payeeBic.Length < 6 || !payerBic.AsSpan(4, 2).SequenceEqual(payeeBic.AsSpan(4, 2));

    private static string BicCountry(string bic) => bic.Length >= 6 ? bic.Substring(4, 2) : "";

    private static PartyInfo AsInstitution(PartyInfo p) => p with { Kind = PartyKind.Institution };
}
