using System.Runtime.InteropServices;

namespace Corridor.Core.Ledger;

/// <summary>Rules an account enforces on its balances, and its life-cycle state.</summary>
[Flags]
public enum AccountFlags : ushort
{
    None = 0,
    /// <summary>This account and the next one in the request apply together or not at all.</summary>
    Linked = 1 << 0,
    /// <summary>debits_pending + debits_posted may never exceed credits_posted (a settlement account that cannot go overdrawn).</summary>
    DebitsMustNotExceedCredits = 1 << 1,
    /// <summary>credits_pending + credits_posted may never exceed debits_posted.</summary>
    CreditsMustNotExceedDebits = 1 << 2,
    /// <summary>Keep a balance snapshot after every change, queryable as balance history.</summary>
    History = 1 << 3,
    /// <summary>The account accepts no new transfers.</summary>
    Closed = 1 << 4,
}

/// <summary>
/// A settlement account: one participant's balance in one ledger (currency). Exactly 128 bytes, the
/// journal record for create_accounts. Balances are integer minor units of the ledger's currency.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 8, Size = 128)]
public struct Account
{
    public UInt128 Id;
    public UInt128 UserData128;
    public long DebitsPending;
    public long DebitsPosted;
    public long CreditsPending;
    public long CreditsPosted;
    /// <summary>Owner of the account (participant id), 0 only for operator-internal accounts.</summary>
    public ulong Participant;
    public ulong UserData64;
    public uint UserData32;
    /// <summary>Ledger = currency partition; transfers only move value within one ledger.</summary>
    public uint Ledger;
    /// <summary>Account code: what the account is for (settlement, reserve, nostro...), chosen by the operator.</summary>
    public ushort Code;
    public AccountFlags Flags;
    public uint Reserved;
    /// <summary>Engine time (ns since Unix epoch) at which the account was created; must be 0 on input.</summary>
    public ulong Timestamp;
    private readonly ulong _pad0;
    private readonly ulong _pad1;

    public const int SizeBytes = 128;

    /// <summary>Credits minus debits posted: the balance of a liability-style settlement account.</summary>
    public readonly long BalancePosted => CreditsPosted - DebitsPosted;

    /// <summary>What the account can still pay: posted credits minus posted and pending debits.</summary>
    public readonly long AvailableMinor => CreditsPosted - DebitsPosted - DebitsPending;
}

/// <summary>One entry of an account's balance history (accounts with <see cref="AccountFlags.History"/>).</summary>
public readonly record struct AccountBalance(
    ulong Timestamp, long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted);
