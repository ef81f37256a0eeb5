using System.Net;
using Corridor.Client;
using Corridor.Core.Settlement;

namespace Corridor.Server.Tests;

/// <summary>
/// POST /v1/iso20022 with pacs.004 (returns, answered with pacs.002) and camt.056 (cancellation requests, answered with
/// camt.029), over real HTTP against a running node. World: Commerzbank (11, COBADEFF) holds 10,000.00 EUR, BNP Paribas
/// (12, BNPAFRPP) holds nothing; Commerzbank's pacs.008 of 1,450.00 EUR (UETR 0b6e0a7c-…) to BNP Paribas settles.
/// </summary>
public class Iso20022ReturnAndCancellationTests
{
    private const ulong Coba = 11, Bnpa = 12;
    private const string SettledUetr = "0b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d";
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private static byte[] Sample(string name, Func<string, string>? edit = null)
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !Directory.Exists(Path.Combine(dir, "samples", "iso20022"))) dir = Path.GetDirectoryName(dir);
        Assert.NotNull(dir);
        string xml = File.ReadAllText(Path.Combine(dir, "samples", "iso20022", name));
        return System.Text.Encoding.UTF8.GetBytes(edit is null ? xml : edit(xml));
    }

    private static async Task<(TestNode Node, CorridorClient Coba, CorridorClient Bnpa)> WorldAsync()
    {
        TestNode node = await TestNode.StartAsync();
        string cobaToken = (await node.Operator.RegisterParticipantAsync(new RegisterParticipantRequest(Coba, "Commerzbank", "direct", "COBADEFF"), C)).Unwrap().Token;
        string bnpaToken = (await node.Operator.RegisterParticipantAsync(new RegisterParticipantRequest(Bnpa, "BNP Paribas", "direct", "BNPAFRPP"), C)).Unwrap().Token;
        (await node.Operator.RegisterLedgerAsync(new RegisterLedgerRequest(978, TestNode.CentralBank, "0x5000", "0x5001", "EUR"), C)).Unwrap();
        (await node.Operator.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(Coba, 978, "0x5011"), C)).Unwrap();
        (await node.Operator.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(Bnpa, 978, "0x5012"), C)).Unwrap();
        await node.Operator.OpenDayAsync(new DateOnly(2026, 11, 23), C);
        (await node.Operator.MoveLiquidityAsync(new LiquidityRequest("0x5901", Coba, 978, 1_000_000, "inject"), C)).Unwrap();
        var coba = node.Operator.WithToken(cobaToken);
        IsoReply settled = await coba.SendIso20022Async(Sample("pacs.008-envelope-apphdr.xml"), C);
        Assert.Contains("<TxSts>ACSC</TxSts>", settled.Body);
        return (node, coba, node.Operator.WithToken(bnpaToken));
    }

    private static async Task<long> Balance(TestNode node, ulong participant) =>
        (await node.Operator.GetSettlementAccountAsync(participant, 978, C)).Unwrap().BalanceMinor;

    private static Task<PaymentInfo?> Payment(TestNode node, UInt128 id) => node.Server.Node.QueryAsync(e => e.Settlement.GetPayment(id));

    private static UInt128 IdOfUetr(string uetr) =>
        Corridor.Iso20022.Mapping.PaymentMapping.PaymentIdOf("", new Corridor.Iso20022.Model.PaymentIdentification { EndToEndId = "", Uetr = uetr });

    /// <summary>A pacs.004 from <paramref name="fromBic"/> returning <paramref name="amount"/> EUR of the payment with <paramref name="uetr"/>.</summary>
    private static byte[] Return(string rtrId, string amount, string fromBic = "BNPAFRPP", string uetr = SettledUetr) => System.Text.Encoding.UTF8.GetBytes($"""
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.004.001.10">
          <PmtRtr>
            <GrpHdr>
              <MsgId>MSG-{rtrId}</MsgId>
              <CreDtTm>2026-11-23T10:00:00Z</CreDtTm>
              <NbOfTxs>1</NbOfTxs>
              <SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf>
              <InstgAgt><FinInstnId><BICFI>{fromBic}</BICFI></FinInstnId></InstgAgt>
            </GrpHdr>
            <TxInf>
              <RtrId>{rtrId}</RtrId>
              <OrgnlEndToEndId>RENT-2026-11-APT4B</OrgnlEndToEndId>
              <OrgnlUETR>{uetr}</OrgnlUETR>
              <RtrdIntrBkSttlmAmt Ccy="EUR">{amount}</RtrdIntrBkSttlmAmt>
              <RtrRsnInf><Rsn><Cd>AC04</Cd></Rsn></RtrRsnInf>
            </TxInf>
          </PmtRtr>
        </Document>
        """);

    /// <summary>A camt.056 from <paramref name="assigner"/> asking to cancel the payment with <paramref name="uetr"/>.</summary>
    private static byte[] Cancel(string uetr, string assigner, string assignee) => System.Text.Encoding.UTF8.GetBytes($"""
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.056.001.09">
          <FIToFIPmtCxlReq>
            <Assgnmt>
              <Id>CXL-{uetr[..8]}-{assigner}</Id>
              <Assgnr><Agt><FinInstnId><BICFI>{assigner}</BICFI></FinInstnId></Agt></Assgnr>
              <Assgne><Agt><FinInstnId><BICFI>{assignee}</BICFI></FinInstnId></Agt></Assgne>
              <CreDtTm>2026-11-23T11:40:00Z</CreDtTm>
            </Assgnmt>
            <Case><Id>CASE-{uetr[..8]}</Id><Cretr><Agt><FinInstnId><BICFI>{assigner}</BICFI></FinInstnId></Agt></Cretr></Case>
            <Undrlyg>
              <TxInf>
                <CxlId>CXL-1</CxlId>
                <OrgnlEndToEndId>RENT-2026-11-APT4B</OrgnlEndToEndId>
                <OrgnlUETR>{uetr}</OrgnlUETR>
                <CxlRsnInf><Rsn><Cd>DUPL</Cd></Rsn></CxlRsnInf>
              </TxInf>
            </Undrlyg>
          </FIToFIPmtCxlReq>
        </Document>
        """);

    [Fact]
    public async Task Partial_then_full_return_moves_money_back_and_over_return_and_duplicate_change_nothing()
    {
        var (node, _, bnpa) = await WorldAsync();
        await using var _ = node;
        Assert.Equal((855_000L, 145_000L), (await Balance(node, Coba), await Balance(node, Bnpa)));

        IsoReply partial = await bnpa.SendIso20022Async(Return("RTR-1", "500.00"), C);
        Assert.Equal(HttpStatusCode.OK, partial.Status);
        Assert.Contains("<OrgnlMsgNmId>pacs.004.001.10</OrgnlMsgNmId>", partial.Body);
        Assert.Contains("<TxSts>ACSC</TxSts>", partial.Body);
        Assert.Contains("<OrgnlTxId>RTR-1</OrgnlTxId>", partial.Body);
        Assert.Equal((905_000L, 95_000L), (await Balance(node, Coba), await Balance(node, Bnpa)));
        // The return pays Jonas Becker back from Claire Martin: the original's parties, swapped, as an interbank payment.
        PaymentInfo ret = (await Payment(node, await node.Server.Node.QueryAsync(e => e.Settlement.GetReturns(IdOfUetr(SettledUetr))[0].ReturnId)))!;
        Assert.Equal((Bnpa, Coba, PaymentKind.Interbank), (ret.Payer, ret.Payee, ret.Kind));
        Assert.Equal(("Claire Martin", "Jonas Becker"), (ret.Details?.Originator?.Name, ret.Details?.Beneficiary?.Name));

        IsoReply over = await bnpa.SendIso20022Async(Return("RTR-2", "1000.00"), C);
        Assert.Contains("<TxSts>RJCT</TxSts>", over.Body);
        Assert.Contains("<Cd>AM02</Cd>", over.Body);
        Assert.Contains("settlement.return_exceeds_original", over.Body);
        Assert.Equal((905_000L, 95_000L), (await Balance(node, Coba), await Balance(node, Bnpa)));
        Assert.Equal(500_00, await node.Server.Node.QueryAsync(e => e.Settlement.GetReturnedMinor(IdOfUetr(SettledUetr))));
        Assert.Single(await node.Server.Node.QueryAsync(e => e.Settlement.GetReturns(IdOfUetr(SettledUetr)))); // the refused return left no trace

        IsoReply rest = await bnpa.SendIso20022Async(Return("RTR-2", "950.00"), C); // the refused RtrId is free again
        Assert.Contains("<TxSts>ACSC</TxSts>", rest.Body);
        Assert.Equal((1_000_000L, 0L), (await Balance(node, Coba), await Balance(node, Bnpa)));

        var before = await node.StateAsync();
        IsoReply duplicate = await bnpa.SendIso20022Async(Return("RTR-2", "950.00"), C);
        Assert.Contains("<TxSts>RJCT</TxSts>", duplicate.Body);
        Assert.Contains("<Cd>DUPL</Cd>", duplicate.Body);
        Assert.Equal((1_000_000L, 0L), (await Balance(node, Coba), await Balance(node, Bnpa)));
        Assert.Equal(1_450_00, await node.Server.Node.QueryAsync(e => e.Settlement.GetReturnedMinor(IdOfUetr(SettledUetr))));
        Assert.NotEqual(before, await node.StateAsync()); // the duplicate was journaled (idempotent answer), nothing else changed
    }

    [Fact]
    public async Task A_return_without_liquidity_queues_PDNG_and_settles_when_funds_arrive()
    {
        var (node, _, bnpa) = await WorldAsync();
        await using var _ = node;
        // BNP Paribas pays 1,000.00 EUR away first: 450.00 EUR left, not enough to return 500.00.
        byte[] away = Sample("pacs.008-envelope-apphdr.xml", x => x
            .Replace("COBADEFF", "TMPXXXXX", StringComparison.Ordinal).Replace("BNPAFRPP", "COBADEFF", StringComparison.Ordinal).Replace("TMPXXXXX", "BNPAFRPP", StringComparison.Ordinal)
            .Replace(SettledUetr, "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a", StringComparison.Ordinal).Replace("COBA-20261123-55021", "BNPA-20261123-00002", StringComparison.Ordinal)
            .Replace("1450.00", "1000.00", StringComparison.Ordinal));
        Assert.Contains("<TxSts>ACSC</TxSts>", (await bnpa.SendIso20022Async(away, C)).Body);
        IsoReply queued = await bnpa.SendIso20022Async(Return("RTR-Q", "500.00"), C);
        Assert.Contains("<TxSts>PDNG</TxSts>", queued.Body);
        Assert.Equal(45_000, await Balance(node, Bnpa));
        Assert.Contains("<Cd>AM02</Cd>", (await bnpa.SendIso20022Async(Return("RTR-R", "950.01"), C)).Body); // the queued 500.00 counts as returned
        (await node.Operator.MoveLiquidityAsync(new LiquidityRequest("0x5902", Bnpa, 978, 10_000, "inject"), C)).Unwrap();
        Assert.Equal(5_000, await Balance(node, Bnpa));
        UInt128 returnId = await node.Server.Node.QueryAsync(e => e.Settlement.GetReturns(IdOfUetr(SettledUetr))[0].ReturnId);
        Assert.Equal(PaymentStatus.Settled, (await Payment(node, returnId))!.Status);
    }

    [Fact]
    public async Task Only_the_original_payee_may_return_and_an_unknown_original_is_AG09()
    {
        var (node, coba, bnpa) = await WorldAsync();
        await using var _ = node;
        IsoReply byPayer = await coba.SendIso20022Async(Return("RTR-X", "10.00", fromBic: "COBADEFF"), C);
        Assert.Contains("<TxSts>RJCT</TxSts>", byPayer.Body);
        Assert.Contains("<Cd>AGNT</Cd>", byPayer.Body);
        Assert.Contains("settlement.not_original_payee", byPayer.Body);

        IsoReply impersonating = await coba.SendIso20022Async(Return("RTR-Y", "10.00"), C); // InstgAgt BNPAFRPP sent with Commerzbank's token
        Assert.Equal(HttpStatusCode.Forbidden, impersonating.Status);

        IsoReply unknown = await bnpa.SendIso20022Async(Return("RTR-Z", "10.00", uetr: "11111111-2222-4333-8444-555555555555"), C);
        Assert.Contains("<Cd>AG09</Cd>", unknown.Body);
        Assert.Equal((855_000L, 145_000L), (await Balance(node, Coba), await Balance(node, Bnpa)));
    }

    [Fact]
    public async Task Cancelling_a_queued_payment_revokes_it_and_a_settled_one_is_refused()
    {
        var (node, coba, bnpa) = await WorldAsync();
        await using var _ = node;
        // BNP Paribas pays Commerzbank 2,000.00 EUR with 1,450.00 EUR on its account: the payment queues.
        const string queuedUetr = "7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
        byte[] pacs008 = Sample("pacs.008-envelope-apphdr.xml", x => x
            .Replace("COBADEFF", "TMPXXXXX", StringComparison.Ordinal).Replace("BNPAFRPP", "COBADEFF", StringComparison.Ordinal).Replace("TMPXXXXX", "BNPAFRPP", StringComparison.Ordinal)
            .Replace(SettledUetr, queuedUetr, StringComparison.Ordinal).Replace("COBA-20261123-55021", "BNPA-20261123-00001", StringComparison.Ordinal)
            .Replace("1450.00", "2000.00", StringComparison.Ordinal));
        IsoReply queued = await bnpa.SendIso20022Async(pacs008, C);
        Assert.Contains("<TxSts>PDNG</TxSts>", queued.Body);
        long cobaBefore = await Balance(node, Coba), bnpaBefore = await Balance(node, Bnpa);

        IsoReply cancelled = await bnpa.SendIso20022Async(Cancel(queuedUetr, "BNPAFRPP", "COBADEFF"), C);
        Assert.Equal(HttpStatusCode.OK, cancelled.Status);
        Assert.Contains("camt.029.001.10", cancelled.Body);
        Assert.Contains("<Conf>CNCL</Conf>", cancelled.Body);
        Assert.Contains("<TxCxlSts>ACCR</TxCxlSts>", cancelled.Body);
        Assert.Equal(PaymentStatus.Revoked, (await Payment(node, IdOfUetr(queuedUetr)))!.Status);
        Assert.Equal((cobaBefore, bnpaBefore), (await Balance(node, Coba), await Balance(node, Bnpa)));
        // Asking again is confirmed again (the payment stays revoked).
        Assert.Contains("<Conf>CNCL</Conf>", (await bnpa.SendIso20022Async(Cancel(queuedUetr, "BNPAFRPP", "COBADEFF"), C)).Body);

        IsoReply settled = await coba.SendIso20022Async(Cancel(SettledUetr, "COBADEFF", "BNPAFRPP"), C);
        Assert.Contains("<Conf>RJCR</Conf>", settled.Body);
        Assert.Contains("<TxCxlSts>RJCR</TxCxlSts>", settled.Body);
        Assert.Contains("<Cd>AGNT</Cd>", settled.Body);
        Assert.Equal(PaymentStatus.Settled, (await Payment(node, IdOfUetr(SettledUetr)))!.Status);

        IsoReply unknown = await coba.SendIso20022Async(Cancel("11111111-2222-4333-8444-555555555555", "COBADEFF", "BNPAFRPP"), C);
        Assert.Contains("<Cd>NOOR</Cd>", unknown.Body);
    }

    [Fact]
    public async Task Only_the_original_payer_may_cancel()
    {
        var (node, _, bnpa) = await WorldAsync();
        await using var _ = node;
        IsoReply notPayer = await bnpa.SendIso20022Async(Cancel(SettledUetr, "BNPAFRPP", "COBADEFF"), C);
        Assert.Contains("<Conf>RJCR</Conf>", notPayer.Body);
        Assert.Contains("<Cd>NOOR</Cd>", notPayer.Body);
        IsoReply impersonating = await bnpa.SendIso20022Async(Cancel(SettledUetr, "COBADEFF", "BNPAFRPP"), C);
        Assert.Equal(HttpStatusCode.Forbidden, impersonating.Status);
        Assert.Equal(PaymentStatus.Settled, (await Payment(node, IdOfUetr(SettledUetr)))!.Status);
    }

    [Fact]
    public async Task Returns_and_cancellations_replay_from_the_journal_to_the_same_state_after_a_restart()
    {
        string dir = Directory.CreateTempSubdirectory("corridor-iso-restart-").FullName;
        try
        {
            var options = new ServerOptions { DataPath = dir, Urls = ["http://127.0.0.1:0"], Node = new Corridor.Storage.Node.NodeOptions { SnapshotEveryEvents = 0 } };
            string hash, snapshotHash;
            long returned;
            await using (CorridorServer server = await CorridorServer.StartAsync(options, C))
            {
                var op = new CorridorClient(new HttpClient { BaseAddress = new Uri(server.Addresses[0]) }, server.NewOperatorToken!);
                (await op.RegisterParticipantAsync(new RegisterParticipantRequest(TestNode.CentralBank, "Central Bank", "central-bank"), C)).Unwrap();
                var coba = op.WithToken((await op.RegisterParticipantAsync(new RegisterParticipantRequest(Coba, "Commerzbank", "direct", "COBADEFF"), C)).Unwrap().Token);
                var bnpa = op.WithToken((await op.RegisterParticipantAsync(new RegisterParticipantRequest(Bnpa, "BNP Paribas", "direct", "BNPAFRPP"), C)).Unwrap().Token);
                (await op.RegisterLedgerAsync(new RegisterLedgerRequest(978, TestNode.CentralBank, "0x5000", "0x5001", "EUR"), C)).Unwrap();
                (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(Coba, 978, "0x5011"), C)).Unwrap();
                (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(Bnpa, 978, "0x5012"), C)).Unwrap();
                await op.OpenDayAsync(new DateOnly(2026, 11, 23), C);
                (await op.MoveLiquidityAsync(new LiquidityRequest("0x5901", Coba, 978, 1_000_000, "inject"), C)).Unwrap();
                Assert.Contains("<TxSts>ACSC</TxSts>", (await coba.SendIso20022Async(Sample("pacs.008-envelope-apphdr.xml"), C)).Body);
                Assert.Contains("<TxSts>ACSC</TxSts>", (await bnpa.SendIso20022Async(Return("RTR-1", "500.00"), C)).Body);
                Assert.Contains("<Cd>AM02</Cd>", (await bnpa.SendIso20022Async(Return("RTR-2", "950.01"), C)).Body);
                Assert.Contains("<Cd>DUPL</Cd>", (await bnpa.SendIso20022Async(Return("RTR-1", "500.00"), C)).Body);
                Assert.Contains("<Conf>RJCR</Conf>", (await coba.SendIso20022Async(Cancel(SettledUetr, "COBADEFF", "BNPAFRPP"), C)).Body);
                (hash, snapshotHash) = await server.Node.QueryAsync(e =>
                {
                    using var stream = new MemoryStream();
                    e.WriteSnapshot(stream);
                    stream.Position = 0;
                    return (e.StateHashHex(), Corridor.Core.Engine.Engine.ReadSnapshot(stream).StateHashHex());
                });
            }
            Assert.Equal(hash, snapshotHash);
            await using (CorridorServer again = await CorridorServer.StartAsync(options, C))
            {
                Assert.Equal(hash, await again.Node.QueryAsync(e => e.StateHashHex()));
                returned = await again.Node.QueryAsync(e => e.Settlement.GetReturnedMinor(IdOfUetr(SettledUetr)));
            }
            Assert.Equal(500_00, returned);
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}
