using Corridor.Iso20022.Codes;
using Corridor.Iso20022.Model;

namespace Corridor.Iso20022.Validation;

/// <summary>Business rules beyond the XSD, each finding tagged with its ISO reason code (see <see cref="ReasonCodes"/>).</summary>
public static class BusinessRules
{
    /// <summary>Checks any parsed message; returns an empty list when it passes.</summary>
    public static IReadOnlyList<ValidationIssue> Check(IsoMessage message, BusinessRuleOptions? options = null)
    {
        options ??= BusinessRuleOptions.Default;
        var issues = new List<ValidationIssue>();
        switch (message)
        {
            case Pacs008Message m: CheckPacs008(m, options, issues); break;
            case Pacs009Message m: CheckPacs009(m, options, issues); break;
            case Pacs004Message m: CheckPacs004(m, options, issues); break;
            case Camt056Message m: CheckCamt056(m, options, issues); break;
        }
        return issues;
    }

    private static void CheckPacs008(Pacs008Message m, BusinessRuleOptions o, List<ValidationIssue> issues)
    {
        CheckHeader(m.GrpHdr, m.Transactions.Count, o, issues);
        var endToEnd = new HashSet<string>(StringComparer.Ordinal);
        var uetrs = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < m.Transactions.Count; i++)
        {
            var tx = m.Transactions[i];
            var p = new TxPath("CdtTrfTxInf", i);
            CheckIds(tx.PmtId, p, endToEnd, uetrs, o, issues);
            CheckAmount(tx.IntrBkSttlmAmt, p, "/IntrBkSttlmAmt", o, issues, settlement: true);
            if (tx.InstdAmt is { } instd) CheckAmount(instd, p, "/InstdAmt", o, issues, settlement: false);
            CheckCrossCurrency(tx.IntrBkSttlmAmt, tx.InstdAmt, tx.XchgRate, p, o, issues);
            CheckAgent(tx.DbtrAgt, p, "/DbtrAgt", issues);
            CheckAgent(tx.CdtrAgt, p, "/CdtrAgt", issues);
            if (tx.InstgAgt is not null) CheckAgent(tx.InstgAgt, p, "/InstgAgt", issues);
            if (tx.InstdAgt is not null) CheckAgent(tx.InstdAgt, p, "/InstdAgt", issues);
            CheckInstructedAgent(tx.InstdAgt ?? m.GrpHdr.InstdAgt, p, "/InstdAgt", o, issues);
            CheckAccount(tx.DbtrAcct, p, "/DbtrAcct", issues);
            CheckAccount(tx.CdtrAcct, p, "/CdtrAcct", issues);
            if (IsCrossBorder(tx)) CheckTravelRule(tx, p, issues);
            CheckRegulatory(tx, p, o, issues);
        }
    }

    /// <summary>
    /// A payment is cross-border unless both agents are identified by BIC in the same country and no currency
    /// conversion happens. Without BICs Corridor cannot tell, so it applies the stricter cross-border rules.
    /// </summary>
    public static bool IsCrossBorder(CustomerCreditTransfer tx)
    {
        string? dbtrCtry = BicRules.CountryOf(tx.DbtrAgt.Bicfi);
        string? cdtrCtry = BicRules.CountryOf(tx.CdtrAgt.Bicfi);
        bool sameCountry = dbtrCtry is not null && dbtrCtry == cdtrCtry;
        bool converted = tx.InstdAmt is { } i && i.Currency != tx.IntrBkSttlmAmt.Currency;
        return !sameCountry || converted;
    }

    /// <summary>FATF Recommendation 16 ("travel rule") data for cross-border payments: RR01, RR02, RR03, AC01.</summary>
    private static void CheckTravelRule(CustomerCreditTransfer tx, TxPath p, List<ValidationIssue> issues)
    {
        var dbtr = tx.Dbtr;
        if (tx.DbtrAcct is null && dbtr.Id is null)
            issues.Add(new(ReasonCodes.MissingDebtorAccountOrId, p + "/DbtrAcct", "cross-border payment without debtor account or debtor identification"));
        if (string.IsNullOrWhiteSpace(dbtr.Name))
        {
            issues.Add(new(ReasonCodes.MissingDebtorNameOrAddress, p + "/Dbtr/Nm", "cross-border payment without debtor name"));
        }
        else
        {
            bool address = dbtr.Address is { TownName: not null, Country: not null };
            bool id = dbtr.Id is not null;
            if (!address && !id)
                issues.Add(new(ReasonCodes.MissingDebtorNameOrAddress, p + "/Dbtr/PstlAdr",
                    "cross-border payment needs a debtor address with TwnNm and Ctry, or a debtor Id (OrgId or PrvtId, e.g. DtAndPlcOfBirth)"));
        }
        if (string.IsNullOrWhiteSpace(tx.Cdtr.Name))
            issues.Add(new(ReasonCodes.MissingCreditorNameOrAddress, p + "/Cdtr/Nm", "cross-border payment without creditor name"));
        if (tx.CdtrAcct is null)
            issues.Add(new(ReasonCodes.IncorrectAccountNumber, p + "/CdtrAcct", "cross-border payment without creditor account"));
    }

    private static void CheckRegulatory(CustomerCreditTransfer tx, TxPath p, BusinessRuleOptions o, List<ValidationIssue> issues)
    {
        for (int j = 0; j < tx.RgltryRptg.Count; j++)
        {
            var rr = tx.RgltryRptg[j];
            if (rr.Details.Count == 0)
                issues.Add(new(ReasonCodes.RegulatoryReason, $"{p}/RgltryRptg[{j}]/Dtls", "regulatory reporting without details"));
            foreach (var d in rr.Details)
            {
                if (d.Code is null && d.Info.Count == 0)
                    issues.Add(new(ReasonCodes.RegulatoryReason, $"{p}/RgltryRptg[{j}]/Dtls", "regulatory detail needs Cd or Inf"));
                if (d.Country is not null && !CountryCodes.IsValid(d.Country))
                    issues.Add(new(ReasonCodes.RegulatoryReason, $"{p}/RgltryRptg[{j}]/Dtls/Ctry", $"unknown country '{d.Country}'"));
            }
        }
        if (o.RegulatoryReportingCountries is { Count: > 0 } required && tx.RgltryRptg.Count == 0)
        {
            string? dc = BicRules.CountryOf(tx.DbtrAgt.Bicfi), cc = BicRules.CountryOf(tx.CdtrAgt.Bicfi);
            if ((dc is not null && required.Contains(dc)) || (cc is not null && required.Contains(cc)))
                issues.Add(new(ReasonCodes.RegulatoryReason, p + "/RgltryRptg", "regulatory reporting required for this corridor"));
        }
    }

    private static void CheckPacs009(Pacs009Message m, BusinessRuleOptions o, List<ValidationIssue> issues)
    {
        CheckHeader(m.GrpHdr, m.Transactions.Count, o, issues);
        var endToEnd = new HashSet<string>(StringComparer.Ordinal);
        var uetrs = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < m.Transactions.Count; i++)
        {
            var tx = m.Transactions[i];
            var p = new TxPath("CdtTrfTxInf", i);
            CheckIds(tx.PmtId, p, endToEnd, uetrs, o, issues);
            CheckAmount(tx.IntrBkSttlmAmt, p, "/IntrBkSttlmAmt", o, issues, settlement: true);
            CheckAgent(tx.Dbtr, p, "/Dbtr", issues);
            CheckAgent(tx.Cdtr, p, "/Cdtr", issues);
            CheckInstructedAgent(tx.InstdAgt ?? m.GrpHdr.InstdAgt, p, "/InstdAgt", o, issues);
            CheckAccount(tx.DbtrAcct, p, "/DbtrAcct", issues);
            CheckAccount(tx.CdtrAcct, p, "/CdtrAcct", issues);
        }
    }

    private static void CheckPacs004(Pacs004Message m, BusinessRuleOptions o, List<ValidationIssue> issues)
    {
        CheckHeader(m.GrpHdr, m.Transactions.Count, o, issues);
        for (int i = 0; i < m.Transactions.Count; i++)
        {
            var tx = m.Transactions[i];
            var p = new TxPath("TxInf", i);
            CheckAmount(tx.RtrdIntrBkSttlmAmt, p, "/RtrdIntrBkSttlmAmt", o, issues, settlement: true);
            if (tx.OrgnlEndToEndId is null && tx.OrgnlUetr is null && tx.OrgnlTxId is null)
                issues.Add(new(ReasonCodes.InvalidFileFormat, p.ToString(), "return without OrgnlEndToEndId, OrgnlTxId or OrgnlUETR"));
            if (tx.OrgnlIntrBkSttlmAmt is { } orig && orig.Currency == tx.RtrdIntrBkSttlmAmt.Currency && tx.RtrdIntrBkSttlmAmt.AmountMinor > orig.AmountMinor)
                issues.Add(new(ReasonCodes.WrongAmount, p + "/RtrdIntrBkSttlmAmt", "returned amount exceeds the original settlement amount"));
            if (tx.Reasons.Count == 0 && m.GroupReasons.Count == 0)
                issues.Add(new(ReasonCodes.InvalidFileFormat, p + "/RtrRsnInf", "return without a reason"));
        }
    }

    private static void CheckCamt056(Camt056Message m, BusinessRuleOptions o, List<ValidationIssue> issues)
    {
        if (o.IsSeen is { } seen && seen(new DuplicateKey(IdKind.MsgId, m.AssignmentId)))
            issues.Add(new(ReasonCodes.DuplicatePayment, "Assgnmt/Id", $"cancellation request '{m.AssignmentId}' already received"));
        if (m.Transactions.Count > BusinessRuleOptions.MaxTransactionsPerMessage)
            issues.Add(new(ReasonCodes.InvalidNumberOfTransactions, "Undrlyg", "too many transactions"));
        CheckInstructedAgent(m.Assignee, new TxPath("Assgnmt", -1), "/Assgne", o, issues);
        for (int i = 0; i < m.Transactions.Count; i++)
        {
            var tx = m.Transactions[i];
            var p = new TxPath("Undrlyg/TxInf", i);
            if (tx.OrgnlEndToEndId is null && tx.OrgnlUetr is null && tx.OrgnlTxId is null)
                issues.Add(new(ReasonCodes.InvalidFileFormat, p.ToString(), "cancellation without OrgnlEndToEndId, OrgnlTxId or OrgnlUETR"));
            if (tx.OrgnlIntrBkSttlmAmt is { } amt) CheckAmount(amt, p, "/OrgnlIntrBkSttlmAmt", o, issues, settlement: false);
            if (tx.Reasons.Count == 0)
                issues.Add(new(ReasonCodes.InvalidFileFormat, p + "/CxlRsnInf", "cancellation without a reason"));
        }
    }

    private static void CheckHeader(GroupHeader h, int count, BusinessRuleOptions o, List<ValidationIssue> issues)
    {
        if (h.NbOfTxs != count)
            issues.Add(new(ReasonCodes.InvalidNumberOfTransactions, "GrpHdr/NbOfTxs", $"NbOfTxs is {h.NbOfTxs} but the message holds {count} transactions"));
        if (count > BusinessRuleOptions.MaxTransactionsPerMessage)
            issues.Add(new(ReasonCodes.InvalidNumberOfTransactions, "GrpHdr/NbOfTxs", $"more than {BusinessRuleOptions.MaxTransactionsPerMessage} transactions"));
        if (o.IsSeen is { } seen && seen(new DuplicateKey(IdKind.MsgId, h.MsgId)))
            issues.Add(new(ReasonCodes.DuplicatePayment, "GrpHdr/MsgId", $"message '{h.MsgId}' already received"));
        if (h.InstgAgt is not null) CheckAgent(h.InstgAgt, TxPath.Header, "/InstgAgt", issues);
        if (h.InstdAgt is not null) CheckAgent(h.InstdAgt, TxPath.Header, "/InstdAgt", issues);
    }

    private static void CheckIds(PaymentIdentification id, TxPath p, HashSet<string> endToEnd, HashSet<string> uetrs, BusinessRuleOptions o, List<ValidationIssue> issues)
    {
        if (!endToEnd.Add(id.EndToEndId))
            issues.Add(new(ReasonCodes.Duplication, p + "/PmtId/EndToEndId", $"EndToEndId '{id.EndToEndId}' repeated in the message"));
        if (id.Uetr is not null && !uetrs.Add(id.Uetr))
            issues.Add(new(ReasonCodes.Duplication, p + "/PmtId/UETR", $"UETR '{id.Uetr}' repeated in the message"));
        if (o.IsSeen is { } seen)
        {
            if (id.Uetr is not null && seen(new DuplicateKey(IdKind.Uetr, id.Uetr)))
                issues.Add(new(ReasonCodes.DuplicatePayment, p + "/PmtId/UETR", $"UETR '{id.Uetr}' already received"));
            else if (seen(new DuplicateKey(IdKind.EndToEndId, id.EndToEndId)))
                issues.Add(new(ReasonCodes.DuplicatePayment, p + "/PmtId/EndToEndId", $"EndToEndId '{id.EndToEndId}' already received"));
        }
    }

    private static void CheckAmount(Money amount, TxPath at, string field, BusinessRuleOptions o, List<ValidationIssue> issues, bool settlement)
    {
        if (!Iso4217.IsKnown(amount.Currency))
        {
            issues.Add(new(ReasonCodes.NotAllowedCurrency, at.With(field), $"'{amount.Currency}' is not an active ISO 4217 currency"));
            return;
        }
        if (settlement && o.SettlementCurrencies is { } settled && !settled.Contains(amount.Currency))
            issues.Add(new(ReasonCodes.NotAllowedCurrency, at.With(field), $"{amount.Currency} is not settled by this node"));
        if (amount.AmountMinor < 0)
            issues.Add(new(ReasonCodes.InvalidAmount, at.With(field), "negative amount"));
        else if (amount.AmountMinor == 0)
            issues.Add(new(ReasonCodes.ZeroAmount, at.With(field), "amount is zero"));
        else if (settlement && amount.AmountMinor > o.MaxAmountMinor)
            issues.Add(new(ReasonCodes.NotAllowedAmount, at.With(field), $"amount {amount} exceeds the maximum of {o.MaxAmountMinor} minor units"));
    }

    /// <summary>
    /// Cross-currency consistency (AM09): when InstdAmt is in another currency, XchgRate is required and
    /// InstdAmt × XchgRate must match IntrBkSttlmAmt within the tolerance (charges may be deducted under CRED/SHAR).
    /// Same currency: XchgRate, if present, must be 1 and IntrBkSttlmAmt must not exceed InstdAmt.
    /// Exact integer arithmetic in Int128; no floating point.
    /// </summary>
    private static void CheckCrossCurrency(Money sttlm, Money? instdOrNull, ExchangeRate? rate, TxPath p, BusinessRuleOptions o, List<ValidationIssue> issues)
    {
        if (rate is { ScaledE10: <= 0 })
        {
            issues.Add(new(ReasonCodes.WrongAmount, p + "/XchgRate", "exchange rate must be positive"));
            return;
        }
        if (instdOrNull is not { } instd) return;
        if (instd.Currency == sttlm.Currency)
        {
            if (rate is { } r && r.ScaledE10 != MinorUnits.Pow10(ExchangeRate.Scale))
                issues.Add(new(ReasonCodes.WrongAmount, p + "/XchgRate", "exchange rate other than 1 for a same-currency payment"));
            if (sttlm.AmountMinor > instd.AmountMinor)
                issues.Add(new(ReasonCodes.WrongAmount, p + "/IntrBkSttlmAmt", "settlement amount exceeds the instructed amount"));
            return;
        }
        if (rate is not { } xr)
        {
            issues.Add(new(ReasonCodes.WrongAmount, p + "/XchgRate", $"{instd.Currency}→{sttlm.Currency} conversion without XchgRate"));
            return;
        }
        if (!Iso4217.TryGetExponent(instd.Currency, out int ei) || !Iso4217.TryGetExponent(sttlm.Currency, out int es)) return;
        // expected settlement minor = instdMinor × rate × 10^es / 10^ei
        Int128 numerator = (Int128)instd.AmountMinor * xr.ScaledE10 * MinorUnits.Pow10(es);
        Int128 denominator = (Int128)MinorUnits.Pow10(ExchangeRate.Scale) * MinorUnits.Pow10(ei);
        Int128 expected = numerator / denominator;
        Int128 tolerance = expected * o.CrossCurrencyTolerancePpm / 1_000_000 + 1;
        Int128 diff = expected - sttlm.AmountMinor;
        if (diff < 0) diff = -diff;
        if (diff > tolerance)
            issues.Add(new(ReasonCodes.WrongAmount, p + "/IntrBkSttlmAmt",
                $"{sttlm} differs from InstdAmt {instd} × XchgRate {xr} = {expected} minor units by more than the tolerance"));
    }

    private static void CheckAgent(Agent agent, TxPath at, string field, List<ValidationIssue> issues)
    {
        if (agent.Bicfi is null && agent.ClearingMemberId is null && agent.Lei is null)
            issues.Add(new(ReasonCodes.BankIdentifierIncorrect, at.With(field), "agent without BICFI, clearing member id or LEI"));
        else if (agent.Bicfi is not null && !BicRules.IsWellFormed(agent.Bicfi))
            issues.Add(new(ReasonCodes.BankIdentifierIncorrect, at.With(field) + "/FinInstnId/BICFI", $"'{agent.Bicfi}' is not a valid BIC (format or country code)"));
    }

    private static void CheckInstructedAgent(Agent? instd, TxPath at, string field, BusinessRuleOptions o, List<ValidationIssue> issues)
    {
        if (o.OwnBic is null || instd?.Bicfi is null) return;
        if (!string.Equals(instd.Bicfi, o.OwnBic, StringComparison.Ordinal)
            && !(instd.Bicfi.Length == 11 && o.OwnBic.Length == 8 && instd.Bicfi.StartsWith(o.OwnBic, StringComparison.Ordinal)))
            issues.Add(new(ReasonCodes.IncorrectAgent, at.With(field), $"instructed agent {instd.Bicfi} is not this node ({o.OwnBic})"));
    }

    private static void CheckAccount(CashAccount? account, TxPath at, string field, List<ValidationIssue> issues)
    {
        if (account?.Iban is { } iban && !IbanRules.IsValid(iban))
            issues.Add(new(ReasonCodes.IncorrectAccountNumber, at.With(field) + "/Id/IBAN", $"IBAN '{iban}' fails the ISO 13616 mod-97 check"));
    }

    /// <summary>Where a finding is, built into a string only when there is a finding (no allocation on the happy path).</summary>
    private readonly record struct TxPath(string Root, int Index)
    {
        public static readonly TxPath Header = new("GrpHdr", -1);

        public string With(string suffix) => Index < 0 ? Root + suffix : $"{Root}[{Index}]{suffix}";

        public static string operator +(TxPath p, string suffix) => p.With(suffix);

        public override string ToString() => With("");
    }
}
