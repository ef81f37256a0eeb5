using Corridor.Core.Engine;
using Corridor.Core.Exchange;

namespace Corridor.Core.Settlement;

/// <summary>
/// ISO 20022 identifiers of a payment that arrived as pacs.008/pacs.009 (GrpHdr/MsgId and PmtId): kept with the
/// payment so it can be followed end to end. All optional; empty = absent.
/// </summary>
public sealed record PaymentReferences(string MessageId = "", string InstructionId = "", string EndToEndId = "", string TransactionId = "", string Uetr = "")
{
    /// <summary>ISO 20022 Max35Text.</summary>
    public const int MaxIdChars = 35;
    /// <summary>UUIDv4 in its 36-character text form.</summary>
    public const int MaxUetrChars = 36;

    public static readonly PaymentReferences None = new();

    public static int MaxEncodedBytes => 4 * Wire.MaxStringBytes(MaxIdChars) + Wire.MaxStringBytes(MaxUetrChars);

    public bool IsEmpty => MessageId.Length + InstructionId.Length + EndToEndId.Length + TransactionId.Length + Uetr.Length == 0;

    public void Write(ref WireWriter w)
    {
        w.String(MessageId, MaxIdChars); w.String(InstructionId, MaxIdChars); w.String(EndToEndId, MaxIdChars);
        w.String(TransactionId, MaxIdChars); w.String(Uetr, MaxUetrChars);
    }

    public static PaymentReferences Read(ref WireReader r) =>
        new(r.String(MaxIdChars), r.String(MaxIdChars), r.String(MaxIdChars), r.String(MaxIdChars), r.String(MaxUetrChars));

    /// <summary>Steps over the ids after the checks <see cref="Read"/> makes, without making them.</summary>
    public static void Check(ref WireReader r)
    {
        r.CheckString(MaxIdChars); r.CheckString(MaxIdChars); r.CheckString(MaxIdChars); r.CheckString(MaxIdChars); r.CheckString(MaxUetrChars);
    }
}

/// <summary>
/// What a settlement payment carries besides its money terms: originator and beneficiary (FATF R16 travel-rule data;
/// for an interbank payment the debtor and creditor institutions), the trade it pays for, and its ISO 20022 ids.
/// Stored with the payment byte for byte as submitted.
/// </summary>
public sealed record PaymentDetails(Party? Originator, Party? Beneficiary, TradeReference? Trade, PaymentReferences References, PartyBirth? OriginatorBirth = null)
{
    public static readonly PaymentDetails None = new(null, null, null, PaymentReferences.None);

    public static int MaxEncodedBytes => 1 + 2 * Party.MaxEncodedBytes + TradeReference.MaxEncodedBytes + PaymentReferences.MaxEncodedBytes + PartyBirth.MaxEncodedBytes;

    private const byte HasOriginator = 1, HasBeneficiary = 2, HasTrade = 4, HasOriginatorBirth = 8;

    public void Write(ref WireWriter w)
    {
        w.U8((byte)((Originator is null ? 0 : HasOriginator) | (Beneficiary is null ? 0 : HasBeneficiary) | (Trade is null ? 0 : HasTrade)
            | (OriginatorBirth is null ? 0 : HasOriginatorBirth)));
        Originator?.Write(ref w);
        Beneficiary?.Write(ref w);
        Trade?.Write(ref w);
        (References ?? PaymentReferences.None).Write(ref w);
        OriginatorBirth?.Write(ref w);
    }

    public static PaymentDetails Read(ref WireReader r) => Read(ref r, judgeOnly: false);

    /// <summary>
    /// What the engine judges a settlement payment by (the travel rule and screening: the parties and the originator's birth),
    /// read from the bytes <see cref="Read(ref WireReader)"/> reads with every check it makes; the trade reference and the ISO
    /// ids are checked and stepped over, not made (the payment keeps its details as these bytes and decodes them when asked
    /// for). So the result lacks them: whether the details are <see cref="None"/> is for <see cref="IsNone"/> on the bytes.
    /// </summary>
    public static PaymentDetails ReadToJudge(ref WireReader r) => Read(ref r, judgeOnly: true);

    private static PaymentDetails Read(ref WireReader r, bool judgeOnly)
    {
        byte flags = r.U8();
        if ((flags & ~(HasOriginator | HasBeneficiary | HasTrade | HasOriginatorBirth)) != 0) throw new InvalidDataException($"payment details flags {flags:x2} are not defined");
        Party? originator = (flags & HasOriginator) != 0 ? Party.Read(ref r) : null;
        Party? beneficiary = (flags & HasBeneficiary) != 0 ? Party.Read(ref r) : null;
        TradeReference? trade = null;
        PaymentReferences references = PaymentReferences.None;
        if (judgeOnly)
        {
            if ((flags & HasTrade) != 0) TradeReference.Check(ref r);
            PaymentReferences.Check(ref r);
        }
        else
        {
            if ((flags & HasTrade) != 0) trade = TradeReference.Read(ref r);
            references = PaymentReferences.Read(ref r);
        }
        PartyBirth? birth = (flags & HasOriginatorBirth) != 0 ? PartyBirth.Read(ref r) : null;
        if (judgeOnly && originator is null && beneficiary is null && birth is null) return Judged;
        return new PaymentDetails(originator, beneficiary, trade, references, birth);
    }

