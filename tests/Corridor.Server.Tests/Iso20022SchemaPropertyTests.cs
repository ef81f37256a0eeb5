using System.Globalization;
using System.Net;
using System.Security;
using System.Text;
using Corridor.Client;
using CsCheck;

namespace Corridor.Server.Tests;

/// <summary>
/// Random payments through every entry path a node has — pacs.008 same-currency and cross-currency, pacs.009, pacs.004
/// returns, camt.056 cancellations, POST /v1/payments, POST /v1/fx/locks + /v1/fx/payments, and broken messages — on the KES/GHS corridor; every message the node
/// writes back (pacs.002, camt.029, and the camt.052 / camt.054 / camt.053 of every account) is validated against the
/// official ISO 20022 XSDs (<see cref="OfficialSchemas"/>), independently of the codec that wrote it.
/// </summary>
public sealed class Iso20022SchemaPropertyTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private enum EntryPath { SameCurrency, CrossCurrency, Institution, Return, Cancellation, Rest, RestFx, Broken }

    private enum TradeVariant { None, Valid, DottedHsCode, UnknownIncoterms, HsCodeTooLong }

    private sealed record Step(EntryPath Path, long AmountMinor, string EndToEndId, string DebtorName, TradeVariant Trade, int Pick, bool RateOff, Guid Uetr);

    /// <summary>Text with XML-special, non-ASCII and wide characters, 1–35 of them (Max35Text).</summary>
    private static readonly Gen<string> Text = Gen.Char["abcXYZ0189 -/.&<>'\"éЖ中"].Array[1, 35].Select(a => new string(a));

    private static readonly Gen<Step> Steps = Gen.Select(
        Gen.Select(Gen.Enum<EntryPath>(), Gen.OneOf(Gen.Long[1, 100_000], Gen.Long[1, 300_000_000]), Text, Text),
        Gen.Select(Gen.Enum<TradeVariant>(), Gen.Int[0, 1_000_000], Gen.Int[0, 9], Gen.Guid),
        (a, b) => new Step(a.Item1, a.Item2, a.Item3, a.Item4, b.Item1, b.Item2, b.Item3 == 0, b.Item4));

    /// <summary>A payment the node answered for, to return or cancel later.</summary>
    private sealed record Sent(string MsgId, string EndToEndId, string TxId, string Uetr, string Currency, long AmountMinor, string PayeeBic);

    /// <summary>Bounds: a few short sequences keep the test well under a minute on a shared 2-core machine.</summary>
    private const int Iterations = 20, MaxStepsPerIteration = 8;

    [Fact]
    public async Task Every_message_the_node_writes_back_validates_against_the_official_schema()
    {
        KesGhsWorld w = await KesGhsWorld.StartAsync();
        await using TestNode node = w.Node;
        var run = new Run(w);
        // Every path once first (so each kind of answer is written whatever the random draw), then random sequences.
        foreach (EntryPath path in Enum.GetValues<EntryPath>())
            await run.ApplyAsync(new Step(path, 12_345, "E2E-" + path, "Nairobi & Sons <Ltd>", TradeVariant.Valid, 0, false, Guid.NewGuid()));

        await Steps.Array[1, MaxStepsPerIteration].SampleAsync(async steps =>
        {
            foreach (Step step in steps) await run.ApplyAsync(step);
            await run.ReportsAsync();
        }, iter: Iterations, threads: 1);

        // End of day: the statements of every account, then a message after the day is refused (RJCT) — still schema-valid.
        (await node.Operator.ChangePhaseAsync("customer_cutoff", C)).Unwrap();
        (await node.Operator.ChangePhaseAsync("interbank_cutoff", C)).Unwrap();
        (await node.Operator.ChangePhaseAsync("end_of_day", C)).Unwrap();
        foreach (var (client, account) in run.Accounts)
            run.Check("camt.053 " + account, await client.FetchCamt053Async(KesGhsWorld.BusinessDate, account, C));
        await run.ApplyAsync(new Step(EntryPath.SameCurrency, 100, "AFTER-EOD", "Late Payer", TradeVariant.Valid, 0, false, Guid.NewGuid()));

        // Not vacuous: payments settled and were refused, cancellations were answered, both JSON paths settled.
        foreach (string kind in new[] { "pacs.002", "camt.029", "camt.052", "camt.053", "camt.054", "ACSC", "RJCT", "POST /v1/payments 201", "POST /v1/fx/payments 201" })
            Assert.True(run.Seen.GetValueOrDefault(kind) > 0, $"no {kind} was written: {string.Join(", ", run.Seen)}");
    }

    private sealed class Run(KesGhsWorld w)
    {
        private readonly List<Sent> _sent = [];
        private int _counter;
        public Dictionary<string, int> Seen { get; } = [];

        public (CorridorClient Client, string Account)[] Accounts =>
        [
            (w.Kcb, KesGhsWorld.KcbKesAccount), (w.Fx, KesGhsWorld.FxKesAccount), (w.Fx, KesGhsWorld.FxGhsAccount), (w.Gcb, KesGhsWorld.GcbGhsAccount),
        ];

        public async Task ApplyAsync(Step s)
        {
            int n = ++_counter;
            switch (s.Path)
            {
                case EntryPath.SameCurrency:
                {
                    string msgId = $"PROP-SC-{n}", txId = $"TX-SC-{n}", uetr = Uetr(s.Uetr);
                    string xml = Pacs008(KesGhsWorld.SameCurrencyTrade(Template("pacs.008-kes-ghs-trade.xml")), msgId, s.EndToEndId, txId, uetr, s.DebtorName, s.Trade)
                        .Replace("<IntrBkSttlmAmt Ccy=\"KES\">100.00</IntrBkSttlmAmt>", $"<IntrBkSttlmAmt Ccy=\"KES\">{Decimal(s.AmountMinor)}</IntrBkSttlmAmt>", StringComparison.Ordinal);
                    await SendAsync(w.Kcb, "pacs.008 same-currency", xml);
                    _sent.Add(new Sent(msgId, s.EndToEndId, txId, uetr, "KES", s.AmountMinor, "ECOCGHAC"));
                    break;
                }
                case EntryPath.CrossCurrency:
                {
                    string msgId = $"PROP-CC-{n}", txId = $"TX-CC-{n}", uetr = Uetr(s.Uetr);
                    long ghs = 100 + s.AmountMinor % 5_000_000, kes = ghs * 1000 / 95; // IntrBkSttlmAmt = InstdAmt × 0.095 (to a minor unit)
                    string xml = Pacs008(Template("pacs.008-kes-ghs-trade.xml"), msgId, s.EndToEndId, txId, uetr, s.DebtorName, s.Trade)
                        .Replace("<IntrBkSttlmAmt Ccy=\"GHS\">118750.00</IntrBkSttlmAmt>", $"<IntrBkSttlmAmt Ccy=\"GHS\">{Decimal(ghs)}</IntrBkSttlmAmt>", StringComparison.Ordinal)
                        .Replace("<InstdAmt Ccy=\"KES\">1250000.00</InstdAmt>", $"<InstdAmt Ccy=\"KES\">{Decimal(kes)}</InstdAmt>", StringComparison.Ordinal);
                    if (s.RateOff) xml = xml.Replace("<XchgRate>0.095</XchgRate>", "<XchgRate>0.0951</XchgRate>", StringComparison.Ordinal);
                    await SendAsync(w.Kcb, "pacs.008 cross-currency", xml);
                    _sent.Add(new Sent(msgId, s.EndToEndId, txId, uetr, "GHS", ghs, "GHCBGHAC"));
                    break;
                }
                case EntryPath.Institution:
                {
                    string msgId = $"PROP-FI-{n}", uetr = Uetr(s.Uetr);
                    string xml = Template("pacs.009-liquidity.xml")
                        .Replace("ECOB-LIQ-20261123-0004", msgId, StringComparison.Ordinal)
                        .Replace("<EndToEndId>ECOB-LIQ-0004</EndToEndId>", $"<EndToEndId>{SecurityElement.Escape(s.EndToEndId)}</EndToEndId>", StringComparison.Ordinal)
                        .Replace("5f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f", uetr, StringComparison.Ordinal)
                        .Replace("<IntrBkSttlmAmt Ccy=\"XOF\">2500000000</IntrBkSttlmAmt>", $"<IntrBkSttlmAmt Ccy=\"KES\">{Decimal(s.AmountMinor)}</IntrBkSttlmAmt>", StringComparison.Ordinal)
                        .Replace("ECOCSNDA", "KCBLKENX", StringComparison.Ordinal).Replace("SGSNSNDA", "ECOCGHAC", StringComparison.Ordinal);
                    await SendAsync(w.Kcb, "pacs.009", xml);
                    _sent.Add(new Sent(msgId, s.EndToEndId, "", uetr, "KES", s.AmountMinor, "ECOCGHAC"));
                    break;
                }
                case EntryPath.Return:
                {
                    // The payee returns an earlier payment (all of it or part); with none yet, an unknown one (RJCT AG09).
                    Sent o = _sent.Count > 0 ? _sent[s.Pick % _sent.Count] : new Sent("UNKNOWN", "UNKNOWN", "", Uetr(s.Uetr), "KES", s.AmountMinor, "ECOCGHAC");
                    long returned = s.RateOff ? Math.Max(1, o.AmountMinor / 2) : o.AmountMinor;
                    string xml = Originals(Template("pacs.004-return.xml"), o)
                        .Replace("GHCB-RTR-20261124-0012", $"PROP-RT-{n}", StringComparison.Ordinal).Replace("GHCB-RTR-0012-1", $"RT-{n}", StringComparison.Ordinal)
                        .Replace("<BICFI>GHCBGHAC</BICFI>", $"<BICFI>{o.PayeeBic}</BICFI>", StringComparison.Ordinal)
                        .Replace("<RtrdIntrBkSttlmAmt Ccy=\"GHS\">118750.00</RtrdIntrBkSttlmAmt>", $"<RtrdIntrBkSttlmAmt Ccy=\"{o.Currency}\">{Decimal(returned)}</RtrdIntrBkSttlmAmt>", StringComparison.Ordinal);
                    await SendAsync(o.PayeeBic == "GHCBGHAC" ? w.Gcb : w.Fx, "pacs.004", xml);
                    break;
                }
                case EntryPath.Cancellation:
                {
                    Sent o = _sent.Count > 0 ? _sent[s.Pick % _sent.Count] : new Sent("UNKNOWN", "UNKNOWN", "", Uetr(s.Uetr), "KES", s.AmountMinor, "ECOCGHAC");
                    string xml = Originals(Template("camt.056-recall.xml"), o)
                        .Replace("KCBL-CXL-20261123-0003", $"PROP-CX-{n}", StringComparison.Ordinal).Replace("KCBL-CXL-0003-1", $"CX-{n}", StringComparison.Ordinal)
                        .Replace("<Assgne><Agt><FinInstnId><BICFI>GHCBGHAC</BICFI>", $"<Assgne><Agt><FinInstnId><BICFI>{o.PayeeBic}</BICFI>", StringComparison.Ordinal);
                    await SendAsync(w.Kcb, "camt.056", xml);
                    break;
                }
                case EntryPath.Rest:
                {
                    FxTradeReferenceDto? trade = s.Trade switch
                    {
                        TradeVariant.None => null,
                        TradeVariant.DottedHsCode => new FxTradeReferenceDto("INV-R", new DateOnly(2026, 11, 2), "", "LC-R", "Laptops", "8471.30", "FOB"),
                        TradeVariant.UnknownIncoterms => new FxTradeReferenceDto("INV-R", new DateOnly(2026, 11, 2), "", "LC-R", "Laptops", "847130", "FREE"),
                        _ => new FxTradeReferenceDto("INV-R", new DateOnly(2026, 11, 2), "", "LC-R", "Laptops", "847130", "FOB"),
                    };
                    var request = new SubmitPaymentRequest("0x" + (0xC0000 + n).ToString("x", CultureInfo.InvariantCulture), KesGhsWorld.FxId, KesGhsWorld.Kes, s.AmountMinor,
                        Originator: new FxPartyDto(s.DebtorName, "Moi Avenue", "12", "00100", "Nairobi", "", "KE", "0041203398001"),
                        Beneficiary: new FxPartyDto("Accra Components Ltd", "Ring Road", "4", "GA-100", "Accra", "", "GH", "GH-ACC-2"),
                        TradeReference: trade, References: new PaymentReferencesDto($"PROP-RS-{n}", "", s.EndToEndId, "", Uetr(s.Uetr)));
                    ApiResult<PaymentDto> answer = await w.Kcb.SubmitPaymentAsync(request, C);
                    Assert.True((int)answer.Status < 500, $"POST /v1/payments → {(int)answer.Status}");
                    Count($"POST /v1/payments {(int)answer.Status}");
                    Assert.Equal(s.Trade is TradeVariant.DottedHsCode or TradeVariant.UnknownIncoterms, answer.Status == HttpStatusCode.UnprocessableEntity
                        && answer.Problem!.Code.StartsWith("fx.", StringComparison.Ordinal));
                    break;
                }
                case EntryPath.RestFx:
                {
                    // KES → GHS at the published quote over the JSON API: lock, then pay with the mandatory parties and trade data.
                    string lockId = "0x" + (0xD0000 + n).ToString("x", CultureInfo.InvariantCulture), paymentId = "0x" + (0xE0000 + n).ToString("x", CultureInfo.InvariantCulture);
                    ApiResult<LockDto> locked = await w.Kcb.LockQuoteAsync(
                        new LockQuoteRequest(lockId, "0xF95", KesGhsWorld.KcbKesAccount, KesGhsWorld.GcbGhsAccount, 100 + s.AmountMinor % 10_000_000, 30), C);
                    Assert.True((int)locked.Status < 500, $"POST /v1/fx/locks → {(int)locked.Status}");
                    var party = new FxPartyDto(s.DebtorName, "Moi Avenue", "12", "00100", "Nairobi", "", "KE", "0041203398001", "tax_id", "P051234567X");
                    var trade = new FxTradeReferenceDto("INV-FX", new DateOnly(2026, 11, 2), "", "LC-FX", "Laptops", s.Trade == TradeVariant.DottedHsCode ? "8471.30" : "847130", "FOB", "Mombasa");
                    ApiResult<FxPaymentDto> paid = await w.Kcb.PayAgainstLockAsync(new PayAgainstLockRequest(paymentId, lockId, party, party with { Country = "GH", TownName = "Accra" }, trade), C);
                    Assert.True((int)paid.Status < 500, $"POST /v1/fx/payments → {(int)paid.Status}");
                    Count($"POST /v1/fx/payments {(int)paid.Status}");
                    break;
                }
                case EntryPath.Broken:
                {
                    string xml = Pacs008(KesGhsWorld.SameCurrencyTrade(Template("pacs.008-kes-ghs-trade.xml")), $"PROP-BR-{n}", s.EndToEndId, $"TX-BR-{n}", Uetr(s.Uetr), s.DebtorName, s.Trade);
                    await SendAsync(w.Kcb, "broken pacs.008", xml[..(s.Pick % (xml.Length - 1))]);
                    break;
                }
            }
        }

        /// <summary>camt.054 and camt.052 of every account, as each owner fetches them.</summary>
        public async Task ReportsAsync()
        {
            foreach (var (client, account) in Accounts)
            {
                Check("camt.054 " + account, await client.FetchCamt054Async(account, c: C));
                Check("camt.052 " + account, await client.FetchCamt052Async(account, from: "2000-01-01T00:00:00Z", c: C));
            }
        }

        public void Check(string what, IsoDocument d)
        {
            Assert.True(d.Status == HttpStatusCode.OK, $"{what} → {(int)d.Status} {d.Body}");
            Validate(what, d.Body);
        }

        private async Task SendAsync(CorridorClient client, string what, string xml)
        {
            IsoReply reply = await client.SendIso20022Async(Encoding.UTF8.GetBytes(xml), C);
            Assert.True(reply.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{what} → {(int)reply.Status} {reply.Body}\n{xml}");
            Assert.Equal("application/xml", reply.ContentType);
            Validate(what, reply.Body);
        }

        private void Validate(string what, string xml)
        {
            List<string> problems = OfficialSchemas.Problems(xml);
            Assert.True(problems.Count == 0, $"{what}: the node wrote a message its schema refuses:\n{string.Join("\n", problems)}\n{xml}");
            string kind = System.Text.RegularExpressions.Regex.Match(xml, "urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\\.[0-9]{3})").Groups[1].Value;
            Count(kind);
            foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(xml, "<(TxSts|GrpSts|TxCxlSts)>([A-Z]{4})</"))
                Count(m.Groups[2].Value);
        }

        private void Count(string what) => Seen[what] = Seen.GetValueOrDefault(what) + 1;

        private static string Template(string name) => Encoding.UTF8.GetString(KesGhsWorld.Sample(name));

        private static string Pacs008(string xml, string msgId, string endToEndId, string txId, string uetr, string debtorName, TradeVariant trade)
        {
            xml = xml.Replace("KCBL20261123-000187", msgId, StringComparison.Ordinal)
                .Replace("<EndToEndId>NAIROBIELEC-INV-2026-0917</EndToEndId>", $"<EndToEndId>{SecurityElement.Escape(endToEndId)}</EndToEndId>", StringComparison.Ordinal)
                .Replace("KCBL-TX-778120", txId, StringComparison.Ordinal)
                .Replace(KesGhsWorld.CrossCurrencyUetr, uetr, StringComparison.Ordinal).Replace(KesGhsWorld.SameCurrencyUetr, uetr, StringComparison.Ordinal)
                .Replace("<Nm>Nairobi Electronics Distributors Ltd</Nm>", $"<Nm>{SecurityElement.Escape(debtorName)}</Nm>", StringComparison.Ordinal);
            return trade switch
            {
                TradeVariant.None => System.Text.RegularExpressions.Regex.Replace(xml, "<RmtInf>(.|\\n)*?</RmtInf>", ""),
                TradeVariant.DottedHsCode => xml.Replace("HS:847130;", "HS:8471.30;", StringComparison.Ordinal),
                TradeVariant.UnknownIncoterms => xml.Replace("INCOTERMS:FOB", "INCOTERMS:FREE", StringComparison.Ordinal),
                TradeVariant.HsCodeTooLong => xml.Replace("HS:847130;", "HS:84713012345;", StringComparison.Ordinal),
                _ => xml,
            };
        }

        /// <summary>The original's ids and amount in a pacs.004 or camt.056 template (both point at the sample pacs.008).</summary>
        private static string Originals(string xml, Sent o) => xml
            .Replace("<OrgnlMsgId>KCBL20261123-000187</OrgnlMsgId>", $"<OrgnlMsgId>{o.MsgId}</OrgnlMsgId>", StringComparison.Ordinal)
            .Replace("<OrgnlEndToEndId>NAIROBIELEC-INV-2026-0917</OrgnlEndToEndId>", $"<OrgnlEndToEndId>{SecurityElement.Escape(o.EndToEndId)}</OrgnlEndToEndId>", StringComparison.Ordinal)
            .Replace("<OrgnlTxId>KCBL-TX-778120</OrgnlTxId>", o.TxId.Length == 0 ? "" : $"<OrgnlTxId>{o.TxId}</OrgnlTxId>", StringComparison.Ordinal)
            .Replace(KesGhsWorld.CrossCurrencyUetr, o.Uetr, StringComparison.Ordinal)
            .Replace("<OrgnlIntrBkSttlmAmt Ccy=\"GHS\">118750.00</OrgnlIntrBkSttlmAmt>", $"<OrgnlIntrBkSttlmAmt Ccy=\"{o.Currency}\">{Decimal(o.AmountMinor)}</OrgnlIntrBkSttlmAmt>", StringComparison.Ordinal);

        /// <summary>A UUIDv4 in the form the UETR pattern of the schema demands (version 4, variant 10xx) from any random Guid.</summary>
        private static string Uetr(Guid g)
        {
            char[] c = g.ToString("D").ToCharArray();
            c[14] = '4';
            c[19] = "89ab"[Convert.ToInt32(c[19].ToString(), 16) & 3];
            return new string(c);
        }

        private static string Decimal(long minor) => string.Create(CultureInfo.InvariantCulture, $"{minor / 100}.{minor % 100:00}");
    }
}
