using System.Net;
using System.Text.RegularExpressions;
using Corridor.Client;

namespace Corridor.Server.Tests;

/// <summary>
/// Issue 14 on the ISO 20022 edge: the pacs.002 fits its schema (AcctSvcrRef), names the refused message, and a pacs.008
/// carries its trade references under the same rules whether it settles in one currency or two, as POST /v1/payments does.
/// </summary>
public sealed class Iso20022OnePathTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private static string Element(string xml, string name)
    {
        Match m = Regex.Match(xml, $"<{name}>([^<]*)</{name}>");
        Assert.True(m.Success, $"no <{name}> in\n{xml}");
        return m.Groups[1].Value;
    }

    [Fact]
    public async Task Pacs002_AcctSvcrRef_fits_Max35Text_and_the_JSON_API_reads_the_payment_back_by_it()
    {
        KesGhsWorld w = await KesGhsWorld.StartAsync();
        await using TestNode node = w.Node;
        foreach (byte[] message in new[] { KesGhsWorld.Sample("pacs.008-kes-ghs-trade.xml", KesGhsWorld.SameCurrencyTrade), KesGhsWorld.Sample("pacs.008-kes-ghs-trade.xml") })
        {
            IsoReply reply = await w.Kcb.SendIso20022Async(message, C);
            Assert.Equal(HttpStatusCode.OK, reply.Status);
            Assert.Contains("<TxSts>ACSC</TxSts>", reply.Body);
            OfficialSchemas.AssertValid(reply.Body);
            string reference = Element(reply.Body, "AcctSvcrRef");
            Assert.InRange(reference.Length, 1, 35);
            string uetr = Element(reply.Body, "OrgnlUETR");
            PaymentDto byRef = (await w.Kcb.GetPaymentAsync(reference, C)).Unwrap();
            PaymentDto byUetr = (await w.Kcb.GetPaymentAsync(uetr, C)).Unwrap();
            Assert.Equal(byUetr.Id, byRef.Id);
        }
    }

    [Fact]
    public async Task A_refused_message_whose_MsgId_was_readable_is_named_in_the_RJCT_and_NONREF_is_left_for_unreadable_input()
    {
        KesGhsWorld w = await KesGhsWorld.StartAsync();
        await using TestNode node = w.Node;
        var before = await node.StateAsync();

        // A schema violation deep inside the transaction (ChrgBr removed): the MsgId in GrpHdr was read.
        IsoReply bare = await w.Kcb.SendIso20022Async(KesGhsWorld.Sample("pacs.008-kes-ghs-trade.xml", x => x.Replace("<ChrgBr>DEBT</ChrgBr>", "", StringComparison.Ordinal)), C);
        Assert.Equal(HttpStatusCode.BadRequest, bare.Status);
        Assert.Equal("KCBL20261123-000187", Element(bare.Body, "OrgnlMsgId"));
        Assert.Equal("pacs.008.001.09", Element(bare.Body, "OrgnlMsgNmId"));
        Assert.Contains("<Cd>FF01</Cd>", bare.Body);
        OfficialSchemas.AssertValid(bare.Body);

        // The same in an AppHdr envelope, and a camt.056 (its MsgId is Assgnmt/Id) cut off after the assignment.
        IsoReply enveloped = await w.Kcb.SendIso20022Async(KesGhsWorld.Sample("pacs.008-envelope-apphdr.xml", x => x.Replace("<ChrgBr>SLEV</ChrgBr>", "<ChrgBr>XXXX</ChrgBr>", StringComparison.Ordinal)), C);
        Assert.Equal(HttpStatusCode.BadRequest, enveloped.Status);
        Assert.Equal("COBA-20261123-55021", Element(enveloped.Body, "OrgnlMsgId"));
        string recall = System.Text.Encoding.UTF8.GetString(KesGhsWorld.Sample("camt.056-recall.xml"));
        IsoReply truncated = await w.Kcb.SendIso20022Async(System.Text.Encoding.UTF8.GetBytes(recall[..recall.IndexOf("<Undrlyg>", StringComparison.Ordinal)]), C);
        Assert.Equal(HttpStatusCode.BadRequest, truncated.Status);
        Assert.Equal("KCBL-CXL-20261123-0003", Element(truncated.Body, "OrgnlMsgId"));

        // Nothing readable: NONREF. A MsgId longer than Max35Text is not echoed either.
        IsoReply garbage = await w.Kcb.SendIso20022Async("<Document><oops"u8.ToArray(), C);
        Assert.Equal("NONREF", Element(garbage.Body, "OrgnlMsgId"));
        IsoReply longId = await w.Kcb.SendIso20022Async(KesGhsWorld.Sample("pacs.008-kes-ghs-trade.xml", x => x.Replace("KCBL20261123-000187", new string('M', 36), StringComparison.Ordinal)), C);
        Assert.Equal(HttpStatusCode.BadRequest, longId.Status);
        Assert.Equal("NONREF", Element(longId.Body, "OrgnlMsgId"));
        OfficialSchemas.AssertValid(longId.Body);
        Assert.Equal(before, await node.StateAsync());
    }

    [Fact]
    public async Task A_same_currency_pacs008_keeps_its_trade_references_as_a_cross_currency_one_does_and_the_invoice_search_finds_both()
    {
        KesGhsWorld w = await KesGhsWorld.StartAsync();
        await using TestNode node = w.Node;
        IsoReply same = await w.Kcb.SendIso20022Async(KesGhsWorld.Sample("pacs.008-kes-ghs-trade.xml", KesGhsWorld.SameCurrencyTrade), C);
        Assert.Contains("<TxSts>ACSC</TxSts>", same.Body);

        PaymentDto payment = (await w.Kcb.GetPaymentAsync(KesGhsWorld.SameCurrencyUetr, C)).Unwrap();
        var expected = new FxTradeReferenceDto("ACM-INV-2026-0917", new DateOnly(2026, 11, 2), "", "KCB-LC-2026-0042", "Laptop motherboards, 400 units", "847130", "FOB", "");
        Assert.Equal(expected, payment.TradeReference);
        Assert.Equal(expected, (await w.Fx.GetPaymentAsync(KesGhsWorld.SameCurrencyUetr, C)).Unwrap().TradeReference); // the payee sees them too

        IsoReply cross = await w.Kcb.SendIso20022Async(KesGhsWorld.Sample("pacs.008-kes-ghs-trade.xml"), C);
        Assert.Contains("<TxSts>ACSC</TxSts>", cross.Body);
        PaymentRecordDto[] found = (await w.Kcb.FindPaymentsAsync("invoiceNumber", "ACM-INV-2026-0917", C)).Unwrap();
        Assert.Equal(2, found.Length);
        Assert.All(found, f => Assert.Equal("KCB-LC-2026-0042", f.LetterOfCredit));
    }

    [Fact]
    public async Task A_malformed_trade_reference_refuses_only_its_own_transaction()
    {
        KesGhsWorld w = await KesGhsWorld.StartAsync();
        await using TestNode node = w.Node;
        byte[] two = KesGhsWorld.Sample("pacs.008-kes-ghs-trade.xml", x =>
        {
            x = KesGhsWorld.SameCurrencyTrade(x);
            int from = x.IndexOf("<CdtTrfTxInf>", StringComparison.Ordinal), to = x.IndexOf("</CdtTrfTxInf>", StringComparison.Ordinal) + "</CdtTrfTxInf>".Length;
            string second = x[from..to]
                .Replace(KesGhsWorld.SameCurrencyUetr, "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", StringComparison.Ordinal)
                .Replace("NAIROBIELEC-INV-2026-0917", "NAIROBIELEC-INV-2026-0918", StringComparison.Ordinal)
                .Replace("KCBL-TX-778120", "KCBL-TX-778121", StringComparison.Ordinal)
                .Replace("HS:847130;", "HS:8471.30;", StringComparison.Ordinal);
            return x.Insert(to, second).Replace("<NbOfTxs>1</NbOfTxs>", "<NbOfTxs>2</NbOfTxs>", StringComparison.Ordinal);
        });
        IsoReply reply = await w.Kcb.SendIso20022Async(two, C);
        OfficialSchemas.AssertValid(reply.Body);
        Assert.Equal("PART", Element(reply.Body, "GrpSts"));
        Assert.Equal(["ACSC", "RJCT"], Regex.Matches(reply.Body, "<TxSts>([A-Z]+)</TxSts>").Select(m => m.Groups[1].Value));
        Assert.Contains("fx.hs_code_invalid", reply.Body);
        Assert.Equal(HttpStatusCode.OK, (await w.Kcb.GetPaymentAsync(KesGhsWorld.SameCurrencyUetr, C)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await w.Kcb.GetPaymentAsync("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", C)).Status);
    }

    [Fact]
    public async Task An_HS_code_the_JSON_API_refuses_is_refused_in_a_pacs008_of_either_kind_RR07_and_nothing_changes()
    {
        KesGhsWorld w = await KesGhsWorld.StartAsync();
        await using TestNode node = w.Node;
        var before = await node.StateAsync();
        static string DottedHs(string x) => x.Replace("HS:847130;", "HS:8471.30;", StringComparison.Ordinal);

        foreach (byte[] message in new[] { KesGhsWorld.Sample("pacs.008-kes-ghs-trade.xml", x => DottedHs(KesGhsWorld.SameCurrencyTrade(x))), KesGhsWorld.Sample("pacs.008-kes-ghs-trade.xml", DottedHs) })
        {
            IsoReply reply = await w.Kcb.SendIso20022Async(message, C);
            Assert.Equal(HttpStatusCode.OK, reply.Status);
            Assert.Contains("<TxSts>RJCT</TxSts>", reply.Body);
            Assert.Contains("<Cd>RR07</Cd>", reply.Body);
            Assert.Contains("fx.hs_code_invalid: HS code '8471.30'", reply.Body);
            OfficialSchemas.AssertValid(reply.Body);
        }
        IsoReply badIncoterms = await w.Kcb.SendIso20022Async(KesGhsWorld.Sample("pacs.008-kes-ghs-trade.xml", x => KesGhsWorld.SameCurrencyTrade(x).Replace("INCOTERMS:FOB", "INCOTERMS:FREE", StringComparison.Ordinal)), C);
        Assert.Contains("fx.incoterms_invalid", badIncoterms.Body);

        // The JSON API answers the same code for the same mistake, on a same-currency payment as on an FX one.
        var rest = new SubmitPaymentRequest("0xB001", KesGhsWorld.FxId, KesGhsWorld.Kes, 100,
            Originator: new FxPartyDto("Nairobi Electronics Distributors Ltd", "Moi Avenue", "12", "00100", "Nairobi", "", "KE", "0041203398001"),
            Beneficiary: new FxPartyDto("Accra Components Ltd", "Ring Road", "4", "GA-100", "Accra", "", "GH", "GH-ACC-2"),
            TradeReference: new FxTradeReferenceDto("INV-1", new DateOnly(2026, 11, 2), "", "LC-1", "Laptops", "8471.30", "FOB"));
        ApiResult<PaymentDto> refused = await w.Kcb.SubmitPaymentAsync(rest, C);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Equal("fx.hs_code_invalid", refused.Problem!.Code);
        Assert.Equal(before, await node.StateAsync());

        // Corrected, the same id is free and settles with its trade reference.
        PaymentDto ok = (await w.Kcb.SubmitPaymentAsync(rest with { TradeReference = rest.TradeReference! with { HsCode = "847130" } }, C)).Unwrap();
        Assert.Equal("847130", ok.TradeReference!.HsCode);
    }
}
