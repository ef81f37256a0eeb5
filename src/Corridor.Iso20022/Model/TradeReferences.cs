namespace Corridor.Iso20022.Model;

/// <summary>Trade references of a cross-border payment, read from the remittance information by a fixed convention.</summary>
/// <remarks>
/// Convention (docs/iso20022.md, "Trade references"):
/// <list type="bullet">
/// <item>Strd/RfrdDocInf with Tp/CdOrPrtry/Cd = CINV (commercial invoice) gives <see cref="InvoiceNumber"/> (Nb) and <see cref="InvoiceDate"/> (RltdDt);
/// CMCN (commercial contract) gives <see cref="ContractReference"/>; PUOR gives <see cref="PurchaseOrder"/>; BOLD gives <see cref="BillOfLading"/>;
/// Prtry = LOCR (letter of credit) gives <see cref="LetterOfCredit"/>.</item>
/// <item>Strd/AddtlRmtInf lines (and, as a fallback, Ustrd lines) hold tags "KEY:value" separated by ';':
/// HS (harmonised system code, digits only, e.g. HS:847130), INCOTERMS (e.g. INCOTERMS:FOB), LC, CONTRACT, PO, BL, INV, INVDT (yyyy-MM-dd), GOODS (description).
/// A structured document wins over a tag for the same field; the first occurrence wins.</item>
/// </list>
/// </remarks>
public sealed record TradeReferences
{
    /// <summary>Letter-of-credit proprietary document type.</summary>
    public const string LetterOfCreditType = "LOCR";

    public string? InvoiceNumber { get; init; }
    public DateOnly? InvoiceDate { get; init; }
    public string? ContractReference { get; init; }
    public string? PurchaseOrder { get; init; }
    public string? BillOfLading { get; init; }
    public string? LetterOfCredit { get; init; }
    public string? HsCode { get; init; }
    public string? Incoterms { get; init; }
    public string? GoodsDescription { get; init; }

    public static readonly TradeReferences None = new();

    /// <summary>Reads the trade references out of <paramref name="rmtInf"/> (may be null).</summary>
    public static TradeReferences From(RemittanceInfo? rmtInf)
    {
        if (rmtInf is null) return None;
        var t = new TradeReferences();
        foreach (var s in rmtInf.Structured)
        {
            foreach (var d in s.Documents)
            {
                switch (d.TypeCode ?? d.TypeProprietary)
                {
                    case "CINV":
                        t = t with { InvoiceNumber = t.InvoiceNumber ?? d.Number, InvoiceDate = t.InvoiceDate ?? d.RelatedDate };
                        break;
                    case "CMCN": t = t with { ContractReference = t.ContractReference ?? d.Number }; break;
                    case "PUOR": t = t with { PurchaseOrder = t.PurchaseOrder ?? d.Number }; break;
                    case "BOLD": t = t with { BillOfLading = t.BillOfLading ?? d.Number }; break;
                    case LetterOfCreditType: t = t with { LetterOfCredit = t.LetterOfCredit ?? d.Number }; break;
                }
            }
        }
        foreach (var s in rmtInf.Structured)
        {
            foreach (var line in s.AdditionalInfo) t = ApplyTags(t, line);
        }
        foreach (var line in rmtInf.Unstructured) t = ApplyTags(t, line);
        return t;
    }

    private static TradeReferences ApplyTags(TradeReferences t, string line)
    {
        foreach (var raw in line.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == raw.Length - 1) continue;
            string key = raw[..colon].Trim().ToUpperInvariant();
            string value = raw[(colon + 1)..].Trim();
            t = key switch
            {
                "HS" => t with { HsCode = t.HsCode ?? value },
                "INCOTERMS" => t with { Incoterms = t.Incoterms ?? value },
                "LC" => t with { LetterOfCredit = t.LetterOfCredit ?? value },
                "CONTRACT" => t with { ContractReference = t.ContractReference ?? value },
                "PO" => t with { PurchaseOrder = t.PurchaseOrder ?? value },
                "BL" => t with { BillOfLading = t.BillOfLading ?? value },
                "INV" => t with { InvoiceNumber = t.InvoiceNumber ?? value },
                "INVDT" when DateOnly.TryParseExact(value, "yyyy-MM-dd", out var d) => t with { InvoiceDate = t.InvoiceDate ?? d },
                "GOODS" => t with { GoodsDescription = t.GoodsDescription ?? value },
                _ => t,
            };
        }
        return t;
    }
}