    /// <summary><see cref="ReadToJudge"/>'s answer for details without parties: nothing to judge (not <see cref="None"/>: only the bytes tell).</summary>
    private static readonly PaymentDetails Judged = new(null, null, null, PaymentReferences.None);

    private static readonly byte[] NoneEncoded = EncodeNone();

    private static byte[] EncodeNone()
    {
        var bytes = new byte[MaxEncodedBytes];
        var w = new WireWriter(bytes);
        None.Write(ref w);
        return bytes[..w.Written];
    }

    /// <summary>Whether <paramref name="encoded"/> (as <see cref="Write"/> writes details) are the details of a payment without any.</summary>
    public static bool IsNone(ReadOnlySpan<byte> encoded) => encoded.SequenceEqual(NoneEncoded);
}

/// <summary>Date and place of birth of a person originator (ISO 20022 DtAndPlcOfBirth; one of FATF R16's alternatives to an address).</summary>
public sealed record PartyBirth(uint DateYyyymmdd, string City, string Country)
{
    public const int MaxCityChars = 35;
    public static int MaxEncodedBytes => 4 + Wire.MaxStringBytes(MaxCityChars) + Wire.MaxStringBytes(2);
    public void Write(ref WireWriter w) { w.U32(DateYyyymmdd); w.String(City, MaxCityChars); w.String(Country, 2); }
    public static PartyBirth Read(ref WireReader r) => new(r.U32(), r.String(MaxCityChars), r.String(2));

    /// <summary>The date, or null when it is not a calendar date.</summary>
    public DateOnly? Date => TradeReferenceRules.IsCalendarDate(DateYyyymmdd)
        ? new DateOnly((int)(DateYyyymmdd / 10000), (int)(DateYyyymmdd / 100 % 100), (int)(DateYyyymmdd % 100)) : null;
}

/// <summary>
/// <see cref="Operation.SubmitPaymentWithDetails"/> (116): a settlement payment (<see cref="SubmitPayment"/>'s fields) with its
/// <see cref="PaymentDetails"/>. Encoded like exchange items (u16-length strings). Op 108 stays the same-content payment
/// without details (back-compat): it is screened the same way, so a customer payment without details is rejected (RR01).
/// </summary>
public sealed record SubmitPaymentWithDetails(SubmitPayment Payment, PaymentDetails Details) : IExchangeItem<SubmitPaymentWithDetails>
{
    /// <summary>The payment's own fields, before its details.</summary>
    public const int PaymentBytes = 16 + 8 + 8 + 4 + 8 + 1 + 1 + 8 + 8 + 8;

    public static int MaxEncodedBytes => PaymentBytes + PaymentDetails.MaxEncodedBytes;

    public void Write(ref WireWriter w)
    {
        SubmitPayment p = Payment;
        w.U128(p.PaymentId); w.U64(p.Payer); w.U64(p.Payee); w.U32(p.Ledger); w.I64(p.AmountMinor); w.U8((byte)p.Priority); w.U8((byte)p.Kind);
        w.U64(p.EarliestNs); w.U64(p.LatestNs); w.U64(p.WindowId);
        Details.Write(ref w);
    }

    public static SubmitPaymentWithDetails Read(ref WireReader r) => new(ReadPayment(ref r), PaymentDetails.Read(ref r));

    /// <summary>As <see cref="Read"/>, with the details the engine judges the payment by (<see cref="PaymentDetails.ReadToJudge"/>).</summary>
    public static SubmitPaymentWithDetails ReadToJudge(ref WireReader r) => new(ReadPayment(ref r), PaymentDetails.ReadToJudge(ref r));

    private static SubmitPayment ReadPayment(ref WireReader r) =>
        new(r.U128(), r.U64(), r.U64(), r.U32(), r.I64(), (PaymentPriority)r.U8(), (PaymentKind)r.U8(), r.U64(), r.U64(), r.U64());

    /// <summary>A whole command (header + items) of operation 116, sized to its content (not to the worst case).</summary>
    public static byte[] EncodeCommand(params ReadOnlySpan<SubmitPaymentWithDetails> items) => Encode(items, 0, Operation.SubmitPaymentWithDetails);

