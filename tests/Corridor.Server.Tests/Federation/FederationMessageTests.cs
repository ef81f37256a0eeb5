using CoreParty = Corridor.Core.Exchange.Party;
using System.Text;
using Corridor.Core.Exchange;
using Corridor.Core.Federation;
using Corridor.Core.Settlement;
using Corridor.Iso20022;
using Corridor.Iso20022.Mapping;
using Corridor.Iso20022.Model;
using CsCheck;

namespace Corridor.Server.Tests.Federation;

/// <summary>
/// The messages between two nodes (pacs.008 with the cross-node terms, pacs.002 answer, pacs.028 status question): every
/// one the node writes validates against the official ISO 20022 XSD (<see cref="OfficialSchemas"/>) and reads back to the
/// same terms, answer and question.
/// </summary>
public sealed class FederationMessageTests
{
    private static readonly Gen<string> Text = Gen.Char["abcXYZ0189 -/.&<>'\"éЖ中"].Array[0, 34].Select(a => "N" + new string(a)); // ISO text is never blank
    private static readonly Gen<string> Digits = Gen.Char['0', '9'].Array[6, 20].Select(a => new string(a));

    private static readonly Gen<CoreParty> Parties = Gen.Select(Text, Text, Gen.OneOf(Gen.Const("RU"), Gen.Const("CN")), Digits, Gen.Int[0, 2],
        (name, town, country, account, id) => new CoreParty(name, "Lenina", "5", "420111", town, "", country, account,
            id switch { 0 => PartyIdScheme.None, 1 => PartyIdScheme.Lei, _ => PartyIdScheme.NationalId },
            id switch { 0 => "", 1 => "2534001KZNMTLLC00047", _ => "4510123456" }));

    private static readonly Gen<CrossNodeTerms> Terms = Gen.Select(
        Gen.Select(Gen.Guid, Gen.UInt128, Gen.Long[1, 100_000_000_000], Gen.Long[1, 100_000_000_000], Gen.ULong[1_700_000_000_000_000_000, 2_000_000_000_000_000_000]),
        Gen.Select(Parties, Parties, Text, Gen.Bool),
        (a, b) => new CrossNodeTerms(V4(a.Item1), a.Item2 == 0 ? 1 : a.Item2, "RUB", a.Item3, "CNY", a.Item4, "PAYECNBJ", a.Item5, b.Item1, b.Item2,
            b.Item4 ? new TradeReference("INV-" + b.Item3.Length, 20261120, "CT-9", "LC-1", "Ball bearings", "848210", Incoterms.Cip, "")
                : new TradeReference("", 0, "", "", "", "", Incoterms.None, ""),
            new PaymentReferences("MSG-" + b.Item3.Length, "INS-1", b.Item3.Trim().Length == 0 ? "E2E" : b.Item3.Trim(), "TX-1", V4(a.Item1))));

    /// <summary>A UUID made version 4, variant 1 (what a UETR is).</summary>
    private static string V4(Guid g) { char[] c = g.ToString("D").ToCharArray(); c[14] = '4'; c[19] = '8'; return new string(c); }

