using Corridor.Core.Exchange;
using Corridor.Iso20022.Model;

namespace Corridor.Iso20022.Mapping;

/// <summary>Trade references as the engine keeps them, or why the transaction is refused (ISO reason code and the corridor code in the text).</summary>
public readonly record struct MappedTrade(TradeReference? Trade, string? ReasonCode, string? Reason)
{
    public bool IsRefused => ReasonCode is not null;
}

/// <summary>
/// The one mapping of a pacs.008 transaction's trade references (<see cref="TradeReferences"/>, read from RmtInf) to the
/// engine's <see cref="TradeReference"/>, used by same-currency and cross-currency payments alike. Values are carried as
/// received, never truncated; the format rules are Core's (<see cref="TradeReferenceRules.ValidateGiven"/>), the same the
/// JSON API applies.
/// </summary>
public static class TradeMapping
{
    /// <summary>ISO 20022 ExternalStatusReason1Code RR07 RemittanceInformationInvalid: a trade reference breaks its format rule.</summary>
    public const string RemittanceInformationInvalid = "RR07";

    /// <summary>
    /// Null trade when the message carries none the engine keeps (invoice, contract, letter of credit, goods, HS code, Incoterms);
    /// refused with FF01 when a value is longer than the engine's bound, with RR07 when it breaks a format rule
    /// (the text starts with the stable code, e.g. <c>fx.hs_code_invalid</c>, as the JSON API answers it).
    /// </summary>
    public static MappedTrade Map(TradeReferences t)
    {
        if (t.InvoiceNumber is null && t.InvoiceDate is null && t.ContractReference is null && t.LetterOfCredit is null
            && t.GoodsDescription is null && t.HsCode is null && t.Incoterms is null)
            return new(null, null, null);
        string? tooLong = TooLong(t.InvoiceNumber, TradeReference.MaxInvoiceNumber, "invoice number")
            ?? TooLong(t.ContractReference, TradeReference.MaxContract, "contract")
            ?? TooLong(t.LetterOfCredit, TradeReference.MaxLetterOfCredit, "letter of credit")
            ?? TooLong(t.GoodsDescription, TradeReference.MaxGoods, "goods description")
            ?? TooLong(t.HsCode, TradeReference.MaxHsCode, "HS code");
        if (tooLong is not null) return new(null, Validation.ReasonCodes.InvalidFileFormat, tooLong);
        uint date = t.InvoiceDate is { } d ? (uint)(d.Year * 10000 + d.Month * 100 + d.Day) : 0;
        var trade = new TradeReference(t.InvoiceNumber ?? "", date, t.ContractReference ?? "", t.LetterOfCredit ?? "", t.GoodsDescription ?? "",
            t.HsCode ?? "", TradeReferenceRules.IncotermsOf(t.Incoterms ?? ""), "");
        return TradeReferenceRules.ValidateGiven(trade) switch
        {
            PayResult.Ok => new(trade, null, null),
            PayResult.HsCodeInvalid => new(null, RemittanceInformationInvalid,
                $"fx.hs_code_invalid: HS code '{t.HsCode}' is not 6, 8 or 10 digits (e.g. 847130)"),
            PayResult.IncotermsInvalid => new(null, RemittanceInformationInvalid,
                $"fx.incoterms_invalid: '{Quote(t.Incoterms!)}' is not an Incoterms 2020 rule (e.g. FOB, CIF)"),
            PayResult.InvoiceDateInvalid => new(null, RemittanceInformationInvalid, "fx.invoice_date_invalid: the invoice date is not a calendar date"),
            PayResult other => throw new InvalidOperationException($"format rules answered {other}, which is not a format rule"),
        };
    }

    /// <summary>At most 12 characters of a refused value, so the reason stays inside StsRsnInf/AddtlInf (Max105Text) with its path.</summary>
    private static string Quote(string value) =>
        value.Length <= 12 ? value : value[..(char.IsHighSurrogate(value[11]) ? 11 : 12)] + "…"; // never half a surrogate pair

    private static string? TooLong(string? value, int max, string name) =>
        value is not null && value.Length > max ? $"trade reference {name} longer than {max} characters" : null;
}
