using Corridor.Core.Exchange;
using Corridor.Core.Settlement;
using Corridor.Iso20022.Mapping;
using Corridor.Iso20022.Model;

namespace Corridor.Iso20022.Tests;

/// <summary>Same-currency pacs.008/pacs.009 carry their parties and identifiers into the engine's payment details.</summary>
public sealed class PartyMappingTests
{
    private static readonly ParticipantDirectory Directory = ParticipantDirectory.WithIsoLedgers(bic => bic switch
    {
        "COBADEFF" => 11, "BNPAFRPP" => 12, "ECOCSNDA" => 21, "SGSNSNDA" => 22, _ => null,
    });

    [Fact]
    public void Pacs008_maps_debtor_creditor_accounts_birth_and_ids()
    {
        ParseResult parsed = Iso20022Codec.Parse(TestData.Sample("pacs.008-envelope-apphdr.xml"));
        var message = Assert.IsType<Pacs008Message>(parsed.Message);
        CustomerCreditTransfer tx = message.Transactions[0];
        MappedPayment mapped = PaymentMapping.Map(message.MsgId, tx, Directory);
        Assert.True(mapped.IsMapped);
        PaymentDetails d = mapped.Details!;
        Assert.Equal("Jonas Becker", d.Originator!.Name);
        Assert.Equal("DE89370400440532013000", d.Originator.Account);
        Assert.Equal(new PartyBirth(19880417, "Leipzig", "DE"), d.OriginatorBirth);
        Assert.Equal("Claire Martin", d.Beneficiary!.Name);
        Assert.Equal("FR", d.Beneficiary.Country);
        Assert.Equal(message.MsgId, d.References.MessageId);
        Assert.Equal(tx.PmtId.EndToEndId, d.References.EndToEndId);
        Assert.Equal("0b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d", d.References.Uetr);
        // Details survive the journal encoding byte for byte.
        byte[] command = SubmitPaymentWithDetails.EncodeCommand(new SubmitPaymentWithDetails(mapped.Payment!.Value, d));
        SubmitPaymentWithDetails back = Corridor.Core.Exchange.ExchangeCommands.Decode<SubmitPaymentWithDetails>(command.AsSpan(16), 1)[0];
        Assert.Equal(d, back.Details);
    }

    [Fact]
    public void Pacs009_maps_the_institutions()
    {
        ParseResult parsed = Iso20022Codec.Parse(TestData.Sample("pacs.009-liquidity.xml"));
        var message = Assert.IsType<Pacs009Message>(parsed.Message);
        MappedPayment mapped = PaymentMapping.Map(message.MsgId, message.Transactions[0], Directory);
        Assert.True(mapped.IsMapped, mapped.Reason);
        PaymentDetails d = mapped.Details!;
        Assert.Equal(PartyIdScheme.Bic, d.Originator!.IdScheme);
        Assert.Equal("ECOCSNDA", d.Originator.Identifier);
        Assert.Equal("SN-RTGS-ECOC-001", d.Originator.Account);
        Assert.Equal("SGSNSNDA", d.Beneficiary!.Identifier);
        Assert.Equal("SN", d.Beneficiary.Country);
        Assert.Equal("ECOB-LIQ-20261123-0004", d.References.MessageId);
    }
}
