using System.Buffers.Binary;
using Corridor.Core.Settlement;

namespace Corridor.Storage.ReadModel;

/// <summary>An account's balances as of the projected batch.</summary>
public readonly record struct AccountRow(
    UInt128 Id, uint Ledger, ulong Participant, ushort Code, ushort Flags,
    long DebitsPendingMinor, long DebitsPostedMinor, long CreditsPendingMinor, long CreditsPostedMinor, ulong TimestampNs)
{
    public long BalancePostedMinor => CreditsPostedMinor - DebitsPostedMinor;
}

/// <summary>A transfer as applied (its timestamp is unique engine time, the paging key).</summary>
public readonly record struct TransferRow(
    UInt128 Id, UInt128 DebitAccountId, UInt128 CreditAccountId, long AmountMinor, UInt128 PendingId,
    uint Ledger, ushort Code, ushort Flags, ulong TimestampNs,
    UInt128 UserData128 = default, ulong UserData64 = 0, uint UserData32 = 0, uint TimeoutSeconds = 0);

/// <summary>Where a payment comes from: an RTGS/settlement payment, an exchange (PvP) payment or a cross-node payment.</summary>
public static class PaymentKinds
{
    public const string Settlement = "settlement";
    public const string Pvp = "pvp";
    /// <summary>A payment between this node and a peer node (federation): sent (payer here) or received (payee here).</summary>
    public const string CrossNode = "cross_node";
}

/// <summary>
/// A payment and where it stands: a settlement payment (payer/payee participants, one ledger) or an
/// exchange PvP payment (payer and payee participants, source and destination ledger, its lock and leg transfers).
/// Both kinds carry the same record: trade references, parties (name, account), the participants' BICs and the
/// ISO 20022 ids of the message that instructed it.
/// </summary>
public sealed record PaymentRow(
    UInt128 PaymentId, string Kind, string Status, string Reason, ulong Payer, ulong Payee,
    uint Ledger, long AmountMinor, uint DestinationLedger, long DestinationAmountMinor,
    UInt128 LockId, UInt128 SourceLegTransferId, UInt128 DestinationLegTransferId,
    string InvoiceNumber, string LetterOfCreditReference, string ContractReference,
    string OriginatorName, string BeneficiaryName,
    ulong SubmittedAtNs, ulong FinalAtNs, uint BusinessDate,
    string Priority = "", string PaymentKind = "", ulong EarliestNs = 0, ulong LatestNs = 0, ulong WindowId = 0,
    string? MsgId = null, string? InstrId = null, string? EndToEndId = null, string? TxId = null, string? Uetr = null,
    string? OriginatorAccount = null, string? BeneficiaryAccount = null, string? PayerBic = null, string? PayeeBic = null);

/// <summary>A posted booking on an account (never a pending reservation or a void) and the payment it belongs to, if any.</summary>
public readonly record struct Booking(TransferRow Transfer, PaymentRow? Payment);

/// <summary>One page of an account's bookings, oldest first; pass <see cref="NextAfterTimestampNs"/> to get the next.</summary>
public sealed record BookingPage(IReadOnlyList<Booking> Bookings, ulong? NextAfterTimestampNs);

/// <summary>The references a payment can be looked up by (besides its 128-bit ids), each an indexed column.</summary>
public enum PaymentReference
{
    Uetr,
    EndToEndId,
    MsgId,
    TxId,
    InstrId,
    InvoiceNumber,
    LetterOfCredit,
}

/// <summary>
/// Filters of a payment listing (null: not filtered): stored status (e.g. "Queued"), kind (<see cref="PaymentKinds"/>), business date
/// (yyyymmdd), a fragment of the originator's or beneficiary's name (case-insensitive), a participant that must be payer or payee,
/// and the keyset position after which the page starts.
/// </summary>
public sealed record PaymentFilter(string? Status = null, string? Kind = null, uint? BusinessDate = null, string? PartyName = null, ulong? Participant = null,
    ulong? AfterSubmittedNs = null, UInt128 AfterId = default);

/// <summary>A journal batch as the read model records it: its sequence, engine time and chain hash (SHA-256, 32 bytes).</summary>
public sealed record BatchRow(long Sequence, ulong TimestampNs, byte[] Hash);

/// <summary>Everything one journal batch changed in the read model, written in one transaction with its sequence.</summary>
public sealed class ReadModelBatch
{
    /// <summary>Last journal batch whose effects these rows hold.</summary>
    public long Sequence { get; set; }

    /// <summary>First journal batch covered (a projector may merge consecutive batches into one write); 0 means <see cref="Sequence"/>.</summary>
    public long FirstSequence { get; set; }

    /// <summary>The stored position this write moves from: <c>FirstSequence - 1</c>.</summary>
    public long PreviousSequence => (FirstSequence == 0 ? Sequence : FirstSequence) - 1;
    public List<AccountRow> Accounts { get; } = new();
    public List<TransferRow> Transfers { get; } = new();
    public List<PaymentRow> Payments { get; } = new();
    public List<AccountStatement> Statements { get; } = new();
    /// <summary>The journal batches this write covers, in order (so a time can be traced to the batch that applied it).</summary>
    public List<BatchRow> Batches { get; } = new();

    public void Clear()
    {
        Batches.Clear();
        Accounts.Clear();
        Transfers.Clear();
        Payments.Clear();
        Statements.Clear();
    }
}

/// <summary>One page of an account's transfers, oldest first; pass <see cref="NextAfterTimestampNs"/> to get the next.</summary>
public sealed record TransferPage(IReadOnlyList<TransferRow> Transfers, ulong? NextAfterTimestampNs);

/// <summary>128-bit ids as stored: 16 bytes big-endian, so byte order is numeric order.</summary>
internal static class StoredId
{
    public static byte[] ToBytes(UInt128 id)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, id);
        return bytes;
    }

    public static UInt128 FromBytes(byte[] bytes) => BinaryPrimitives.ReadUInt128BigEndian(bytes);
}