    /// <summary>A whole command of operation 116 or 120 (<see cref="Operation.SubmitPaymentTravelRuleAtEntry"/>: the same items).</summary>
    public static byte[] EncodeCommand(Operation operation, params ReadOnlySpan<SubmitPaymentWithDetails> items)
    {
        if (operation is not (Operation.SubmitPaymentWithDetails or Operation.SubmitPaymentTravelRuleAtEntry))
            throw new ArgumentOutOfRangeException(nameof(operation), operation, "operations 116 and 120 carry payments with details");
        return Encode(items, 0, operation);
    }

    /// <summary>
    /// Header and items written into a pooled buffer sized to their bound (3 UTF-8 bytes per character: about three times what
    /// is written, and for a batch of 100 payments a large-object-heap array), then copied out from <paramref name="from"/>
    /// to exactly what was written.
    /// </summary>
    private static byte[] Encode(ReadOnlySpan<SubmitPaymentWithDetails> items, int from, Operation operation)
    {
        int written = WriteRented(items, operation, out byte[] buffer);
        try { return buffer.AsSpan(from, written - from).ToArray(); }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(buffer); }
    }

    /// <summary>
    /// The payload of operation 116 or 120 written into an array rented from <see cref="System.Buffers.ArrayPool{T}.Shared"/>, without
    /// the copy <see cref="EncodePayload"/> makes: for a server that holds it only until the node has the command (its reply), then
    /// returns <paramref name="rented"/>. Throws <see cref="ArgumentException"/> as <see cref="EncodePayload"/> does, renting nothing.
    /// </summary>
    public static ReadOnlyMemory<byte> RentPayload(Operation operation, ReadOnlySpan<SubmitPaymentWithDetails> items, out byte[] rented)
    {
        if (operation is not (Operation.SubmitPaymentWithDetails or Operation.SubmitPaymentTravelRuleAtEntry))
            throw new ArgumentOutOfRangeException(nameof(operation), operation, "operations 116 and 120 carry payments with details");
        int written = WriteRented(items, operation, out rented);
        return rented.AsMemory(CommandBatch.HeaderBytes, written - CommandBatch.HeaderBytes);
    }

    /// <summary>Header and items written into a pooled buffer sized to their bound; the bytes written (the buffer is returned if writing throws).</summary>
    private static int WriteRented(ReadOnlySpan<SubmitPaymentWithDetails> items, Operation operation, out byte[] buffer)
    {
        if (items.Length > ExchangeCommands.MaxItemsPerCommand) throw new ArgumentException($"{items.Length} items exceed {ExchangeCommands.MaxItemsPerCommand}", nameof(items));
        long bound = CommandBatch.HeaderBytes;
        foreach (SubmitPaymentWithDetails item in items) bound += item.EncodedBytesBound();
        if (bound > CommandBatch.HeaderBytes + (long)CommandBatch.MaxCommandPayloadBytes * 2) throw new ArgumentException($"command of about {bound} bytes exceeds {CommandBatch.MaxCommandPayloadBytes}", nameof(items));
        buffer = System.Buffers.ArrayPool<byte>.Shared.Rent((int)bound);
        try { return ExchangeCommands.Write(buffer, operation, items); }
        catch
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            buffer = [];
            throw;
        }
    }

    /// <summary>Upper bound of this item's encoded size: fixed fields, then per string its prefix and 3 UTF-8 bytes per UTF-16 unit.</summary>
    public int EncodedBytesBound()
    {
        int bytes = 74 + 1;
        static int S(string? s) => 2 + 3 * (s?.Length ?? 0);
        static int P(Party? p) => p is null ? 0 : S(p.Name) + S(p.StreetName) + S(p.BuildingNumber) + S(p.PostCode) + S(p.TownName)
            + S(p.CountrySubDivision) + S(p.Country) + S(p.Account) + 1 + S(p.Identifier);
        bytes += P(Details.Originator) + P(Details.Beneficiary);
        if (Details.Trade is { } t)
            bytes += S(t.InvoiceNumber) + 4 + S(t.ContractReference) + S(t.LetterOfCreditReference) + S(t.GoodsDescription) + S(t.HsCode) + 1 + S(t.IncotermsPlace);
        PaymentReferences r = Details.References ?? PaymentReferences.None;
        bytes += S(r.MessageId) + S(r.InstructionId) + S(r.EndToEndId) + S(r.TransactionId) + S(r.Uetr);
        if (Details.OriginatorBirth is { } b) bytes += 4 + S(b.City) + S(b.Country);
        return bytes;
    }

    /// <summary>The payload alone (the server submits payloads; the sequencer adds the header).</summary>
    public static byte[] EncodePayload(params ReadOnlySpan<SubmitPaymentWithDetails> items) => Encode(items, CommandBatch.HeaderBytes, Operation.SubmitPaymentWithDetails);
}
