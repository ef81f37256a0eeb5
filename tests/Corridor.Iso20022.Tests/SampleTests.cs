using Corridor.Iso20022.Model;
using Corridor.Iso20022.Validation;

namespace Corridor.Iso20022.Tests;

/// <summary>The hand-written sample messages validate against their XSD, parse into the expected model and pass the business rules.</summary>
public sealed class SampleTests
{
    public static TheoryData<string> Samples => new(TestData.SampleNames);

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_sample_parses_and_passes_the_business_rules(string name)
    {
        var result = Iso20022Codec.Parse(TestData.Sample(name));
        Assert.True(result.IsSuccess, string.Join("\n", result.Errors));
        Assert.Empty(BusinessRules.Check(result.Message!));
        Assert.Empty(Iso20022Codec.Validate(TestData.Sample(name)));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_bare_sample_is_valid_against_its_xsd(string name)
    {
        if (name.Contains("envelope", StringComparison.Ordinal)) return; // AppHdr has no shipped XSD
        TestData.AssertSchemaValid(TestData.Sample(name));
    }

    [Fact]
    public void Cross_currency_trade_payment_reads_amounts_ids_parties_and_trade_references()
    {
        var m = Assert.IsType<Pacs008Message>(Iso20022Codec.Parse(TestData.Sample("pacs.008-kes-ghs-trade.xml")).Message);
        Assert.Equal("KCBL20261123-000187", m.GrpHdr.MsgId);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 14, 27, 310, TimeSpan.FromHours(3)), m.GrpHdr.CreDtTm);
        Assert.Equal("CLRG", m.GrpHdr.SttlmMtd);
        var tx = Assert.Single(m.Transactions);
        Assert.Equal("KCBL-INS-778120", tx.PmtId.InstrId);
        Assert.Equal("NAIROBIELEC-INV-2026-0917", tx.PmtId.EndToEndId);
        Assert.Equal("KCBL-TX-778120", tx.PmtId.TxId);
        Assert.Equal("e4b9c3a2-7f1d-4c8e-9a6b-2d5f8e1c0b3a", tx.PmtId.Uetr);
        Assert.Equal(new Money("GHS", 11_875_000), tx.IntrBkSttlmAmt);
        Assert.Equal(new Money("KES", 125_000_000), tx.InstdAmt);
        Assert.Equal(new ExchangeRate(950_000_000), tx.XchgRate);
        Assert.Equal("Nairobi", tx.Dbtr.Address!.TownName);
        Assert.Equal("5493001KJTIIGC8Y1R12", tx.Dbtr.Id!.Lei);
        Assert.Equal("1180297734", tx.DbtrAcct!.OtherId);
        Assert.Equal("GHCBGHAC", tx.CdtrAgt.Bicfi);
        Assert.Equal("GDDS", tx.PurposeCode);
        Assert.Equal("Central Bank of Kenya", tx.RgltryRptg[0].AuthorityName);
        Assert.Equal("101", tx.RgltryRptg[0].Details[0].Code);
        var trade = tx.Trade;
        Assert.Equal("ACM-INV-2026-0917", trade.InvoiceNumber);
        Assert.Equal(new DateOnly(2026, 11, 2), trade.InvoiceDate);
        Assert.Equal("847130", trade.HsCode);
        Assert.Equal("FOB", trade.Incoterms);
        Assert.Equal("KCB-LC-2026-0042", trade.LetterOfCredit);
        Assert.Equal("Laptop motherboards, 400 units", trade.GoodsDescription);
        Assert.True(BusinessRules.IsCrossBorder(tx));
    }

    [Fact]
    public void Envelope_yields_the_application_header_and_the_document()
    {
        var r = Iso20022Codec.Parse(TestData.Sample("pacs.008-envelope-apphdr.xml"));
        Assert.True(r.IsSuccess, string.Join("\n", r.Errors));
        Assert.Equal("COBADEFF", r.Header!.FromBic);
        Assert.Equal("BNPAFRPP", r.Header.ToBic);
        Assert.Equal("COBA-20261123-55021", r.Header.BizMsgIdr);
        Assert.Equal("pacs.008.001.09", r.Header.MsgDefIdr);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 8, 2, 11, TimeSpan.Zero), r.Header.CreDt);
        var tx = Assert.IsType<Pacs008Message>(r.Message).Transactions[0];
        Assert.Equal(new BirthDetails(new DateOnly(1988, 4, 17), null, "Leipzig", "DE"), tx.Dbtr.Id!.Birth);
        Assert.Equal("DE89370400440532013000", tx.DbtrAcct!.Iban);
    }

    [Fact]
    public void Zero_exponent_currency_batch_reads_whole_units()
    {
        var m = Assert.IsType<Pacs008Message>(Iso20022Codec.Parse(TestData.Sample("pacs.008-batch-local.xml")).Message);
        Assert.Equal(3, m.Transactions.Count);
        Assert.Equal(new Money("UGX", 850_000), m.Transactions[0].IntrBkSttlmAmt);
        Assert.False(BusinessRules.IsCrossBorder(m.Transactions[0])); // both agents in UG, no conversion
    }

    [Fact]
    public void Return_and_recall_keep_the_original_identifiers()
    {
        var rtr = Assert.IsType<Pacs004Message>(Iso20022Codec.Parse(TestData.Sample("pacs.004-return.xml")).Message);
        var t = rtr.Transactions[0];
        Assert.Equal("KCBL20261123-000187", t.OrgnlGrpInf!.OrgnlMsgId);
        Assert.Equal("NAIROBIELEC-INV-2026-0917", t.OrgnlEndToEndId);
        Assert.Equal("e4b9c3a2-7f1d-4c8e-9a6b-2d5f8e1c0b3a", t.OrgnlUetr);
        Assert.Equal(new Money("GHS", 11_875_000), t.RtrdIntrBkSttlmAmt);
        Assert.Equal("AC04", t.Reasons[0].Code);

        var cxl = Assert.IsType<Camt056Message>(Iso20022Codec.Parse(TestData.Sample("camt.056-recall.xml")).Message);
        Assert.Equal("KCBL-CXL-20261123-0003", cxl.MsgId);
        var c = cxl.Transactions[0];
        Assert.Equal("KCBL-CXL-0003-1", c.CxlId);
        Assert.Equal("KCBL-INS-778120", c.OrgnlInstrId);
        Assert.Equal("KCBL-TX-778120", c.OrgnlTxId);
        Assert.Equal("DUPL", c.Reasons[0].Code);
        Assert.Equal("KCBLKENX", cxl.Assigner.Bicfi);

        var fi = Assert.IsType<Pacs009Message>(Iso20022Codec.Parse(TestData.Sample("pacs.009-liquidity.xml")).Message);
        Assert.Equal(new Money("XOF", 2_500_000_000), fi.Transactions[0].IntrBkSttlmAmt);
        Assert.Equal("ECOCSNDA", fi.Transactions[0].Dbtr.Bicfi);
    }
}

/// <summary>Group-level return information of a pacs.004.</summary>
public sealed class GroupReturnTests
{
    [Fact]
    public void Group_original_message_and_reason_are_read()
    {
        var m = Assert.IsType<Pacs004Message>(Iso20022Codec.Parse(TestData.Sample("pacs.004-group-return.xml")).Message);
        Assert.Equal("STBU-BATCH-20261123-09", m.OrgnlGrpInf!.OrgnlMsgId);
        Assert.Equal("AC03", m.GroupReasons[0].Code);
        Assert.Equal(2, m.Transactions.Count);
        Assert.Equal(new Money("UGX", 120_000), m.Transactions[1].RtrdIntrBkSttlmAmt);
    }
}
