using Corridor.Core.Ledger;
using static Corridor.Core.Tests.Ledger.LedgerFixture;

namespace Corridor.Core.Tests.Ledger;

public class AccountTests
{
    [Fact]
    public void Creates_account_with_engine_timestamp_and_zero_balances()
    {
        var f = new LedgerFixture();
        Assert.Equal(CreateAccountResult.Ok, f.CreateAccounts(NewAccount(1))[0]);
        Account a = f.Get(1);
        Assert.True(a.Timestamp >= f.Now - 1_000_000);
        Assert.Equal(0, a.DebitsPosted + a.CreditsPosted + a.DebitsPending + a.CreditsPending);
    }

    public static TheoryData<string, CreateAccountResult> Invalid => new()
    {
        { "timestamp", CreateAccountResult.TimestampMustBeZero },
        { "reserved", CreateAccountResult.ReservedField },
        { "flag", CreateAccountResult.ReservedFlag },
        { "id0", CreateAccountResult.IdMustNotBeZero },
        { "idmax", CreateAccountResult.IdMustNotBeIntMax },
        { "exclusive", CreateAccountResult.FlagsAreMutuallyExclusive },
        { "dp", CreateAccountResult.DebitsPendingMustBeZero },
        { "dpo", CreateAccountResult.DebitsPostedMustBeZero },
        { "cp", CreateAccountResult.CreditsPendingMustBeZero },
        { "cpo", CreateAccountResult.CreditsPostedMustBeZero },
        { "ledger", CreateAccountResult.LedgerMustNotBeZero },
        { "code", CreateAccountResult.CodeMustNotBeZero },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Rejects_invalid_account_and_changes_nothing(string field, CreateAccountResult expected)
    {
        var f = new LedgerFixture();
        Account a = NewAccount(7);
        switch (field)
        {
            case "timestamp": a.Timestamp = 1; break;
            case "reserved": a.Reserved = 1; break;
            case "flag": a.Flags = (AccountFlags)0x8000; break;
            case "id0": a.Id = 0; break;
            case "idmax": a.Id = UInt128.MaxValue; break;
            case "exclusive": a.Flags = AccountFlags.DebitsMustNotExceedCredits | AccountFlags.CreditsMustNotExceedDebits; break;
            case "dp": a.DebitsPending = 1; break;
            case "dpo": a.DebitsPosted = 1; break;
            case "cp": a.CreditsPending = 1; break;
            case "cpo": a.CreditsPosted = 1; break;
            case "ledger": a.Ledger = 0; break;
            case "code": a.Code = 0; break;
        }
        Assert.Equal(expected, f.CreateAccounts(a)[0]);
        Assert.Equal(0, f.L.AccountCount);
    }

    [Fact]
    public void Resubmission_is_idempotent_and_differences_are_named()
    {
        var f = new LedgerFixture();
        f.CreateAccounts(NewAccount(1));
        Assert.Equal(CreateAccountResult.Exists, f.CreateAccounts(NewAccount(1))[0]);
        Assert.Equal(CreateAccountResult.ExistsWithDifferentLedger, f.CreateAccounts(NewAccount(1, ledger: 978))[0]);
        Assert.Equal(CreateAccountResult.ExistsWithDifferentCode, f.CreateAccounts(NewAccount(1, code: 2))[0]);
        Assert.Equal(CreateAccountResult.ExistsWithDifferentFlags, f.CreateAccounts(NewAccount(1, AccountFlags.History))[0]);
        Account a = NewAccount(1); a.UserData64 = 5;
        Assert.Equal(CreateAccountResult.ExistsWithDifferentUserData64, f.CreateAccounts(a)[0]);
        a = NewAccount(1); a.Participant = 99;
        Assert.Equal(CreateAccountResult.ExistsWithDifferentParticipant, f.CreateAccounts(a)[0]);
        Assert.Equal(1, f.L.AccountCount);
    }

    [Fact]
    public void Linked_accounts_are_created_all_or_nothing()
    {
        var f = new LedgerFixture();
        f.CreateAccounts(NewAccount(3));
        var results = f.CreateAccounts(
            NewAccount(1, AccountFlags.Linked),
            NewAccount(2, AccountFlags.Linked),
            NewAccount(3, AccountFlags.Linked, code: 9), // exists with different code: the chain fails
            NewAccount(4),
            NewAccount(5));
        Assert.Equal(
            [CreateAccountResult.LinkedEventFailed, CreateAccountResult.LinkedEventFailed, CreateAccountResult.ExistsWithDifferentCode, CreateAccountResult.LinkedEventFailed, CreateAccountResult.Ok],
            results);
        Assert.False(f.L.TryGetAccount(1, out _));
        Assert.False(f.L.TryGetAccount(4, out _));
        Assert.True(f.L.TryGetAccount(5, out _));
    }

    [Fact]
    public void Open_chain_at_end_of_request_fails()
    {
        var f = new LedgerFixture();
        var results = f.CreateAccounts(NewAccount(1), NewAccount(2, AccountFlags.Linked));
        Assert.Equal([CreateAccountResult.Ok, CreateAccountResult.LinkedEventChainOpen], results);
        Assert.False(f.L.TryGetAccount(2, out _));
    }
}
