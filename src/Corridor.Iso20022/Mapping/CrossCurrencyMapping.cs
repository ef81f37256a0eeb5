using Corridor.Core.Exchange;
using Corridor.Core.Settlement;
using Corridor.Iso20022.Model;
using Corridor.Iso20022.Validation;

namespace Corridor.Iso20022.Mapping;

/// <summary>A cross-currency pacs.008 transaction mapped to the engine's lock-and-pay item, or the reason it cannot be.</summary>
public sealed record MappedCrossCurrency(PayAtBestQuote? Payment, string? ReasonCode, string? Reason)
{
    public bool IsMapped => Payment is not null;
}

/// <summary>
/// Cross-currency pacs.008 (InstdAmt in currency A, IntrBkSttlmAmt in currency B, XchgRate) → one <see cref="PayAtBestQuote"/>:
/// the payee receives exactly IntrBkSttlmAmt (destination side fixed), the payer pays what the best quote asks for it, and the
/// quote's rate must be within <see cref="RateTolerancePpm"/> of XchgRate (the engine checks it). Parties and trade references
/// go through the same mappings as a same-currency payment (<see cref="PartyMapping"/>, <see cref="TradeMapping"/>).
/// </summary>
public static class CrossCurrencyMapping
{
    /// <summary>Largest gap between the best quote's rate and the message's XchgRate: 0.1 % (AM09 beyond).</summary>
    public const uint RateTolerancePpm = 1_000;

    /// <summary>What the exchange keeps for a payment without trade references.</summary>
    private static readonly TradeReference NoTrade = new("", 0, "", "", "", "", Incoterms.None, "");

    public static bool IsCrossCurrency(CustomerCreditTransfer t) => t.InstdAmt is { } a && a.Currency != t.IntrBkSttlmAmt.Currency;

    /// <summary>
    /// Maps <paramref name="tx"/>: its agents by BIC (<paramref name="participantByBic"/>) and their settlement accounts in each
    /// currency (<paramref name="settlementAccount"/>: participant, currency code → account id).
    /// </summary>
    public static MappedCrossCurrency Map(string msgId, CustomerCreditTransfer tx, Func<string, ulong?> participantByBic, Func<ulong, string, UInt128?> settlementAccount)
    {
        Money instructed = tx.InstdAmt!.Value, settled = tx.IntrBkSttlmAmt;
        string? payerBic = (tx.InstgAgt ?? tx.DbtrAgt).Bicfi, payeeBic = (tx.InstdAgt ?? tx.CdtrAgt).Bicfi;
        if (payerBic is null || participantByBic(payerBic) is not { } payer) return Refused("RC01", $"instructing agent {payerBic ?? "(no BIC)"} is not a participant");
        if (payeeBic is null || participantByBic(payeeBic) is not { } payee) return Refused("RC01", $"instructed agent {payeeBic ?? "(no BIC)"} is not a participant");
        if (settlementAccount(payer, instructed.Currency) is not { } payerAccount)
            return Refused(ReasonCodes.NotAllowedCurrency, $"instructing agent has no {instructed.Currency} settlement account");
        if (settlementAccount(payee, settled.Currency) is not { } payeeAccount)
            return Refused(ReasonCodes.NotAllowedCurrency, $"instructed agent has no {settled.Currency} settlement account");
        if (tx.XchgRate is not { } rate) return Refused(ReasonCodes.WrongAmount, "cross-currency transaction without XchgRate");
        MappedTrade trade = TradeMapping.Map(tx.Trade);
        if (trade.IsRefused) return Refused(trade.ReasonCode, trade.Reason);
        PaymentDetails parties = PartyMapping.Details(msgId, tx);
        var item = new PayAtBestQuote(
            PaymentMapping.PaymentIdOf(msgId, tx.PmtId), payer, payerAccount, payeeAccount, instructed.Currency, settled.Currency,
            settled.AmountMinor, AmountSide.Destination, rate.ScaledE10, RateTolerancePpm, parties.Originator!, parties.Beneficiary!, trade.Trade ?? NoTrade, parties.References);
        return new MappedCrossCurrency(item, null, null);
    }

    private static MappedCrossCurrency Refused(string? code, string? reason) => new(null, code, reason);
}
