using System.Text;
using Corridor.Core.Exchange;
using Corridor.Iso20022.Mapping;
using Corridor.Iso20022.Model;

namespace Corridor.Iso20022.Tests;

/// <summary>
/// What the pacs.002 of a refused message says about it (OrgnlMsgId: its MsgId whenever readable, NONREF otherwise), the
/// AcctSvcrRef form, and the one trade-reference mapping of pacs.008 (same- and cross-currency alike).
/// </summary>
public class RefusedMessageReferenceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static string Trade => Encoding.UTF8.GetString(TestData.Sample("pacs.008-kes-ghs-trade.xml"));

    [Fact]
    public void A_schema_invalid_message_is_named_by_its_MsgId_from_bytes_and_from_a_seekable_stream()
    {
        byte[] xml = Encoding.UTF8.GetBytes(Trade.Replace("<ChrgBr>DEBT</ChrgBr>", "", StringComparison.Ordinal));
        foreach (ParseResult failed in new[] { Iso20022Codec.Parse(xml), Iso20022Codec.Parse(new MemoryStream(xml)) })
        {
            Assert.False(failed.IsSuccess);
            Assert.Equal("KCBL20261123-000187", failed.DetectedMsgId);
            StatusReport report = Iso20022Codec.RejectionOf(failed, "CRDR-STS-1", Now);
            Assert.Equal(("KCBL20261123-000187", "pacs.008.001.09"), (report.OrgnlMsgId, report.OrgnlMsgNmId));
            TestData.AssertSchemaValid(Iso20022Codec.BuildRejection(failed, "CRDR-STS-1", Now));
        }
    }

    [Fact]
    public void A_message_over_the_size_limit_is_still_named_by_the_MsgId_at_its_head()
    {
        string big = Trade.Replace("</Document>", "<!--" + new string('x', Xml.XmlLimits.MaxMessageBytes) + "--></Document>", StringComparison.Ordinal);
        ParseResult failed = Iso20022Codec.Parse(Encoding.UTF8.GetBytes(big));
        Assert.Equal("FF01", failed.Errors[0].ReasonCode);
        Assert.Equal("KCBL20261123-000187", Iso20022Codec.RejectionOf(failed, "CRDR-STS-2", Now).OrgnlMsgId);
    }

    [Theory]
    [InlineData("<<<garbage")]
    [InlineData("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09\"><FIToFICstmrCdtTrf><GrpHdr><CreDtTm>")]
    [InlineData("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09\"><FIToFICstmrCdtTrf><GrpHdr><MsgId>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</MsgId>")]
    [InlineData("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09\"><FIToFICstmrCdtTrf><GrpHdr><MsgId><b/></MsgId>")]
    public void Without_a_readable_Max35Text_MsgId_the_rejection_says_NONREF(string xml)
    {
        ParseResult failed = Iso20022Codec.Parse(Encoding.UTF8.GetBytes(xml));
        Assert.Null(failed.DetectedMsgId);
        Assert.Equal(StatusReport.NoReference, Iso20022Codec.RejectionOf(failed, "CRDR-STS-3", Now).OrgnlMsgId);
    }

    [Fact]
    public void An_engine_id_is_written_in_at_most_34_characters_of_0x_hex()
    {
        Assert.Equal("0x0", PaymentMapping.ReferenceOf(UInt128.Zero));
        string max = PaymentMapping.ReferenceOf(UInt128.MaxValue);
        Assert.Equal("0x" + new string('f', 32), max);
        Assert.Equal(PaymentMapping.MaxReferenceChars, max.Length);
    }

    [Fact]
    public void Trade_references_map_to_the_engine_record_and_a_dotted_HS_code_is_refused_RR07()
    {
        var m = (Pacs008Message)Iso20022Codec.Parse(TestData.Sample("pacs.008-kes-ghs-trade.xml")).Message!;
        MappedTrade mapped = TradeMapping.Map(m.Transactions[0].Trade);
        Assert.Equal(new TradeReference("ACM-INV-2026-0917", 20261102, "", "KCB-LC-2026-0042", "Laptop motherboards, 400 units", "847130", Incoterms.Fob, ""), mapped.Trade);

        MappedTrade dotted = TradeMapping.Map(m.Transactions[0].Trade with { HsCode = "8471.30" });
        Assert.Equal((null, "RR07"), (dotted.Trade, dotted.ReasonCode));
        Assert.StartsWith("fx.hs_code_invalid", dotted.Reason, StringComparison.Ordinal);
        Assert.Null(TradeMapping.Map(TradeReferences.None).Trade);
        Assert.False(TradeMapping.Map(TradeReferences.None).IsRefused);
        Assert.Equal("FF01", TradeMapping.Map(TradeReferences.None with { HsCode = "84713012345" }).ReasonCode);
        // A long unknown Incoterms value is quoted short (whole surrogate pairs only), so the reason fits AddtlInf with its path.
        MappedTrade incoterms = TradeMapping.Map(TradeReferences.None with { Incoterms = "FREE-ON-BOAR\U0001F6A2" + new string('x', 100) });
        Assert.Equal("RR07", incoterms.ReasonCode);
        Assert.StartsWith("fx.incoterms_invalid: 'FREE-ON-BOAR…'", incoterms.Reason, StringComparison.Ordinal);
        Assert.InRange(incoterms.Reason!.Length, 1, 105 - "CdtTrfTxInf[9999]: ".Length);
        MappedTrade pair = TradeMapping.Map(TradeReferences.None with { Incoterms = "FREE-ON-BOA\U0001F6A2xx" });
        Assert.StartsWith("fx.incoterms_invalid: 'FREE-ON-BOA…'", pair.Reason, StringComparison.Ordinal);
    }
}
