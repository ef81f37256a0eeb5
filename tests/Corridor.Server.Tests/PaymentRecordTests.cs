using System.Globalization;
using System.Net;
using System.Text;
using Corridor.Client;
using Corridor.Iso20022;
using Corridor.Iso20022.Model;

namespace Corridor.Server.Tests;

/// <summary>
/// The record of a payment and what reports say about it, over HTTP against a real node (issue 14, defects 2, 5, 6).
/// World: a Moscow bank (31, RUBKRUMM) holds 1,000,000.00 RUB; a Pyongyang bank (32, KPWBKPPY) receives KPW; an FX
/// provider (33, FXPRRUMM) quotes RUB → KPW at 10 and holds 10,000,000.00 KPW. RUB settles on ledger 643 (central bank
/// 100), KPW on ledger 408 (central bank 101). The payment: 5,000.00 RUB instructed, 50,000.00 KPW settled.
/// </summary>
public class PaymentRecordTests
{
    private const ulong Cbr = 100, Cbk = 101, Moscow = 31, Pyongyang = 32, Fx = 33;
    private const uint Rub = 643, Kpw = 408;
    private const string MoscowRub = "0x6431", PyongyangKpw = "0x4082", PyongyangRub = "0x6432", FxRub = "0x6433", FxKpw = "0x4083";
    private static readonly DateOnly Day = new(2026, 11, 23);
    private const string Uetr = "7c1e2f4a-9b3d-4e8f-a1c2-5d6e7f8a9b0c", EndToEndId = "ACME-E2E-2026-0042", Invoice = "KP-INV-2026-0042";
    private const string Debtor = "Moscow Machine Tools JSC", DebtorAccount = "40702810900000012345", Creditor = "Pyongyang Trading Corporation";
    private const long Settled = 5_000_000; // 50,000.00 KPW
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private sealed record World(TestNode Node, CorridorClient Payer, CorridorClient Payee, CorridorClient Provider) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Node.DisposeAsync();
    }

    private static async Task<World> WorldAsync()
    {
        TestNode node = await TestNode.StartAsync(world: false);
        CorridorClient op = node.Operator;
        (await op.RegisterParticipantAsync(new RegisterParticipantRequest(Cbr, "Bank of Russia", "central-bank"), C)).Unwrap();
        (await op.RegisterParticipantAsync(new RegisterParticipantRequest(Cbk, "Central Bank of the DPRK", "central-bank"), C)).Unwrap();
        string payer = (await op.RegisterParticipantAsync(new RegisterParticipantRequest(Moscow, "Moscow Bank", "direct", "RUBKRUMM"), C)).Unwrap().Token;
        string payee = (await op.RegisterParticipantAsync(new RegisterParticipantRequest(Pyongyang, "Pyongyang Bank", "direct", "KPWBKPPY"), C)).Unwrap().Token;
        string fx = (await op.RegisterParticipantAsync(new RegisterParticipantRequest(Fx, "FX Provider", "direct", "FXPRRUMM"), C)).Unwrap().Token;
        (await op.RegisterLedgerAsync(new RegisterLedgerRequest(Rub, Cbr, "0x6430", "0x643F", "RUB"), C)).Unwrap();
        (await op.RegisterLedgerAsync(new RegisterLedgerRequest(Kpw, Cbk, "0x4080", "0x408F", "KPW"), C)).Unwrap();
        (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(Moscow, Rub, MoscowRub), C)).Unwrap();
        (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(Pyongyang, Kpw, PyongyangKpw), C)).Unwrap();
        (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(Pyongyang, Rub, PyongyangRub), C)).Unwrap();
        (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(Fx, Rub, FxRub), C)).Unwrap();
        (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(Fx, Kpw, FxKpw), C)).Unwrap();
        (await op.OpenDayAsync(Day, C)).Unwrap();
        (await op.MoveLiquidityAsync(new LiquidityRequest("0x7001", Moscow, Rub, 100_000_000, "inject"), C)).Unwrap();
        (await op.MoveLiquidityAsync(new LiquidityRequest("0x7002", Fx, Kpw, 1_000_000_000, "inject"), C)).Unwrap();
        var quote = new PublishQuoteRequest("0xF10", "RUB", "KPW", new FxRateDto(10, 1), 100, 1_000_000_000,
            (ulong)(DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds() * 1_000_000), FxRub, FxKpw, 60);
        Assert.Equal(HttpStatusCode.Created, (await op.WithToken(fx).PublishQuoteAsync(quote, C)).Status);
        return new World(node, op.WithToken(payer), op.WithToken(payee), op.WithToken(fx));
    }

    /// <summary>A pacs.008 from RUBKRUMM to KPWBKPPY: cross-currency (InstdAmt RUB, XchgRate) unless <paramref name="settledRub"/> is given.</summary>
    private static byte[] Pacs008(string msgId, string uetr, string endToEndId, string invoice, string? settledRub = null)
    {
        string amounts = settledRub is null
            ? "<IntrBkSttlmAmt Ccy=\"KPW\">50000.00</IntrBkSttlmAmt><IntrBkSttlmDt>2026-11-23</IntrBkSttlmDt><InstdAmt Ccy=\"RUB\">5000.00</InstdAmt><XchgRate>10</XchgRate>"
            : $"<IntrBkSttlmAmt Ccy=\"RUB\">{settledRub}</IntrBkSttlmAmt><IntrBkSttlmDt>2026-11-23</IntrBkSttlmDt>";
        string xml = $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09">
              <FIToFICstmrCdtTrf>
                <GrpHdr>
                  <MsgId>{msgId}</MsgId><CreDtTm>2026-11-23T09:00:00Z</CreDtTm><NbOfTxs>1</NbOfTxs>
                  <SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf>
                  <InstgAgt><FinInstnId><BICFI>RUBKRUMM</BICFI></FinInstnId></InstgAgt>
                  <InstdAgt><FinInstnId><BICFI>KPWBKPPY</BICFI></FinInstnId></InstdAgt>
                </GrpHdr>
                <CdtTrfTxInf>
                  <PmtId><InstrId>INS-{msgId}</InstrId><EndToEndId>{endToEndId}</EndToEndId><TxId>TX-{msgId}</TxId><UETR>{uetr}</UETR></PmtId>
                  {amounts}
                  <ChrgBr>DEBT</ChrgBr>
                  <Dbtr><Nm>{Debtor}</Nm><PstlAdr><StrtNm>Tverskaya</StrtNm><BldgNb>7</BldgNb><PstCd>125009</PstCd><TwnNm>Moscow</TwnNm><Ctry>RU</Ctry></PstlAdr></Dbtr>
                  <DbtrAcct><Id><Othr><Id>{DebtorAccount}</Id></Othr></Id></DbtrAcct>
                  <DbtrAgt><FinInstnId><BICFI>RUBKRUMM</BICFI></FinInstnId></DbtrAgt>
                  <CdtrAgt><FinInstnId><BICFI>KPWBKPPY</BICFI></FinInstnId></CdtrAgt>
                  <Cdtr><Nm>{Creditor}</Nm><PstlAdr><TwnNm>Pyongyang</TwnNm><Ctry>KP</Ctry></PstlAdr></Cdtr>
                  <CdtrAcct><Id><Othr><Id>0200150000777</Id></Othr></Id></CdtrAcct>
                  <RmtInf><Strd><RfrdDocInf><Tp><CdOrPrtry><Cd>CINV</Cd></CdOrPrtry></Tp><Nb>{invoice}</Nb><RltdDt>2026-11-02</RltdDt></RfrdDocInf>
                    <AddtlRmtInf>LC:KP-LC-2026-0007</AddtlRmtInf></Strd></RmtInf>
                </CdtTrfTxInf>
              </FIToFICstmrCdtTrf>
            </Document>
            """;
        return Encoding.UTF8.GetBytes(xml);
    }

    private static async Task PayRubToKpwAsync(World w)
    {
        IsoReply reply = await w.Payer.SendIso20022Async(Pacs008("RUBK20261123-0042", Uetr, EndToEndId, Invoice), C);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Contains("<TxSts>ACSC</TxSts>", reply.Body);
    }

    /// <summary>Parses with the project's reader, which validates against the XSD first (the same files as /work/shared/iso20022/xsd).</summary>
    private static AccountReportMessage Valid(IsoDocument doc, string definition)
    {
        Assert.True(doc.Status == HttpStatusCode.OK, $"HTTP {(int)doc.Status}: {doc.Body}");
        ParseResult parsed = Iso20022Codec.Parse(Encoding.UTF8.GetBytes(doc.Body));
        Assert.True(parsed.IsSuccess, string.Join("; ", parsed.Errors.Select(e => $"{e.ReasonCode} {e.Path}: {e.Message}")));
        var message = Assert.IsType<AccountReportMessage>(parsed.Message);
        Assert.Equal(definition, message.MessageDefinition);
        return message;
    }

    /// <summary>The payment id of a pacs.008 with this UETR (its 128 bits, big-endian) in 0x-hex.</summary>
    private static string IdOf(string uetr) => "0x" + Convert.ToHexStringLower(Guid.Parse(uetr).ToByteArray(bigEndian: true));

    /// <summary>A decimal payment id as the camt entries write it (0x-hex).</summary>
    private static string Hex(string decimalId) => "0x" + UInt128.Parse(decimalId, CultureInfo.InvariantCulture).ToString("x", CultureInfo.InvariantCulture);

    /// <summary>The payee's one credit of a payment from RUBKRUMM: amount, ids, debtor name/account/agent, invoice.</summary>
    private static void AssertPayeeCredit(Entry e, long amountMinor, string currency, string endToEndId, string uetr, string? invoice)
    {
        Assert.Equal(CreditDebit.Credit, e.CreditDebit);
        Assert.Equal(new Money(currency, amountMinor), e.Amount);
        Assert.Equal("BOOK", e.Status);
        Assert.Equal(endToEndId, e.EndToEndId);
        Assert.Equal(uetr, e.Uetr);
        Assert.StartsWith("RUBK", e.MsgId);
        Assert.Equal(Debtor, e.CounterpartyName);
        Assert.Equal(DebtorAccount, e.CounterpartyAccount?.Identifier);
        Assert.Equal("RUBKRUMM", e.CounterpartyAgentBic);
        if (invoice is not null)
        {
            ReferredDocument doc = Assert.Single(e.Documents, d => d.TypeCode == "CINV");
            Assert.Equal(invoice, doc.Number);
        }
    }

    [Fact]
    public async Task A_RUB_to_KPW_payment_is_one_credit_of_the_destination_amount_on_the_payees_camt054_camt052_and_statement()
    {
        await using World w = await WorldAsync();
        await PayRubToKpwAsync(w);

        // camt.054: the reservation made when the quote was locked is not a booking; its post is the one credit.
        AccountReportMessage camt054 = Valid(await w.Payee.FetchCamt054Async(PyongyangKpw, c: C), "camt.054.001.08");
        AssertPayeeCredit(Assert.Single(camt054.Report.Entries), Settled, "KPW", EndToEndId, Uetr, Invoice);

        AccountReportMessage camt052 = Valid(await w.Payee.FetchCamt052Async(PyongyangKpw, from: "2000-01-01T00:00:00Z", c: C), "camt.052.001.08");
        AssertPayeeCredit(Assert.Single(camt052.Report.Entries), Settled, "KPW", EndToEndId, Uetr, Invoice);
        Assert.Equal(Settled, Assert.Single(camt052.Report.Balances).AmountMinor);

        // The payer sees one debit of the source amount, the creditor as counterparty.
        AccountReportMessage payer054 = Valid(await w.Payer.FetchCamt054Async(MoscowRub, c: C), "camt.054.001.08");
        Entry debit = payer054.Report.Entries.Single(e => e.CreditDebit == CreditDebit.Debit);
        Assert.Equal((500_000L, EndToEndId, Uetr, Creditor, "0200150000777", "KPWBKPPY"),
            (debit.Amount.AmountMinor, debit.EndToEndId, debit.Uetr, debit.CounterpartyName, debit.CounterpartyAccount?.Identifier, debit.CounterpartyAgentBic));

        CorridorClient op = w.Node.Operator;
        (await op.ChangePhaseAsync("customer_cutoff", C)).Unwrap();
        (await op.ChangePhaseAsync("interbank_cutoff", C)).Unwrap();
        (await op.ChangePhaseAsync("end_of_day", C)).Unwrap();
        AccountReportMessage camt053 = Valid(await w.Payee.FetchCamt053Async(Day, PyongyangKpw, C), "camt.053.001.08");
        Entry line = Assert.Single(camt053.Report.Entries);
        AssertPayeeCredit(line, Settled, "KPW", EndToEndId, Uetr, Invoice);
        Assert.Equal(Settled, camt053.Report.Balances.Single(b => b.TypeCode == "CLBD").AmountMinor);

        // The JSON statement: one line, which names its payment (the PvP leg's payment id, found by id like any payment).
        StatementDto statement = (await w.Payee.GetStatementAsync(Day, PyongyangKpw, C)).Unwrap();
        StatementEntryDto only = Assert.Single(statement.Entries);
        Assert.Equal((Settled, true), (only.Amount, only.IsCredit));
        Assert.Equal((EndToEndId, Uetr, Debtor, "RUBKRUMM", Invoice), (only.EndToEndId, only.Uetr, only.CounterpartyName, only.CounterpartyBic, only.InvoiceNumber));
        PaymentDto named = (await w.Payee.GetPaymentAsync(only.PaymentId, C)).Unwrap();
        Assert.Equal((Moscow, Pyongyang), (named.Payer, named.Payee));
        Assert.Equal(Hex(only.PaymentId), line.AcctSvcrTxId);
    }

    [Fact]
    public async Task The_payee_bank_sees_a_RUB_to_KPW_payment_by_id_end_to_end_id_uetr_and_invoice_with_its_ISO_ids()
    {
        await using World w = await WorldAsync();
        await PayRubToKpwAsync(w);

        ApiResult<PaymentDto> byId = await w.Payee.GetPaymentAsync(Uetr, C);
        Assert.Equal(HttpStatusCode.OK, byId.Status);
        Assert.Equal((Moscow, Pyongyang), (byId.Unwrap().Payer, byId.Unwrap().Payee));

        foreach ((string parameter, string value) in new[] { ("endToEndId", EndToEndId), ("uetr", Uetr), ("invoiceNumber", Invoice), ("msgId", "RUBK20261123-0042"),
                     ("txId", "TX-RUBK20261123-0042"), ("instrId", "INS-RUBK20261123-0042") })
        {
            foreach (CorridorClient who in new[] { w.Payee, w.Payer })
            {
                PaymentRecordDto p = Assert.Single((await who.FindPaymentsAsync(parameter, value, C)).Unwrap());
                Assert.Equal(("pvp", Moscow, Pyongyang, Settled), (p.Kind, p.Payer, p.Payee, p.DestinationAmount));
                Assert.Equal(("RUBK20261123-0042", "INS-RUBK20261123-0042", EndToEndId, "TX-RUBK20261123-0042", Uetr),
                    (p.MsgId, p.InstrId, p.EndToEndId, p.TxId, p.Uetr));
                Assert.Equal((Invoice, Debtor, Creditor), (p.InvoiceNumber, p.OriginatorName, p.BeneficiaryName));
            }
        }
        // The FX provider settles a leg but is no party to the payment: it does not see the record.
        Assert.Equal(HttpStatusCode.Forbidden, (await w.Provider.GetPaymentAsync(Uetr, C)).Status);
        Assert.Empty((await w.Provider.FindPaymentsAsync("endToEndId", EndToEndId, C)).Unwrap());
    }

    [Fact]
    public async Task A_held_RUB_to_KPW_payment_books_nothing_until_released_and_its_record_follows_the_decision()
    {
        await using World w = await WorldAsync();
        TestNode node = w.Node;
        const string List = "id,kind,name,aliases,countries,dates_of_birth,program\nKP-1,entity,\"PYONGYANG TRADING CORPORATION\",,KP,,DPRK3\n";
        var (loaded, loadedBody, _) = await TestNode.Send(node.Operator, HttpMethod.Post, "/v1/compliance/watch-lists",
            System.Text.Json.JsonSerializer.Serialize(new LoadWatchListRequest("sanctions", "csv", "2026-11", List), CorridorJson.Options));
        Assert.True(loaded == HttpStatusCode.Created, loadedBody);

        IsoReply reply = await w.Payer.SendIso20022Async(Pacs008("RUBK20261123-0042", Uetr, EndToEndId, Invoice), C);
        Assert.Contains("<TxSts>PDNG</TxSts>", reply.Body);
        // Held: the provider's reservation to the payee exists in the ledger, but it is no booking.
        Assert.Single((await w.Payee.QueryAccountTransfersAsync(PyongyangKpw, c: C)).Unwrap().Transfers);
        Assert.Empty(Valid(await w.Payee.FetchCamt054Async(PyongyangKpw, c: C), "camt.054.001.08").Report.Entries);
        Assert.Empty(Valid(await w.Payee.FetchCamt052Async(PyongyangKpw, from: "2000-01-01T00:00:00Z", c: C), "camt.052.001.08").Report.Entries);
        Assert.Equal("held", (await w.Payee.GetPaymentAsync(Uetr, C)).Unwrap().Status);

        var (released, releasedBody, _) = await TestNode.Send(node.Operator, HttpMethod.Post, $"/v1/compliance/holds/{IdOf(Uetr)}/release",
            """{"reason":"false positive: a different company, verified registration"}""");
        Assert.True(released == HttpStatusCode.OK, releasedBody);
        Assert.Equal("settled", (await w.Payee.GetPaymentAsync(Uetr, C)).Unwrap().Status);
        Assert.Equal("settled", Assert.Single((await w.Payee.FindPaymentsAsync("endToEndId", EndToEndId, C)).Unwrap()).Status);
        AssertPayeeCredit(Assert.Single(Valid(await w.Payee.FetchCamt054Async(PyongyangKpw, c: C), "camt.054.001.08").Report.Entries),
            Settled, "KPW", EndToEndId, Uetr, Invoice);

        // A rejected hold voids the reservation: neither it nor its void is ever reported.
        const string otherUetr = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
        Assert.Contains("<TxSts>PDNG</TxSts>", (await w.Payer.SendIso20022Async(Pacs008("RUBK20261123-0044", otherUetr, "ACME-E2E-0044", "KP-INV-0044"), C)).Body);
        var (rejected, rejectedBody, _) = await TestNode.Send(node.Operator, HttpMethod.Post, $"/v1/compliance/holds/{IdOf(otherUetr)}/reject",
            """{"reason":"true match: listed entity"}""");
        Assert.True(rejected == HttpStatusCode.OK, rejectedBody);
        Assert.Equal("failed", (await w.Payer.GetPaymentAsync(otherUetr, C)).Unwrap().Status);
        Assert.Equal(4, (await w.Payee.QueryAccountTransfersAsync(PyongyangKpw, c: C)).Unwrap().Transfers.Length); // 2 reservations, a post, a void
        Assert.Single(Valid(await w.Payee.FetchCamt054Async(PyongyangKpw, c: C), "camt.054.001.08").Report.Entries);
    }

    [Fact]
    public async Task A_same_currency_pacs008_credit_carries_its_ids_and_counterparty_on_camt054_camt052_and_camt053()
    {
        await using World w = await WorldAsync();
        const string uetr = "0d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70";
        IsoReply reply = await w.Payer.SendIso20022Async(Pacs008("RUBK20261123-0043", uetr, "ACME-E2E-RUB-0043", "RU-INV-0043", settledRub: "1000.00"), C);
        Assert.Contains("<TxSts>ACSC</TxSts>", reply.Body);

        AccountReportMessage camt054 = Valid(await w.Payee.FetchCamt054Async(PyongyangRub, c: C), "camt.054.001.08");
        AssertPayeeCredit(Assert.Single(camt054.Report.Entries), 100_000, "RUB", "ACME-E2E-RUB-0043", uetr, invoice: null);
        AccountReportMessage camt052 = Valid(await w.Payee.FetchCamt052Async(PyongyangRub, from: "2000-01-01T00:00:00Z", c: C), "camt.052.001.08");
        AssertPayeeCredit(Assert.Single(camt052.Report.Entries), 100_000, "RUB", "ACME-E2E-RUB-0043", uetr, invoice: null);

        CorridorClient op = w.Node.Operator;
        (await op.ChangePhaseAsync("customer_cutoff", C)).Unwrap();
        (await op.ChangePhaseAsync("interbank_cutoff", C)).Unwrap();
        (await op.ChangePhaseAsync("end_of_day", C)).Unwrap();
        AccountReportMessage camt053 = Valid(await w.Payee.FetchCamt053Async(Day, PyongyangRub, C), "camt.053.001.08");
        Entry line = Assert.Single(camt053.Report.Entries);
        // The message's EndToEndId, not the engine's payment id (which travels as AcctSvcrTxId).
        AssertPayeeCredit(line, 100_000, "RUB", "ACME-E2E-RUB-0043", uetr, invoice: null);
        StatementDto statement = (await w.Payee.GetStatementAsync(Day, PyongyangRub, C)).Unwrap();
        Assert.Equal(Hex(Assert.Single(statement.Entries).PaymentId), line.AcctSvcrTxId);
        Assert.NotEqual(line.AcctSvcrTxId, line.EndToEndId);
    }
}