    [Fact]
    public void Every_federation_message_validates_against_its_official_schema_and_reads_back_to_what_was_sent()
    {
        Terms.Sample(t =>
        {
            var now = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
            byte[] pacs008 = Iso20022Codec.Build(CrossNodeMapping.ToPacs008(t, Agent.FromBic("PAYRRUMM"), now));
            Valid(pacs008);
            ParseResult parsed = Iso20022Codec.Parse(pacs008);
            Assert.True(parsed.IsSuccess, string.Join("; ", parsed.Errors.Select(e => e.Message)));
            MappedTerms back = CrossNodeMapping.FromPacs008((Pacs008Message)parsed.Message!);
            Assert.True(back.IsMapped, back.Reason);
            // T travels at 100 ns precision; everything else as sent.
            Assert.Equal(t with { ExpiresAtNs = t.ExpiresAtNs / 100 * 100 }, back.Terms);

            foreach (PeerAnswer? answer in new PeerAnswer?[]
            {
                new(t.Uetr, CrossNodeStatus.Settled, "", ""), new(t.Uetr, CrossNodeStatus.Refused, "AB05", "Expired"),
                new(t.Uetr, CrossNodeStatus.Held, "NARR", "held for review"), null,
            })
            {
                byte[] pacs002 = Iso20022Codec.Build(CrossNodeMapping.ToPacs002(t.Uetr, answer, "R-1", now, "MSG-1", Pacs008Message.Definition));
                Valid(pacs002);
                ParseResult report = Iso20022Codec.Parse(pacs002);
                Assert.True(report.IsSuccess);
                Assert.Equal(answer, CrossNodeMapping.FromPacs002((StatusReport)report.Message!, t.Uetr));
            }

            byte[] pacs028 = Iso20022Codec.Build(CrossNodeMapping.ToPacs028(t.Uetr, t.ExpiresAtNs, "Q-1", now));
            Valid(pacs028);
            ParseResult question = Iso20022Codec.Parse(pacs028);
            Assert.True(question.IsSuccess, string.Join("; ", question.Errors.Select(e => e.Message)));
            Assert.Equal((t.Uetr, t.ExpiresAtNs / 100 * 100), CrossNodeMapping.FromPacs028((StatusRequest)question.Message!, out _));
        }, iter: 200);
    }

    [Fact]
    public void A_batch_of_payments_validates_reads_back_per_transaction_and_each_payment_maps_to_the_terms_it_has_alone()
    {
        Terms.Array[1, 40].Sample(batch =>
        {
            batch = batch.DistinctBy(t => t.Uetr).ToArray();
            var now = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
            byte[] pacs008 = Iso20022Codec.Build(CrossNodeMapping.ToPacs008(batch.Select(t => (t, Agent.FromBic("PAYRRUMM"))).ToArray(), "FEDB-1", now));
            Valid(pacs008);
            ParseResult parsed = Iso20022Codec.Parse(pacs008);
            Assert.True(parsed.IsSuccess, string.Join("; ", parsed.Errors.Select(e => e.Message)));
            var (read, code, why) = CrossNodeMapping.FromPacs008Batch((Pacs008Message)parsed.Message!);
            Assert.True(read is not null, $"{code} {why}");
            for (int i = 0; i < batch.Length; i++)
            {
                // Each payment's own MsgId travels with its transaction: the batch reads back to the terms the payment has alone.
                Assert.Equal(batch[i] with { ExpiresAtNs = batch[i].ExpiresAtNs / 100 * 100 }, read[i]);
                var alone = (Pacs008Message)Iso20022Codec.Parse(Iso20022Codec.Build(CrossNodeMapping.ToPacs008(batch[i], Agent.FromBic("PAYRRUMM"), now))).Message!;
                Assert.Equal(read[i], CrossNodeMapping.FromPacs008(alone).Terms);
            }

            PeerAnswer?[] choices = [null, new("", CrossNodeStatus.Settled, "", ""), new("", CrossNodeStatus.Refused, "AB05", "Expired"), new("", CrossNodeStatus.Held, "NARR", "held")];
            var lines = batch.Select((t, i) => new CrossNodeMapping.AnswerLine(t.Uetr, choices[i % 4] is { } c ? c with { Uetr = t.Uetr } : null,
                i % 5 == 4 ? "federation.payment_exists_with_different_content: refused, nothing recorded" : null)).ToArray();
            byte[] pacs002 = Iso20022Codec.Build(CrossNodeMapping.ToPacs002(lines, "R-1", now, "FEDB-1", Pacs008Message.Definition));
            Valid(pacs002);
            Dictionary<string, PeerAnswer?> answers = CrossNodeMapping.FromPacs002((StatusReport)Iso20022Codec.Parse(pacs002).Message!);
            foreach (CrossNodeMapping.AnswerLine line in lines) Assert.Equal(line.NotRecorded is null ? line.Answer : null, answers[line.Uetr]);
        }, iter: 50);
    }

