using System.Net;
using Corridor.Client;

namespace Corridor.Server.Tests;

/// <summary>POST /v1/iso20022: a pacs.008 settles through the engine and is answered with a pacs.002.</summary>
public class Iso20022EndpointTests
{
    private const ulong Coba = 11, Bnpa = 12;

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
        CancellationToken c = TestContext.Current.CancellationToken;
        TestNode node = await TestNode.StartAsync();
        string cobaToken = (await node.Operator.RegisterParticipantAsync(new RegisterParticipantRequest(Coba, "Commerzbank", "direct", "COBADEFF"), c)).Unwrap().Token;
        string bnpaToken = (await node.Operator.RegisterParticipantAsync(new RegisterParticipantRequest(Bnpa, "BNP Paribas", "direct", "BNPAFRPP"), c)).Unwrap().Token;
        (await node.Operator.RegisterLedgerAsync(new RegisterLedgerRequest(978, TestNode.CentralBank, "0x5000", "0x5001", "EUR"), c)).Unwrap();
        (await node.Operator.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(Coba, 978, "0x5011"), c)).Unwrap();
        (await node.Operator.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(Bnpa, 978, "0x5012"), c)).Unwrap();
        await node.Operator.OpenDayAsync(new DateOnly(2026, 11, 23), c);
        (await node.Operator.MoveLiquidityAsync(new LiquidityRequest("0x5901", Coba, 978, 1_000_000, "inject"), c)).Unwrap();
        return (node, node.Operator.WithToken(cobaToken), node.Operator.WithToken(bnpaToken));
    }

    [Fact]
    public async Task Pacs008_settles_and_is_answered_with_ACSC_and_resubmission_is_idempotent()
    {
        CancellationToken c = TestContext.Current.CancellationToken;
        var (node, coba, _) = await WorldAsync();
        await using var _ = node;
        IsoReply reply = await coba.SendIso20022Async(Sample("pacs.008-envelope-apphdr.xml"), c);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal("application/xml", reply.ContentType);
        Assert.Contains("<GrpSts>ACSC</GrpSts>", reply.Body);
        Assert.Contains("<OrgnlUETR>0b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d</OrgnlUETR>", reply.Body);
        SettlementAccountDto bnpa = (await node.Operator.GetSettlementAccountAsync(Bnpa, 978, c)).Unwrap();
        Assert.Equal(145_000, bnpa.BalanceMinor);
        IsoReply again = await coba.SendIso20022Async(Sample("pacs.008-envelope-apphdr.xml"), c);
        Assert.Contains("<TxSts>ACSC</TxSts>", again.Body);
        Assert.Equal(145_000, (await node.Operator.GetSettlementAccountAsync(Bnpa, 978, c)).Unwrap().BalanceMinor);
    }

    [Fact]
    public async Task The_message_a_payment_came_in_and_the_answers_are_archived_byte_for_byte_for_its_parties()
    {
        CancellationToken c = TestContext.Current.CancellationToken;
        var (node, coba, bnpa) = await WorldAsync();
        await using var _ = node;
        byte[] sent = Sample("pacs.008-envelope-apphdr.xml");
        IsoReply first = await coba.SendIso20022Async(sent, c);
        IsoReply second = await coba.SendIso20022Async(sent, c); // a retry: answered again, archived again
        const string Uetr = "0b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d";

        ArchivedMessageDto[] messages = (await bnpa.ListPaymentMessagesAsync(Uetr, c)).Unwrap(); // the payee reads them too
        Assert.Equal(["in", "out", "in", "out"], messages.Select(m => m.Direction));
        Assert.Equal(["pacs.008.001.09", "pacs.002.001.11"], messages.Take(2).Select(m => m.Definition));
        Assert.Equal(messages[0].MsgId, messages[1].OriginalMsgId);
        IsoDocument received = await coba.FetchPaymentMessageAsync(Uetr, messages[0].Id, c);
        Assert.Equal(HttpStatusCode.OK, received.Status);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(sent), received.Body); // the very bytes sent
        Assert.Equal(sent.Length, messages[0].Bytes);
        Assert.Equal(first.Body, (await coba.FetchPaymentMessageAsync(Uetr, messages[1].Id, c)).Body);
        Assert.Equal(second.Body, (await node.Operator.FetchPaymentMessageAsync(Uetr, messages[3].Id, c)).Body);

        // Nobody else reads them; an archive id is only found under its own payment.
        string other = (await node.Operator.RegisterParticipantAsync(new RegisterParticipantRequest(13, "Other Bank", "direct"), c)).Unwrap().Token;
        Assert.Equal(HttpStatusCode.Forbidden, (await node.Operator.WithToken(other).ListPaymentMessagesAsync(Uetr, c)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.Operator.WithToken(other).FetchPaymentMessageAsync(Uetr, messages[0].Id, c)).Status);
        (await node.AliceClient.SubmitPaymentAsync(new SubmitPaymentRequest("0xA1", TestNode.Bob, TestNode.Ledger, 5, Kind: "interbank"), c)).Unwrap();
        Assert.Empty((await node.AliceClient.ListPaymentMessagesAsync("0xA1", c)).Unwrap()); // instructed as JSON: no ISO message
        Assert.Equal(HttpStatusCode.NotFound, (await node.AliceClient.FetchPaymentMessageAsync("0xA1", messages[0].Id, c)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await coba.FetchPaymentMessageAsync(Uetr, 0, c)).Status);
    }

    [Fact]
    public async Task A_message_of_many_transactions_and_its_answer_are_archived_compressed_and_read_back_byte_for_byte()
    {
        CancellationToken c = TestContext.Current.CancellationToken;
        var (node, coba, bnpa) = await WorldAsync();
        await using var _ = node;
        const int Transactions = 40;
        byte[] sent = Sample("pacs.008-envelope-apphdr.xml", x =>
        {
            int from = x.IndexOf("<CdtTrfTxInf>", StringComparison.Ordinal), to = x.IndexOf("</CdtTrfTxInf>", StringComparison.Ordinal) + "</CdtTrfTxInf>".Length;
            string tx = x[from..to].Replace("1450.00", "10.00", StringComparison.Ordinal);
            var all = new System.Text.StringBuilder();
            for (int i = 0; i < Transactions; i++)
                all.Append(tx.Replace("1c0d</UETR>", $"{i:x4}</UETR>", StringComparison.Ordinal).Replace("COBA-TX-55021-1", $"COBA-TX-55021-{i}", StringComparison.Ordinal)
                    .Replace("RENT-2026-11-APT4B", $"RENT-2026-11-{i}", StringComparison.Ordinal));
            return (x[..from] + all + x[to..]).Replace("<NbOfTxs>1</NbOfTxs>", $"<NbOfTxs>{Transactions}</NbOfTxs>", StringComparison.Ordinal);
        });
        Assert.True(sent.Length > Messages.MessageArchive.CompressFromBytes, $"{sent.Length} bytes");
        IsoReply reply = await coba.SendIso20022Async(sent, c);
        Assert.Contains("<GrpSts>ACSC</GrpSts>", reply.Body);
        const string Uetr = "0b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b0007";

        ArchivedMessageDto[] messages = (await bnpa.ListPaymentMessagesAsync(Uetr, c)).Unwrap();
        Assert.Equal(["in", "out"], messages.Select(m => m.Direction));
        Assert.Equal(sent.Length, messages[0].Bytes);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(sent), (await coba.FetchPaymentMessageAsync(Uetr, messages[0].Id, c)).Body);
        Assert.Equal(reply.Body, (await bnpa.FetchPaymentMessageAsync(Uetr, messages[1].Id, c)).Body);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(reply.Body), messages[1].Bytes);

        // On disk, the message is compressed (the archive's own connection has committed it before the answer was sent).
        using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(node.DataPath, "messages.db")};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var q = db.CreateCommand();
        q.CommandText = $"SELECT body_encoding, length(body) FROM messages WHERE id = {messages[0].Id}";
        using var r = q.ExecuteReader();
        Assert.True(r.Read());
        Assert.Equal((long)Messages.MessageArchive.BodyEncoding.Zlib, r.GetInt64(0));
        Assert.True(r.GetInt64(1) < sent.Length / 4, $"{r.GetInt64(1)} bytes stored for {sent.Length}");

        // The operator sees what the archive received and what it stored.
        var (_, metrics, _) = await TestNode.Send(node.Anonymous, HttpMethod.Get, "/metrics", null);
        double received = TestNode.Metric(metrics, "corridor_message_archive_received_bytes_total");
        double stored = TestNode.Metric(metrics, "corridor_message_archive_stored_bytes_total");
        Assert.True(received >= sent.Length + messages[1].Bytes, $"{received} bytes received");
        Assert.True(stored < received / 2, $"{stored} of {received} bytes stored");
        Assert.Equal(0, TestNode.Metric(metrics, "corridor_message_archive_log_restarts_total"));
    }

    [Fact]
    public async Task Another_bank_cannot_instruct_for_the_debtor_agent()
    {
        var (node, _, bnpa) = await WorldAsync();
        await using var _ = node;
        var before = await node.StateAsync();
        IsoReply reply = await bnpa.SendIso20022Async(Sample("pacs.008-envelope-apphdr.xml"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, reply.Status);
        Assert.Equal(before, await node.StateAsync());
    }

    [Fact]
    public async Task A_group_header_naming_another_bank_as_instructing_agent_is_403_and_changes_nothing()
    {
        CancellationToken c = TestContext.Current.CancellationToken;
        var (node, coba, _) = await WorldAsync();
        await using var _ = node;
        static Func<string, string> Instructing(string bic) =>
            xml => xml.Replace("<SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf>\n      </GrpHdr>",
                $"<SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf>\n        <InstgAgt><FinInstnId><BICFI>{bic}</BICFI></FinInstnId></InstgAgt>\n      </GrpHdr>", StringComparison.Ordinal);
        Assert.Contains("<InstgAgt>", System.Text.Encoding.UTF8.GetString(Sample("pacs.008-envelope-apphdr.xml", Instructing("BNPAFRPP"))));
        var before = await node.StateAsync();
        // COBA debits only its own account, but the message says BNP Paribas instructed it; a BIC of no participant is not COBA either.
        foreach (string bic in new[] { "BNPAFRPP", "DEUTDEFF" })
        {
            IsoReply lying = await coba.SendIso20022Async(Sample("pacs.008-envelope-apphdr.xml", Instructing(bic)), c);
            Assert.Equal(HttpStatusCode.Forbidden, lying.Status);
            Assert.Contains("GrpHdr/InstgAgt", lying.Body);
        }
        Assert.Equal(before, await node.StateAsync());
        // Naming itself is what the message should say: settled.
        IsoReply honest = await coba.SendIso20022Async(Sample("pacs.008-envelope-apphdr.xml", Instructing("COBADEFF")), c);
        Assert.Contains("<GrpSts>ACSC</GrpSts>", honest.Body);
        // The operator may send for any agent.
        IsoReply byOperator = await node.Operator.SendIso20022Async(Sample("pacs.008-envelope-apphdr.xml",
            xml => Instructing("BNPAFRPP")(xml).Replace("COBA-20261123-55021", "COBA-20261123-55022").Replace("0b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d", "0b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0e")), c);
        Assert.Equal(HttpStatusCode.OK, byOperator.Status);
    }

    [Fact]
    public async Task Invalid_messages_get_a_pacs002_RJCT_and_change_nothing()
    {
        CancellationToken c = TestContext.Current.CancellationToken;
        var (node, coba, _) = await WorldAsync();
        await using var _ = node;
        var before = await node.StateAsync();

        IsoReply garbage = await coba.SendIso20022Async("<Document><oops"u8.ToArray(), c);
        Assert.Equal(HttpStatusCode.BadRequest, garbage.Status);
        Assert.Contains("<Cd>FF01</Cd>", garbage.Body);
        Assert.Contains("NONREF", garbage.Body);

        // A declaration that trips .NET's XML reader into an ArgumentOutOfRangeException (found by the codec's fuzzing): refused, not a 500.
        IsoReply brokenDeclaration = await coba.SendIso20022Async([.. "<?xml version=\"1.0"u8, 0x81, .. " encoding="u8, 0xE5, .. "UTF-8\"?>"u8], c);
        Assert.Equal(HttpStatusCode.BadRequest, brokenDeclaration.Status);
        Assert.Contains("<Cd>FF01</Cd>", brokenDeclaration.Body);
        Assert.Contains("NONREF", brokenDeclaration.Body);

        IsoReply noNames = await coba.SendIso20022Async(Sample("pacs.008-envelope-apphdr.xml", x => System.Text.RegularExpressions.Regex.Replace(x, "<Nm>[^<]*</Nm>", "")), c);
        Assert.Equal(HttpStatusCode.OK, noNames.Status);
        Assert.Contains("<TxSts>RJCT</TxSts>", noNames.Body);
        Assert.Contains("<Cd>RR02</Cd>", noNames.Body);

        IsoReply unknownBank = await coba.SendIso20022Async(Sample("pacs.008-envelope-apphdr.xml", x => x.Replace("BNPAFRPP", "DEUTDEFF", StringComparison.Ordinal)), c);
        Assert.Contains("<Cd>RC01</Cd>", unknownBank.Body);

        IsoReply noToken = await node.Anonymous.SendIso20022Async(Sample("pacs.008-envelope-apphdr.xml"), c);
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.Status);
        Assert.Equal(before, await node.StateAsync());
    }
}
