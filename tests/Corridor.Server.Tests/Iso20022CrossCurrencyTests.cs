using System.Net;
using Corridor.Client;

namespace Corridor.Server.Tests;

/// <summary>
/// Cross-currency pacs.008 over HTTP, settled payment-versus-payment against the best published quote.
/// World: KCB (21, KCBLKENX) holds 2,000,000.00 KES; GCB (22, GHCBGHAC) receives GHS; Ecobank FX (23, ECOCGHAC)
/// quotes KES → GHS at 0.095 and holds 500,000.00 GHS. The sample pacs.008-kes-ghs-trade.xml instructs
/// 1,250,000.00 KES settled as 118,750.00 GHS at XchgRate 0.095.
/// </summary>
public class Iso20022CrossCurrencyTests
{
    private const ulong Kcb = 21, Gcb = 22, Fx = 23;
    private const uint Kes = 404, Ghs = 936;
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private static byte[] Sample(Func<string, string>? edit = null)
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !Directory.Exists(Path.Combine(dir, "samples", "iso20022"))) dir = Path.GetDirectoryName(dir);
        Assert.NotNull(dir);
        string xml = File.ReadAllText(Path.Combine(dir, "samples", "iso20022", "pacs.008-kes-ghs-trade.xml"));
        return System.Text.Encoding.UTF8.GetBytes(edit is null ? xml : edit(xml));
    }

    private static async Task<(TestNode Node, CorridorClient Kcb)> WorldAsync()
    {
        KesGhsWorld w = await KesGhsWorld.StartAsync();
        return (w.Node, w.Kcb);
    }

    private static async Task<(long KcbKes, long FxKes, long FxGhs, long GcbGhs)> Balances(TestNode node)
    {
        async Task<long> B(ulong p, uint l) => (await node.Operator.GetSettlementAccountAsync(p, l, C)).Unwrap().BalanceMinor;
        return (await B(Kcb, Kes), await B(Fx, Kes), await B(Fx, Ghs), await B(Gcb, Ghs));
    }

    [Fact]
    public async Task Cross_currency_pacs008_settles_both_legs_PvP_with_parties_and_trade_references()
    {
        var (node, kcb) = await WorldAsync();
        await using var _ = node;
        IsoReply reply = await kcb.SendIso20022Async(Sample(), C);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Contains("<GrpSts>ACSC</GrpSts>", reply.Body);
        Assert.Contains("<TxSts>ACSC</TxSts>", reply.Body);
        Assert.Equal((75_000_000L, 125_000_000L, 38_125_000L, 11_875_000L), await Balances(node));

        var (invoice, originator, beneficiary, town) = await node.Server.Node.QueryAsync(e =>
        {
            var p = e.Exchange.FindPaymentsByInvoice("ACM-INV-2026-0917");
            var request = p[0].Request;
            return (p.Count, request.Originator.Name, request.Beneficiary.Account, request.Trade.LetterOfCreditReference);
        });
        Assert.Equal((1, "Nairobi Electronics Distributors Ltd", "0041203398001", "KCB-LC-2026-0042"), (invoice, originator, beneficiary, town));

        IsoReply again = await kcb.SendIso20022Async(Sample(), C); // same UETR: the original result, nothing moves twice
        Assert.Contains("<TxSts>ACSC</TxSts>", again.Body);
        Assert.Equal((75_000_000L, 125_000_000L, 38_125_000L, 11_875_000L), await Balances(node));
    }

    [Fact]
    public async Task A_message_mixing_cross_and_same_currency_transactions_settles_each_its_own_way()
    {
        var (node, kcb) = await WorldAsync();
        await using var _ = node;
        byte[] mixed = Sample(x =>
        {
            int from = x.IndexOf("<CdtTrfTxInf>", StringComparison.Ordinal), to = x.IndexOf("</CdtTrfTxInf>", StringComparison.Ordinal) + "</CdtTrfTxInf>".Length;
            string second = x[from..to]
                .Replace("e4b9c3a2-7f1d-4c8e-9a6b-2d5f8e1c0b3a", "f5c0d4b3-8a2e-4d9f-8b7c-3e6a9f2d1c4b", StringComparison.Ordinal)
                .Replace("NAIROBIELEC-INV-2026-0917", "NAIROBIELEC-FEE-2026-0917", StringComparison.Ordinal)
                .Replace("<IntrBkSttlmAmt Ccy=\"GHS\">118750.00</IntrBkSttlmAmt>", "<IntrBkSttlmAmt Ccy=\"KES\">100.00</IntrBkSttlmAmt>", StringComparison.Ordinal)
                .Replace("<InstdAmt Ccy=\"KES\">1250000.00</InstdAmt>", "", StringComparison.Ordinal)
                .Replace("<XchgRate>0.095</XchgRate>", "", StringComparison.Ordinal)
                .Replace("<CdtrAgt><FinInstnId><BICFI>GHCBGHAC</BICFI>", "<CdtrAgt><FinInstnId><BICFI>ECOCGHAC</BICFI>", StringComparison.Ordinal);
            return x.Insert(to, second).Replace("<NbOfTxs>1</NbOfTxs>", "<NbOfTxs>2</NbOfTxs>", StringComparison.Ordinal);
        });
        IsoReply reply = await kcb.SendIso20022Async(mixed, C);
        Assert.Contains("<GrpSts>ACSC</GrpSts>", reply.Body);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(reply.Body, "<TxSts>ACSC</TxSts>"));
        Assert.Equal((74_990_000L, 125_010_000L, 38_125_000L, 11_875_000L), await Balances(node));
    }

    /// <summary>The sample with a second, same-currency transaction (100.00 KES to the FX provider's bank), edited by <paramref name="second"/>.</summary>
    private static byte[] Mixed(Func<string, string> second, Func<string, string>? first = null) => Sample(x =>
    {
        int from = x.IndexOf("<CdtTrfTxInf>", StringComparison.Ordinal), to = x.IndexOf("</CdtTrfTxInf>", StringComparison.Ordinal) + "</CdtTrfTxInf>".Length;
        string tx = second(x[from..to]
            .Replace("e4b9c3a2-7f1d-4c8e-9a6b-2d5f8e1c0b3a", "f5c0d4b3-8a2e-4d9f-8b7c-3e6a9f2d1c4b", StringComparison.Ordinal)
            .Replace("NAIROBIELEC-INV-2026-0917", "NAIROBIELEC-FEE-2026-0917", StringComparison.Ordinal)
            .Replace("<IntrBkSttlmAmt Ccy=\"GHS\">118750.00</IntrBkSttlmAmt>", "<IntrBkSttlmAmt Ccy=\"KES\">100.00</IntrBkSttlmAmt>", StringComparison.Ordinal)
            .Replace("<InstdAmt Ccy=\"KES\">1250000.00</InstdAmt>", "", StringComparison.Ordinal)
            .Replace("<XchgRate>0.095</XchgRate>", "", StringComparison.Ordinal)
            .Replace("<CdtrAgt><FinInstnId><BICFI>GHCBGHAC</BICFI>", "<CdtrAgt><FinInstnId><BICFI>ECOCGHAC</BICFI>", StringComparison.Ordinal));
        string head = (first ?? (f => f))(x[..to]);
        return (head + tx + x[to..]).Replace("<NbOfTxs>1</NbOfTxs>", "<NbOfTxs>2</NbOfTxs>", StringComparison.Ordinal);
    });

    [Fact]
    public async Task A_same_currency_transaction_beside_a_cross_currency_one_meets_the_travel_rule_as_in_a_same_currency_message()
    {
        var (node, kcb) = await WorldAsync();
        await using var _ = node;
        // The same-currency transaction's debtor country is not an ISO 3166 code: the engine refuses it (RR04), recording nothing.
        IsoReply refused = await kcb.SendIso20022Async(Mixed(tx => tx.Replace("<Ctry>KE</Ctry>\n        </PstlAdr>", "<Ctry>XX</Ctry>\n        </PstlAdr>", StringComparison.Ordinal)), C);
        Assert.Contains("<GrpSts>PART</GrpSts>", refused.Body);
        Assert.Contains("<Cd>RR04</Cd>", refused.Body);
        Assert.Contains("compliance.travel_rule_incomplete: originator.invalid_country", refused.Body);
        OfficialSchemas.AssertValid(refused.Body);
        // Corrected and sent again (the cross-currency transaction as a new payment, which waits for liquidity: the first one
        // spent it), the same-currency transaction takes the same UETR and settles: nothing was recorded for it.
        IsoReply corrected = await kcb.SendIso20022Async(Mixed(tx => tx, first => first.Replace("e4b9c3a2-7f1d-4c8e-9a6b-2d5f8e1c0b3a", "a4b9c3a2-7f1d-4c8e-9a6b-2d5f8e1c0b3a", StringComparison.Ordinal)), C);
        Assert.Matches("<OrgnlUETR>f5c0d4b3-8a2e-4d9f-8b7c-3e6a9f2d1c4b</OrgnlUETR><TxSts>ACSC</TxSts>", corrected.Body);
        OfficialSchemas.AssertValid(corrected.Body);
    }

    [Fact]
    public async Task A_rate_away_from_the_best_quote_is_rejected_AM09_and_nothing_moves()
    {
        var (node, kcb) = await WorldAsync();
        await using var _ = node;
        var before = await Balances(node);
        // Consistent message (1,250,000.00 × 0.097 = 121,250.00) but 2 % away from the only quote (0.095).
        IsoReply reply = await kcb.SendIso20022Async(Sample(x => x.Replace("<XchgRate>0.095</XchgRate>", "<XchgRate>0.097</XchgRate>", StringComparison.Ordinal)
            .Replace("<IntrBkSttlmAmt Ccy=\"GHS\">118750.00</IntrBkSttlmAmt>", "<IntrBkSttlmAmt Ccy=\"GHS\">121250.00</IntrBkSttlmAmt>", StringComparison.Ordinal)), C);
        Assert.Contains("<TxSts>RJCT</TxSts>", reply.Body);
        Assert.Contains("<Cd>AM09</Cd>", reply.Body);
        Assert.Contains("exchange.exchange_rate_mismatch", reply.Body);
        Assert.Equal(before, await Balances(node));
        Assert.Equal(0, await node.Server.Node.QueryAsync(e => e.Exchange.LockCount));
    }

    [Fact]
    public async Task Missing_debtor_address_is_RR02_and_an_invalid_debtor_country_is_RR04_from_the_engine_travel_rule()
    {
        var (node, kcb) = await WorldAsync();
        await using var _ = node;
        var before = await Balances(node);
        var state = await node.StateAsync();
        IsoReply noAddress = await kcb.SendIso20022Async(Sample(x => System.Text.RegularExpressions.Regex.Replace(x,
            "<Dbtr>(.|\\n)*?</Dbtr>", "<Dbtr><Nm>Nairobi Electronics Distributors Ltd</Nm></Dbtr>")), C);
        Assert.Contains("<TxSts>RJCT</TxSts>", noAddress.Body);
        Assert.Contains("<Cd>RR02</Cd>", noAddress.Body);
        Assert.Equal(state, await node.StateAsync()); // refused at the rim: nothing journaled

        IsoReply badCountry = await kcb.SendIso20022Async(Sample(x => x.Replace("<Ctry>KE</Ctry>\n        </PstlAdr>", "<Ctry>XX</Ctry>\n        </PstlAdr>", StringComparison.Ordinal)), C);
        Assert.Contains("<TxSts>RJCT</TxSts>", badCountry.Body);
        Assert.Contains("<Cd>RR04</Cd>", badCountry.Body);
        Assert.Contains("exchange.rejected_by_compliance", badCountry.Body);
        Assert.Equal(before, await Balances(node));
    }

    [Fact]
    public async Task No_quote_for_the_pair_is_CURR()
    {
        var (node, kcb) = await WorldAsync();
        await using var _ = node;
        IsoReply reply = await kcb.SendIso20022Async(Sample(x => x.Replace("<IntrBkSttlmAmt Ccy=\"GHS\">118750.00</IntrBkSttlmAmt>", "<IntrBkSttlmAmt Ccy=\"GHS\">1187500.00</IntrBkSttlmAmt>", StringComparison.Ordinal)
            .Replace("<InstdAmt Ccy=\"KES\">1250000.00</InstdAmt>", "<InstdAmt Ccy=\"KES\">12500000.00</InstdAmt>", StringComparison.Ordinal)), C);
        Assert.Contains("<Cd>CURR</Cd>", reply.Body); // 1,187,500.00 GHS is more than the provider holds
    }

    [Fact]
    public async Task Another_bank_cannot_instruct_a_cross_currency_payment_for_the_debtor_agent()
    {
        var (node, _) = await WorldAsync();
        await using var _ = node;
        // GCB (the creditor agent) and the FX provider send KCB's message: the instructing agent is not them.
        foreach (ulong impostor in new[] { Gcb, Fx })
        {
            CorridorClient client = node.Operator.WithToken((await node.Operator.IssueTokenAsync(impostor, C)).Unwrap().Token);
            var before = await node.StateAsync();
            var balances = await Balances(node);
            IsoReply reply = await client.SendIso20022Async(Sample(), C);
            Assert.Equal(HttpStatusCode.Forbidden, reply.Status);
            Assert.Equal(before, await node.StateAsync());
            Assert.Equal(balances, await Balances(node));
        }
    }
}