    /// <summary>Institution transfers: the two banks as parties (BIC, name, address or none, settlement account), no trade reference.</summary>
    private static readonly Gen<CrossNodeTerms> InstitutionTerms = Gen.Select(Terms, Text, Gen.Bool, Gen.OneOf(Gen.Const("RUB"), Gen.Const("JPY"), Gen.Const("KWD")),
        (t, name, address, source) => t with
        {
            SourceCurrency = source,
            Originator = new CoreParty(name, address ? "Kremlevskaya" : "", address ? "9" : "", "", address ? "Kazan" : "", "", address ? "RU" : "",
                t.Originator.Account, PartyIdScheme.Bic, "PAYRRUMM"),
            Beneficiary = new CoreParty("Bank " + name, "", "", "", "", "", "", t.Beneficiary.Account, PartyIdScheme.Bic, t.PayeeBic),
            Trade = TradeReference.None, Kind = CrossNodeKind.Institution,
        });

    [Fact]
    public void A_pacs009_of_institution_transfers_validates_and_reads_back_to_the_terms_sent_alone_or_in_a_batch()
    {
        InstitutionTerms.Array[1, 20].Sample(batch =>
        {
            batch = batch.DistinctBy(t => t.Uetr).ToArray();
            var now = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
            IsoMessage message = CrossNodeMapping.ToMessage(batch.Select(t => (t, Agent.FromBic("PAYRRUMM"))).ToArray(), "FEDB-9", now);
            Assert.Equal(Pacs009Message.Definition, message.MessageDefinition);
            byte[] pacs009 = Iso20022Codec.Build(message);
            Valid(pacs009);
            ParseResult parsed = Iso20022Codec.Parse(pacs009);
            Assert.True(parsed.IsSuccess, string.Join("; ", parsed.Errors.Select(e => e.Message)));
            var (read, code, why) = CrossNodeMapping.FromPacs009Batch((Pacs009Message)parsed.Message!);
            Assert.True(read is not null, $"{code} {why}");
            for (int i = 0; i < batch.Length; i++)
            {
                Assert.Equal(batch[i] with { ExpiresAtNs = batch[i].ExpiresAtNs / 100 * 100 }, read[i]);
                IsoMessage alone = CrossNodeMapping.ToMessage([(batch[i], Agent.FromBic("PAYRRUMM"))], "unused", now);
                Assert.Equal(CrossNodeMapping.MessageIdOf(batch[i]), alone.MsgId); // alone: under its own MsgId
                var (again, _, _) = CrossNodeMapping.FromPacs009Batch((Pacs009Message)Iso20022Codec.Parse(Iso20022Codec.Build(alone)).Message!);
                Assert.Equal(read[i], again![0]);
            }
            byte[] pacs002 = Iso20022Codec.Build(CrossNodeMapping.ToPacs002(batch.Select(t => new CrossNodeMapping.AnswerLine(t.Uetr,
                new PeerAnswer(t.Uetr, CrossNodeStatus.Settled, "", ""), null)).ToArray(), "R-9", now, "FEDB-9", Pacs009Message.Definition));
            Valid(pacs002);
        }, iter: 50);
    }

