using System.IO.Hashing;
using System.Text;
using Corridor.Core.Currencies;
using Corridor.Core.Settlement;
using Corridor.Iso20022.Model;

namespace Corridor.Iso20022.Mapping;

/// <summary>Who a BIC is in this system (the participant id the engine knows it by), and which ledger settles a currency; null when unknown.</summary>
public sealed record ParticipantDirectory(Func<string, ulong?> ParticipantByBic, Func<string, uint?> LedgerByCurrency)
{
    /// <summary>A directory whose ledgers are the ISO 4217 numeric codes (the engine's default convention).</summary>
    public static ParticipantDirectory WithIsoLedgers(Func<string, ulong?> participantByBic) =>
        new(participantByBic, code => Iso4217.TryGet(code, out Iso4217Entry e) ? e.Numeric : null);
}

/// <summary>A mapped payment, or why it could not be mapped (ISO 20022 reason code for the pacs.002 RJCT).</summary>
public readonly record struct MappedPayment(SubmitPayment? Payment, string? ReasonCode, string? Reason, PaymentDetails? Details = null)
{
    public bool IsMapped => Payment is not null;
}

/// <summary>
/// Maps ISO 20022 credit transfers (pacs.008 customer, pacs.009 institution) to the engine's settlement
/// instruction, keeping the identifiers traceable: the payment id is the UETR when present (the
/// 128-bit value of the UUID), otherwise a 128-bit XxHash of MsgId, EndToEndId and TxId, so a payment
/// can be followed from its pacs.008 to its statement entry and status report.
/// </summary>
public static class PaymentMapping
{
    /// <summary>The engine payment id of a transaction (see the type's remarks).</summary>
    public static UInt128 PaymentIdOf(string msgId, PaymentIdentification id)
    {
        if (id.Uetr is { } uetr && Guid.TryParseExact(uetr, "D", out Guid uuid))
        {
            Span<byte> b = stackalloc byte[16];
            uuid.TryWriteBytes(b, bigEndian: true, out _);
            return new UInt128(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(b), System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(b[8..]));
        }
        byte[] key = Encoding.UTF8.GetBytes($"{msgId}\u001f{id.EndToEndId}\u001f{id.TxId}");
        return XxHash128.HashToUInt128(key);
    }

    /// <summary>
    /// The text form of an engine id (payment, return, transfer) in what the node writes (pacs.002 and camt.05x
    /// <c>AcctSvcrRef</c>, camt.05x <c>NtryRef</c>): "0x" and lowercase hex without leading zeros, at most 34 characters,
    /// so it fits ISO 20022 Max35Text; the JSON API accepts the same text as an id (e.g. <c>GET /v1/payments/0x…</c>).
    /// </summary>
    public static string ReferenceOf(UInt128 id) => "0x" + id.ToString("x", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Longest <see cref="ReferenceOf"/>: "0x" and 32 hex digits.</summary>
    public const int MaxReferenceChars = 34;

    /// <summary>
    /// Maps one pacs.008 transaction between two participants in the same currency. Cross-currency
    /// transactions (InstdAmt in another currency) settle payment-versus-payment through the exchange
    /// and are refused here with AM09 so that no single leg is ever settled alone. Trade references go into the
    /// payment's details (<see cref="TradeMapping.Map"/>); a malformed one refuses the transaction.
    /// </summary>
    public static MappedPayment Map(string msgId, CustomerCreditTransfer tx, ParticipantDirectory directory, PaymentPriority priority = PaymentPriority.Normal)
    {
        if (tx.InstdAmt is { } instructed && instructed.Currency != tx.IntrBkSttlmAmt.Currency)
            return new(null, "AM09", "cross-currency transaction: settles payment-versus-payment against an FX quote, not as a single-currency payment");
        MappedPayment mapped = MapLeg(msgId, tx.PmtId, tx.IntrBkSttlmAmt, tx.InstgAgt ?? tx.DbtrAgt, tx.InstdAgt ?? tx.CdtrAgt, PaymentKind.Customer, directory, priority,
            PartyMapping.Details(msgId, tx));
        if (!mapped.IsMapped) return mapped;
        // Trade references travel as they do on a cross-currency pacs.008 and on POST /v1/payments (one mapping, Core's format rules).
        MappedTrade trade = TradeMapping.Map(tx.Trade);
        if (trade.IsRefused) return new(null, trade.ReasonCode, trade.Reason);
        return mapped with { Details = mapped.Details! with { Trade = trade.Trade } };
    }

    /// <summary>Maps one pacs.009 institution credit transfer (interbank payment between two participants).</summary>
    public static MappedPayment Map(string msgId, InstitutionCreditTransfer tx, ParticipantDirectory directory, PaymentPriority priority = PaymentPriority.High) =>
        MapLeg(msgId, tx.PmtId, tx.IntrBkSttlmAmt, tx.InstgAgt ?? tx.Dbtr, tx.InstdAgt ?? tx.Cdtr, PaymentKind.Interbank, directory, priority,
            PartyMapping.Details(msgId, tx));

    internal static MappedPayment MapLeg(string msgId, PaymentIdentification id, Money amount, Agent payerAgent, Agent payeeAgent, PaymentKind kind, ParticipantDirectory directory, PaymentPriority priority,
        PaymentDetails? details = null)
    {
        if (directory.LedgerByCurrency(amount.Currency) is not { } ledger)
            return new(null, "AM03", $"currency {amount.Currency} is not settled here");
        if (payerAgent.Bicfi is not { } payerBic || directory.ParticipantByBic(payerBic) is not { } payer)
            return new(null, "RC01", $"instructing agent {payerAgent.Bicfi ?? "(no BIC)"} is not a participant");
        if (payeeAgent.Bicfi is not { } payeeBic || directory.ParticipantByBic(payeeBic) is not { } payee)
            return new(null, "RC01", $"instructed agent {payeeAgent.Bicfi ?? "(no BIC)"} is not a participant");
        if (amount.AmountMinor <= 0)
            return new(null, "AM01", "amount must be positive");
        var payment = new SubmitPayment(PaymentIdOf(msgId, id), payer, payee, ledger, amount.AmountMinor, priority, kind, 0, 0, 0);
        return new(payment, null, null, details);
    }
}
