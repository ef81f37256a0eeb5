using Corridor.Core.Exchange;

namespace Corridor.Core.Tests.Exchange;

/// <summary>
/// <see cref="TradeReferenceRules.ValidateGiven"/>: the format rules every entry path applies to the trade references a
/// payment carries (optional ones included): absent values pass, each given value must be well formed, and each answer
/// is the one <see cref="TradeReferenceRules.Validate"/> gives for the same mistake on a cross-border payment.
/// </summary>
public class TradeReferenceFormatTests
{
    private static readonly TradeReference Empty = new("", 0, "", "", "", "", Incoterms.None, "");
    private static readonly TradeReference Complete = new("INV-1", 20261102, "", "LC-1", "Laptop motherboards", "847130", Incoterms.Fob, "Mombasa");
    private static readonly Party Someone = new("Acme Ltd", "Main Road", "1", "00100", "Nairobi", "", "KE", "ACC-1", PartyIdScheme.TaxId, "P051234567X");

    private static readonly (string What, PayResult Expected)[] Table =
    [
        ("nothing given", PayResult.Ok),
        ("complete", PayResult.Ok),
        ("hs 8 digits", PayResult.Ok),
        ("hs 10 digits", PayResult.Ok),
        ("hs with a dot", PayResult.HsCodeInvalid),
        ("hs 7 digits", PayResult.HsCodeInvalid),
        ("hs 4 digits", PayResult.HsCodeInvalid),
        ("invoice date 30 February", PayResult.InvoiceDateInvalid),
        ("invoice date before 1900", PayResult.InvoiceDateInvalid),
        ("incoterms unknown name", PayResult.IncotermsInvalid),
    ];

    public static TheoryData<string, PayResult> Cases => Rows(_ => true);
    public static TheoryData<string, PayResult> Malformed => Rows(r => r != PayResult.Ok);

    private static TheoryData<string, PayResult> Rows(Func<PayResult, bool> keep)
    {
        var data = new TheoryData<string, PayResult>();
        foreach (var (what, expected) in Table) if (keep(expected)) data.Add(what, expected);
        return data;
    }

    private static TradeReference Of(string what) => what switch
    {
        "nothing given" => Empty,
        "complete" => Complete,
        "hs 8 digits" => Empty with { HsCode = "84713000" },
        "hs 10 digits" => Empty with { HsCode = "8471300010" },
        "hs with a dot" => Empty with { HsCode = "8471.30" },
        "hs 7 digits" => Empty with { HsCode = "8471300" },
        "hs 4 digits" => Empty with { HsCode = "8471" },
        "invoice date 30 February" => Empty with { InvoiceDate = 20260230 },
        "invoice date before 1900" => Empty with { InvoiceDate = 18991231 },
        "incoterms unknown name" => Empty with { Incoterms = TradeReferenceRules.IncotermsOf("FREE") },
        _ => throw new ArgumentOutOfRangeException(nameof(what)),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Given_values_must_be_well_formed_and_absent_ones_pass(string what, PayResult expected)
    {
        Assert.Equal(expected, TradeReferenceRules.ValidateGiven(Of(what)));
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_value_gets_the_same_code_from_the_rules_of_a_cross_border_payment(string what, PayResult expected)
    {
        TradeReference malformed = Of(what);
        // The same mistake in an otherwise complete reference.
        TradeReference inComplete = Complete with
        {
            HsCode = malformed.HsCode.Length > 0 ? malformed.HsCode : Complete.HsCode,
            InvoiceDate = malformed.InvoiceDate != 0 ? malformed.InvoiceDate : Complete.InvoiceDate,
            Incoterms = malformed.Incoterms != Incoterms.None ? malformed.Incoterms : Complete.Incoterms,
        };
        Assert.Equal(expected, TradeReferenceRules.Validate(Someone, Someone, inComplete));
        Assert.Equal(expected, TradeReferenceRules.ValidateGiven(inComplete));
    }

    [Fact]
    public void Incoterms_are_read_by_their_capital_names_and_anything_else_is_refused()
    {
        Assert.Equal(Incoterms.None, TradeReferenceRules.IncotermsOf(""));
        string[] names = ["EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF"];
        for (int i = 0; i < names.Length; i++) Assert.Equal((Incoterms)(i + 1), TradeReferenceRules.IncotermsOf(names[i]));
        foreach (string wrong in new[] { "fob", "FOB ", "FREE", "DAT" })
        {
            Assert.Equal(TradeReferenceRules.UnknownIncoterms, TradeReferenceRules.IncotermsOf(wrong));
            Assert.Equal(PayResult.IncotermsInvalid, TradeReferenceRules.ValidateGiven(Empty with { Incoterms = TradeReferenceRules.IncotermsOf(wrong) }));
        }
    }
}