    [Fact]
    public void A_pacs009_without_source_amount_expiry_quote_or_bics_is_refused_with_its_reason_and_kinds_do_not_mix_in_a_message()
    {
        CrossNodeTerms t = InstitutionTerms.Single();
        Pacs009Message m = CrossNodeMapping.ToPacs009([(t, Agent.FromBic("PAYRRUMM"))], "M-1", DateTimeOffset.UnixEpoch);
        InstitutionCreditTransfer tx = m.Transactions[0];
        string Reason(InstitutionCreditTransfer changed) => CrossNodeMapping.FromPacs009Batch(m with { Transactions = [changed] }).ReasonCode!;
        Assert.Equal("AM09", Reason(tx with { NextAgentInstructions = [.. tx.NextAgentInstructions.Where(l => !l.StartsWith(CrossNodeMapping.SourceAmountInstruction, StringComparison.Ordinal))] }));
        Assert.Equal("AM09", Reason(tx with { NextAgentInstructions = [.. tx.NextAgentInstructions.Select(l => l.StartsWith(CrossNodeMapping.SourceAmountInstruction, StringComparison.Ordinal) ? l + ".001" : l)] }));
        Assert.Equal("FF01", Reason(tx with { NextAgentInstructions = [.. tx.NextAgentInstructions.Where(l => !l.StartsWith(CrossNodeMapping.QuoteInstruction, StringComparison.Ordinal))] }));
        Assert.Equal("FF01", Reason(tx with { RejectTime = null }));
        Assert.Equal("FF01", Reason(tx with { PmtId = tx.PmtId with { Uetr = null } }));
        Assert.Equal("RC01", Reason(tx with { Cdtr = new Agent { Name = "no BIC" } }));
        Assert.Equal("RC01", Reason(tx with { Dbtr = new Agent { Name = "no BIC" } }));
        Assert.Equal("FF01", CrossNodeMapping.FromPacs009Batch(m with { Transactions = [tx, tx] }).ReasonCode); // a UETR twice
        CrossNodeTerms customer = Terms.Single();
        Assert.Throws<ArgumentException>(() => CrossNodeMapping.ToMessage([(t, Agent.FromBic("PAYRRUMM")), (customer, Agent.FromBic("PAYRRUMM"))], "M-2", DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void A_status_question_about_several_payments_validates_and_reads_back_in_order()
    {
        Terms.Array[1, 40].Sample(batch =>
        {
            var asked = batch.DistinctBy(t => t.Uetr).Select(t => (t.Uetr, t.ExpiresAtNs)).ToArray();
            byte[] pacs028 = Iso20022Codec.Build(CrossNodeMapping.ToPacs028(asked, "Q-9", new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero)));
            Valid(pacs028);
            var read = CrossNodeMapping.FromPacs028Batch((StatusRequest)Iso20022Codec.Parse(pacs028).Message!, out string? why);
            Assert.True(read is not null, why);
            Assert.Equal(asked.Select(a => (a.Uetr, a.ExpiresAtNs / 100 * 100)), read);
        }, iter: 50);
    }

    [Fact]
    public void A_pacs008_without_quote_expiry_or_source_amount_is_refused_with_its_reason()
    {
        CrossNodeTerms t = Terms.Single();
        Pacs008Message m = CrossNodeMapping.ToPacs008(t, Agent.FromBic("PAYRRUMM"), DateTimeOffset.UnixEpoch);
        CustomerCreditTransfer tx = m.Transactions[0];
        Assert.Equal("FF01", CrossNodeMapping.FromPacs008(m with { Transactions = [tx with { NextAgentInstructions = default }] }).ReasonCode);
        Assert.Equal("FF01", CrossNodeMapping.FromPacs008(m with { Transactions = [tx with { RejectTime = null }] }).ReasonCode);
        Assert.Equal("AM09", CrossNodeMapping.FromPacs008(m with { Transactions = [tx with { InstdAmt = null }] }).ReasonCode);
        Assert.Equal("FF01", CrossNodeMapping.FromPacs008(m with { Transactions = [tx, tx] }).ReasonCode); // read as one payment
        Assert.Equal("FF01", CrossNodeMapping.FromPacs008Batch(m with { Transactions = [tx, tx] }).ReasonCode); // a UETR twice in one message
        Assert.Equal("FF01", CrossNodeMapping.FromPacs008Batch(m with { Transactions = default }).ReasonCode);
        Assert.Equal("FF01", CrossNodeMapping.FromPacs008(m with { Transactions = [tx with { PmtId = tx.PmtId with { Uetr = null } }] }).ReasonCode);
    }

    private static void Valid(byte[] xml)
    {
        List<string> problems = OfficialSchemas.Problems(Encoding.UTF8.GetString(xml));
        Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n" + Encoding.UTF8.GetString(xml));
    }
}
