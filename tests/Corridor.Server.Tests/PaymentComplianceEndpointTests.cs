using System.Net;
using System.Text.Json;
using Corridor.Client;

namespace Corridor.Server.Tests;

/// <summary>Same-currency payments over HTTP: party data, travel rule, holds and decisions; named operator users in the audit log.</summary>
public sealed class PaymentComplianceEndpointTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private const string List = "id,kind,name,aliases,countries,dates_of_birth,program\nRU-1,person,\"PUTIN, Vladimir\",\"Владимир Путин\",RU,1952-10-07,UKRAINE-EO13660\n";

    private static FxPartyDto Person(string name, string town, string country, string account) =>
        new(name, "Main Street", "1", "10115", town, "", country, account);

    private static SubmitPaymentRequest Customer(string id, long amount, string beneficiary = "Jean Martin") =>
        new(id, TestNode.Bob, TestNode.Ledger, amount,
            Originator: Person("Anna Weber", "Berlin", "DE", "DE-ACC-1"), Beneficiary: Person(beneficiary, "Paris", "FR", "FR-ACC-2"),
            TradeReference: new FxTradeReferenceDto("INV-7", new DateOnly(2026, 11, 20), "", "LC-9", "Tea", "090240", "CIF", "Mombasa"),
            References: new PaymentReferencesDto("MSG-1", "INSTR-1", "E2E-1", "TX-1", "0b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d"));

    private static string Code(string body) => JsonDocument.Parse(body).RootElement.GetProperty("code").GetString()!;

    private static async Task<long> Balance(TestNode node, ulong participant) =>
        (await node.Operator.GetSettlementAccountAsync(participant, TestNode.Ledger, C)).Unwrap().BalanceMinor;

    [Fact]
    public async Task A_customer_payment_with_incomplete_party_data_is_400_with_its_rr_code_and_moves_nothing()
    {
        await using TestNode node = await TestNode.StartAsync();
        (await node.Operator.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();
        var (status, body, _) = await TestNode.Send(node.AliceClient, HttpMethod.Post, "/v1/payments", """{"id":"0x51","payee":2,"ledger":1,"amount":5}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("compliance.travel_rule_incomplete", Code(body));
        Assert.Equal("RR01", JsonDocument.Parse(body).RootElement.GetProperty("iso20022_reason").GetString());

        SubmitPaymentRequest noName = Customer("0x52", 5) with { Originator = Person("", "Berlin", "DE", "DE-ACC-1") };
        ApiResult<PaymentDto> r = await node.AliceClient.SubmitPaymentAsync(noName, C);
        Assert.Equal(HttpStatusCode.BadRequest, r.Status);
        Assert.Equal("compliance.travel_rule_incomplete", r.Problem!.Code);
        // Refused for its own content before the journal: nothing recorded, the id stays free for the corrected payment.
        var (noNameStatus, _, _) = await TestNode.Send(node.AliceClient, HttpMethod.Get, "/v1/payments/0x52", null);
        Assert.Equal(HttpStatusCode.NotFound, noNameStatus);
        Assert.Equal(TestNode.Funding, await Balance(node, TestNode.Alice));
        Assert.Equal(HttpStatusCode.Created, (await node.AliceClient.SubmitPaymentAsync(Customer("0x52", 5), C)).Status);

        // Strict JSON: an unknown field inside a party is refused before anything is journaled.
        var before = await node.StateAsync();
        var (unknown, unknownBody, _) = await TestNode.Send(node.AliceClient, HttpMethod.Post, "/v1/payments",
            """{"id":"0x53","payee":2,"ledger":1,"amount":5,"originator":{"name":"Anna","nickname":"A"}}""");
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.StartsWith("request.", Code(unknownBody));
        Assert.Equal(before, await node.StateAsync());
    }

    [Fact]
    public async Task A_complete_customer_payment_settles_and_shows_its_parties_and_references()
    {
        await using TestNode node = await TestNode.StartAsync();
        (await node.Operator.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();
        PaymentDto p = (await node.AliceClient.SubmitPaymentAsync(Customer("0x61", 500), C)).Unwrap();
        Assert.Equal("settled", p.Status);
        PaymentDto read = (await node.BobClient.GetPaymentAsync("0x61", C)).Unwrap();
        Assert.Equal("Anna Weber", read.Originator!.Name);
        Assert.Equal("Jean Martin", read.Beneficiary!.Name);
        Assert.Equal("INV-7", read.TradeReference!.InvoiceNumber);
        Assert.Equal("E2E-1", read.References!.EndToEndId);
        Assert.Equal("0b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d", read.References.Uetr);
        Assert.Equal("passed", read.Compliance!.Status);
        // Same id, other party data: different content.
        Assert.Equal(HttpStatusCode.Conflict, (await node.AliceClient.SubmitPaymentAsync(Customer("0x61", 500, "Jeanne Martin"), C)).Status);
    }

    [Fact]
    public async Task A_listed_beneficiary_holds_the_payment_until_the_compliance_officer_releases_or_rejects_it()
    {
        await using TestNode node = await TestNode.StartAsync();
        (await node.Operator.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();
        (await node.Operator.LoadWatchListAsync(new LoadWatchListRequest("sanctions", "csv", "2026-11", List), C)).Unwrap();

        PaymentDto held = (await node.AliceClient.SubmitPaymentAsync(Customer("0x71", 400, "Wladimir Putin"), C)).Unwrap();
        Assert.Equal("held", held.Status);
        Assert.Equal("held", held.Compliance!.Status);
        Assert.Equal("RU-1", held.Compliance.Hits[0].EntryId);
        Assert.Equal(TestNode.Funding, await Balance(node, TestNode.Alice));
        Assert.Empty((await node.AliceClient.GetQueueAsync(TestNode.Alice, TestNode.Ledger, C)).Unwrap());
        Assert.Contains((await node.Operator.ListHoldsAsync(c: C)).Unwrap(), h => h.PaymentId == held.Id);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.AliceClient.ReleaseHoldAsync("0x71", "mine", C)).Status);

        HoldDto released = (await node.Operator.ReleaseHoldAsync("0x71", "different person: passport checked", C)).Unwrap();
        Assert.Equal("released", released.Status);
        Assert.Equal("settled", (await node.AliceClient.GetPaymentAsync("0x71", C)).Unwrap().Status);
        Assert.Equal(TestNode.Funding - 400, await Balance(node, TestNode.Alice));

        Assert.Equal("held", (await node.AliceClient.SubmitPaymentAsync(Customer("0x72", 300, "Vladimir Putin"), C)).Unwrap().Status);
        HoldDto rejected = (await node.Operator.RejectHoldAsync("0x72", "confirmed match", C)).Unwrap();
        Assert.Equal("rejected_by_operator", rejected.Status);
        PaymentDto final = (await node.AliceClient.GetPaymentAsync("0x72", C)).Unwrap();
        Assert.Equal("rejected", final.Status);
        Assert.Equal("settlement.rejected_by_operator", final.Reason);
        Assert.Equal(TestNode.Funding - 400, await Balance(node, TestNode.Alice));
        Assert.Equal(HttpStatusCode.Conflict, (await node.Operator.ReleaseHoldAsync("0x72", "too late", C)).Status);
    }

    [Fact]
    public async Task Named_operator_users_act_within_their_role_and_the_audit_log_names_them()
    {
        await using TestNode node = await TestNode.StartAsync();
        OperatorDto anna = (await node.Operator.RegisterOperatorAsync(new RegisterOperatorRequest("anna", "operator"), C)).Unwrap();
        OperatorDto carl = (await node.Operator.RegisterOperatorAsync(new RegisterOperatorRequest("carl", "compliance"), C)).Unwrap();
        Assert.NotEqual(anna.Id, carl.Id);
        CorridorClient annaClient = node.Operator.WithToken(anna.Token), carlClient = node.Operator.WithToken(carl.Token);
        Assert.Equal(HttpStatusCode.Forbidden, (await annaClient.RegisterOperatorAsync(new RegisterOperatorRequest("eve", "administrator"), C)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.AliceClient.RegisterOperatorAsync(new RegisterOperatorRequest("eve", "administrator"), C)).Status);

        // Roles: the compliance officer cannot run the system, the system operator cannot run the compliance desk.
        ApiResult<ParticipantDto> denied = await carlClient.ChangeParticipantStatusAsync(TestNode.Bob, "suspended", C);
        Assert.Equal(HttpStatusCode.Forbidden, denied.Status);
        Assert.Equal("auth.operator_role_required", denied.Problem!.Code);
        Assert.Equal("auth.compliance_role_required", (await annaClient.SetScreeningThresholdAsync(90, C)).Problem!.Code);
        ApiResult<PaymentDto> forAlice = await carlClient.SubmitPaymentAsync(new SubmitPaymentRequest("0x91", TestNode.Bob, TestNode.Ledger, 5, Kind: "interbank", Payer: TestNode.Alice), C);
        Assert.Equal("auth.operator_role_required", forAlice.Problem!.Code);

        Assert.Equal("suspended", (await annaClient.ChangeParticipantStatusAsync(TestNode.Bob, "suspended", C)).Unwrap().Status);
        (await annaClient.SetSendingLimitAsync(new SendingLimitRequest(TestNode.Alice, TestNode.Ledger, 0, 5_000), C)).Unwrap();
        (await annaClient.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();
        (await annaClient.OpenWindowAsync(new OpenWindowRequest(4, TestNode.Ledger, "retail"), C)).Unwrap();
        (await carlClient.SetScreeningThresholdAsync(90, C)).Unwrap();

        AuditExportDto audit = (await carlClient.ExportAuditAsync(c: C)).Unwrap();
        Assert.True(audit.ChainIntact);
        AuditEntryDto status = Assert.Single(audit.Entries, e => e.Operation == "change_participant_status");
        Assert.Equal(anna.Id, status.Operator);
        Assert.Equal("anna", status.OperatorName);
        Assert.Equal("participant 2", status.Subject);
        Assert.Contains("Suspended", status.Detail);
        Assert.Equal((await node.Server.Node.QueryAsync(e => e.Compliance.AuditLog.First(x => x.Sequence == status.Sequence).TimeNs)), status.Time);
        Assert.Contains(audit.Entries, e => e.Operation == "set_sending_limit" && e.OperatorName == "anna");
        Assert.Contains(audit.Entries, e => e.Operation == "open_netting_window" && e.OperatorName == "anna" && e.Subject == "window 4");
        Assert.Contains(audit.Entries, e => e.Operation == "open_business_day" && e.OperatorName == "anna");
        Assert.Contains(audit.Entries, e => e.Operation == "set_screening_threshold" && e.OperatorName == "carl");
        Assert.Contains(audit.Entries, e => e.Operation == "register_operator" && e.Subject == $"operator {carl.Id}" && e.OperatorName == "root");
        // Engine time: entries are ordered and not in the future of the last batch.
        ulong last = await node.Server.Node.QueryAsync(e => e.LastTimestamp);
        Assert.All(audit.Entries, e => Assert.True(e.Time <= last));
    }

    private static byte[] IsoSample(string name, Func<string, string> edit)
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !Directory.Exists(Path.Combine(dir, "samples", "iso20022"))) dir = Path.GetDirectoryName(dir);
        Assert.NotNull(dir);
        return System.Text.Encoding.UTF8.GetBytes(edit(File.ReadAllText(Path.Combine(dir, "samples", "iso20022", name))));
    }

    [Fact]
    public async Task A_pacs008_keeps_its_parties_and_ids_and_is_screened_held_or_rejected_with_its_rr_code()
    {
        await using TestNode node = await TestNode.StartAsync();
        string coba = (await node.Operator.RegisterParticipantAsync(new RegisterParticipantRequest(11, "Commerzbank", "direct", "COBADEFF"), C)).Unwrap().Token;
        (await node.Operator.RegisterParticipantAsync(new RegisterParticipantRequest(12, "BNP Paribas", "direct", "BNPAFRPP"), C)).Unwrap();
        (await node.Operator.RegisterLedgerAsync(new RegisterLedgerRequest(978, TestNode.CentralBank, "0x5000", "0x5001", "EUR"), C)).Unwrap();
        (await node.Operator.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(11, 978, "0x5011"), C)).Unwrap();
        (await node.Operator.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(12, 978, "0x5012"), C)).Unwrap();
        (await node.Operator.OpenDayAsync(new DateOnly(2026, 11, 23), C)).Unwrap();
        (await node.Operator.MoveLiquidityAsync(new LiquidityRequest("0x5901", 11, 978, 1_000_000, "inject"), C)).Unwrap();
        CorridorClient cobaClient = node.Operator.WithToken(coba);
        (await node.Operator.LoadWatchListAsync(new LoadWatchListRequest("sanctions", "csv", "2026-11", List), C)).Unwrap();

        // A listed creditor: pending (held), nothing settles; the payment keeps Dbtr/Cdtr and the message ids.
        IsoReply held = await cobaClient.SendIso20022Async(IsoSample("pacs.008-envelope-apphdr.xml", x => x.Replace("<Nm>Claire Martin</Nm>", "<Nm>Wladimir Putin</Nm>")), C);
        Assert.Equal(HttpStatusCode.OK, held.Status);
        Assert.Contains("<TxSts>PDNG</TxSts>", held.Body);
        HoldDto hold = Assert.Single((await node.Operator.ListHoldsAsync(c: C)).Unwrap());
        PaymentDto p = (await node.Operator.GetPaymentAsync(hold.PaymentId, C)).Unwrap();
        Assert.Equal("held", p.Status);
        Assert.Equal("Jonas Becker", p.Originator!.Name);
        Assert.Equal("DE89370400440532013000", p.Originator.Account);
        Assert.Equal("Wladimir Putin", p.Beneficiary!.Name);
        Assert.Equal("0b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d", p.References!.Uetr);
        Assert.False(string.IsNullOrEmpty(p.References.MsgId));
        Assert.Equal(0, (await node.Operator.GetSettlementAccountAsync(12, 978, C)).Unwrap().BalanceMinor);

        // A debtor without address, national id or birth data: RJCT RR02.
        IsoReply rejected = await cobaClient.SendIso20022Async(IsoSample("pacs.008-envelope-apphdr.xml", x =>
        {
            int from = x.IndexOf("<Id>\n            <PrvtId>", StringComparison.Ordinal), to = x.IndexOf("</Dbtr>", StringComparison.Ordinal);
            if (from < 0) from = x.IndexOf("<Id>", x.IndexOf("<Dbtr>", StringComparison.Ordinal), StringComparison.Ordinal);
            return (x[..from] + x[to..]).Replace("0b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d", "1b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d");
        }), C);
        Assert.Equal(HttpStatusCode.OK, rejected.Status);
        Assert.Contains("<TxSts>RJCT</TxSts>", rejected.Body);
        Assert.Contains("RR02", rejected.Body);
        Assert.Contains("Dbtr/PstlAdr", rejected.Body); // the message's own rule (pacs.008 validation), before the engine's travel rule
        // Nothing was journaled for it: the corrected message with the same UETR is a new payment, not a duplicate.
        IsoReply corrected = await cobaClient.SendIso20022Async(IsoSample("pacs.008-envelope-apphdr.xml", x =>
            x.Replace("0b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d", "1b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d")), C);
        Assert.DoesNotContain("<TxSts>RJCT</TxSts>", corrected.Body);

        // A debtor address whose country is not an ISO 3166 code passes the message's rules; the engine's travel rule refuses it
        // (RJCT RR04) in the step that would apply it, recording nothing: the corrected message with the same UETR is new.
        IsoReply badCountry = await cobaClient.SendIso20022Async(IsoSample("pacs.008-envelope-apphdr.xml", x =>
            x.Replace("<Nm>Jonas Becker</Nm>", "<Nm>Jonas Becker</Nm><PstlAdr><TwnNm>Leipzig</TwnNm><Ctry>XX</Ctry></PstlAdr>")
             .Replace("0b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d", "2b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d")), C);
        Assert.Equal(HttpStatusCode.OK, badCountry.Status);
        Assert.Contains("<TxSts>RJCT</TxSts>", badCountry.Body);
        Assert.Contains("<Cd>RR04</Cd>", badCountry.Body);
        Assert.Contains("compliance.travel_rule_incomplete: originator.invalid_country", badCountry.Body);
        OfficialSchemas.AssertValid(badCountry.Body);
        IsoReply fixedCountry = await cobaClient.SendIso20022Async(IsoSample("pacs.008-envelope-apphdr.xml", x =>
            x.Replace("0b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d", "2b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d")), C);
        Assert.DoesNotContain("<TxSts>RJCT</TxSts>", fixedCountry.Body);
    }
}
