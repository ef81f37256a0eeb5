using System.Runtime.InteropServices;

namespace Corridor.Core.Ledger;

/// <summary>How a transfer behaves: chaining, two-phase and balancing.</summary>
[Flags]
public enum TransferFlags : ushort
{
    None = 0,
    /// <summary>This transfer and the next in the request apply atomically: all succeed or none.</summary>
    Linked = 1 << 0,
    /// <summary>Phase one: reserve the amount (debits/credits pending) until posted, voided or timed out.</summary>
    Pending = 1 << 1,
    /// <summary>Phase two: post the pending transfer named by PendingId, fully (Amount 0) or partially.</summary>
    PostPendingTransfer = 1 << 2,
    /// <summary>Phase two: release the pending transfer named by PendingId.</summary>
    VoidPendingTransfer = 1 << 3,
    /// <summary>Move at most what the debit account has available (Amount is the upper bound).</summary>
    BalancingDebit = 1 << 4,
    /// <summary>Move at most what the credit account may still receive (Amount is the upper bound).</summary>
    BalancingCredit = 1 << 5,
    /// <summary>Every defined flag; any other bit is reserved and rejected.</summary>
    All = Linked | Pending | PostPendingTransfer | VoidPendingTransfer | BalancingDebit | BalancingCredit,
}

/// <summary>
/// A movement of value between two accounts of the same ledger. Exactly 128 bytes: the journal
/// record for create_transfers, laid out so a batch is journaled and applied without copying.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 8, Size = 128)]
public struct Transfer
{
    public UInt128 Id;
    public UInt128 DebitAccountId;
    public UInt128 CreditAccountId;
    /// <summary>For post/void: the id of the pending transfer being resolved; otherwise 0.</summary>
    public UInt128 PendingId;
    public UInt128 UserData128;
    /// <summary>Amount in minor units of the ledger's currency; for post, 0 means the full pending amount.</summary>
    public long Amount;
    public ulong UserData64;
    public uint UserData32;
    /// <summary>Pending transfers only: seconds of engine time after which the reservation expires (0 = never).</summary>
    public uint TimeoutSeconds;
    public uint Ledger;
    public ushort Code;
    public TransferFlags Flags;
    /// <summary>Engine time (ns since Unix epoch) at which the transfer applied; must be 0 on input.</summary>
    public ulong Timestamp;

    public const int SizeBytes = 128;
}

/// <summary>Where a pending transfer stands in its two-phase life cycle.</summary>
public enum PendingStatus : byte
{
    /// <summary>Not a pending transfer (single-phase, or a post/void).</summary>
    None = 0,
    Pending = 1,
    Posted = 2,
    Voided = 3,
    Expired = 4,
}
