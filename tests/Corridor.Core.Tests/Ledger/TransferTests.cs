using Corridor.Core.Ledger;
using static Corridor.Core.Tests.Ledger.LedgerFixture;

namespace Corridor.Core.Tests.Ledger;

public class TransferTests
{
    private static LedgerFixture WithAccounts()
    {
        var f = new LedgerFixture();
        f.CreateAccounts(
            NewAccount(1, AccountFlags.DebitsMustNotExceedCredits | AccountFlags.History),
            NewAccount(2, AccountFlags.DebitsMustNotExceedCredits),
            NewAccount(3),
            NewAccount(4, AccountFlags.CreditsMustNotExceedDebits),
            NewAccount(5, ledger: 978),
            NewAccount(6, AccountFlags.Closed));
        f.Fund(1, 1_000, 900_001);
        return f;
    }

    [Fact]
    public void Posts_a_transfer_and_moves_balances()
    {
        var f = WithAccounts();
        Assert.Equal(CreateTransferResult.Ok, f.Transfer(NewTransfer(10, 1, 2, 300)));
        Assert.Equal(700, f.Get(1).AvailableMinor);
        Assert.Equal(300, f.Get(2).CreditsPosted);
        Assert.True(f.L.TryGetTransfer(10, out Transfer t, out _));
        Assert.True(t.Timestamp > 0);
    }

    public static TheoryData<string, CreateTransferResult> Invalid => new()
    {
        { "timestamp", CreateTransferResult.TimestampMustBeZero },
        { "flag", CreateTransferResult.ReservedFlag },
        { "id0", CreateTransferResult.IdMustNotBeZero },
        { "idmax", CreateTransferResult.IdMustNotBeIntMax },
        { "exclusive", CreateTransferResult.FlagsAreMutuallyExclusive },
        { "balancing-post", CreateTransferResult.FlagsAreMutuallyExclusive },
        { "debit0", CreateTransferResult.DebitAccountIdMustNotBeZero },
        { "debitmax", CreateTransferResult.DebitAccountIdMustNotBeIntMax },
        { "credit0", CreateTransferResult.CreditAccountIdMustNotBeZero },
        { "creditmax", CreateTransferResult.CreditAccountIdMustNotBeIntMax },
        { "same", CreateTransferResult.AccountsMustBeDifferent },
        { "pendingid", CreateTransferResult.PendingIdMustBeZero },
        { "timeout", CreateTransferResult.TimeoutReservedForPendingTransfer },
        { "negative", CreateTransferResult.AmountMustNotBeNegative },
        { "zero", CreateTransferResult.AmountMustNotBeZero },
        { "ledger0", CreateTransferResult.LedgerMustNotBeZero },
        { "code0", CreateTransferResult.CodeMustNotBeZero },
        { "nodebit", CreateTransferResult.DebitAccountNotFound },
        { "nocredit", CreateTransferResult.CreditAccountNotFound },
        { "ledgers", CreateTransferResult.AccountsMustHaveTheSameLedger },
        { "transferledger", CreateTransferResult.TransferMustHaveTheSameLedgerAsAccounts },
        { "credits", CreateTransferResult.ExceedsCredits },
        { "debits", CreateTransferResult.ExceedsDebits },
        { "closed-credit", CreateTransferResult.CreditAccountClosed },
        { "overflow", CreateTransferResult.OverflowsCreditsPosted },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Rejects_invalid_transfer_and_changes_nothing(string field, CreateTransferResult expected)
    {
        var f = WithAccounts();
        string before = f.Engine.Ledger.AccountCount + ":" + f.L.TransferCount + ":" + f.Get(1).AvailableMinor + ":" + f.Get(3).CreditsPosted;
        Transfer t = NewTransfer(10, 1, 3, 100);
        switch (field)
        {
            case "timestamp": t.Timestamp = 5; break;
            case "flag": t.Flags = (TransferFlags)0x4000; break;
            case "id0": t.Id = 0; break;
            case "idmax": t.Id = UInt128.MaxValue; break;
            case "exclusive": t.Flags = TransferFlags.Pending | TransferFlags.VoidPendingTransfer; break;
            case "balancing-post": t.Flags = TransferFlags.BalancingDebit | TransferFlags.PostPendingTransfer; break;
            case "debit0": t.DebitAccountId = 0; break;
            case "debitmax": t.DebitAccountId = UInt128.MaxValue; break;
            case "credit0": t.CreditAccountId = 0; break;
            case "creditmax": t.CreditAccountId = UInt128.MaxValue; break;
            case "same": t.CreditAccountId = 1; break;
            case "pendingid": t.PendingId = 77; break;
            case "timeout": t.TimeoutSeconds = 5; break;
            case "negative": t.Amount = -1; break;
            case "zero": t.Amount = 0; break;
            case "ledger0": t.Ledger = 0; break;
            case "code0": t.Code = 0; break;
            case "nodebit": t.DebitAccountId = 99; break;
            case "nocredit": t.CreditAccountId = 99; break;
            case "ledgers": t.CreditAccountId = 5; break;
            case "transferledger": t.Ledger = 978; break;
            case "credits": t.Amount = 1_001; break;
            case "debits": t.DebitAccountId = 3; t.CreditAccountId = 4; break;
            case "closed-credit": t.CreditAccountId = 6; break;
            case "overflow": t.DebitAccountId = 3; t.CreditAccountId = 1; t.Amount = long.MaxValue; break;
        }
        Assert.Equal(expected, f.Transfer(t));
        string after = f.Engine.Ledger.AccountCount + ":" + f.L.TransferCount + ":" + f.Get(1).AvailableMinor + ":" + f.Get(3).CreditsPosted;
        Assert.Equal(before, after);
    }

    [Fact]
    public void Overflow_of_posted_debits_is_reported()
    {
        var f = WithAccounts();
        Assert.Equal(CreateTransferResult.Ok, f.Transfer(NewTransfer(10, 3, 2, long.MaxValue - 5)));
        Assert.Equal(CreateTransferResult.OverflowsDebitsPosted, f.Transfer(NewTransfer(11, 3, 1000, 10)));
    }

    [Fact]
    public void Closed_debit_account_rejects()
    {
        var f = WithAccounts();
        Assert.Equal(CreateTransferResult.DebitAccountClosed, f.Transfer(NewTransfer(10, 6, 3, 1)));
    }

    [Fact]
    public void Idempotent_resubmission_returns_exists_and_names_differences()
    {
        var f = WithAccounts();
        Assert.Equal(CreateTransferResult.Ok, f.Transfer(NewTransfer(10, 1, 3, 100)));
        Assert.Equal(CreateTransferResult.Exists, f.Transfer(NewTransfer(10, 1, 3, 100)));
        Assert.Equal(CreateTransferResult.ExistsWithDifferentAmount, f.Transfer(NewTransfer(10, 1, 3, 101)));
        Assert.Equal(CreateTransferResult.ExistsWithDifferentCreditAccountId, f.Transfer(NewTransfer(10, 1, 2, 100)));
        Assert.Equal(CreateTransferResult.ExistsWithDifferentDebitAccountId, f.Transfer(NewTransfer(10, 3, 1, 100)));
        Assert.Equal(CreateTransferResult.ExistsWithDifferentFlags, f.Transfer(NewTransfer(10, 1, 3, 100, TransferFlags.Pending)));
        Transfer t = NewTransfer(10, 1, 3, 100); t.UserData128 = 1;
        Assert.Equal(CreateTransferResult.ExistsWithDifferentUserData128, f.Transfer(t));
        t = NewTransfer(10, 1, 3, 100); t.UserData32 = 1;
        Assert.Equal(CreateTransferResult.ExistsWithDifferentUserData32, f.Transfer(t));
        t = NewTransfer(10, 1, 3, 100); t.Code = 2;
        Assert.Equal(CreateTransferResult.ExistsWithDifferentCode, f.Transfer(t));
        Assert.Equal(900, f.Get(1).AvailableMinor);
    }

    [Fact]
    public void Failed_id_keeps_its_original_result_even_after_funds_arrive()
    {
        var f = WithAccounts();
        Assert.Equal(CreateTransferResult.ExceedsCredits, f.Transfer(NewTransfer(10, 1, 3, 5_000)));
        f.Fund(1, 10_000, 900_002);
        Assert.Equal(CreateTransferResult.ExceedsCredits, f.Transfer(NewTransfer(10, 1, 3, 5_000)));
        Assert.Equal(CreateTransferResult.IdAlreadyFailed, f.Transfer(NewTransfer(10, 1, 3, 4_000)));
        Assert.False(f.L.TryGetTransfer(10, out _, out _));
    }

    [Fact]
    public void Linked_chain_applies_atomically()
    {
        var f = WithAccounts();
        var results = f.CreateTransfers(
            NewTransfer(10, 1, 2, 400, TransferFlags.Linked),
            NewTransfer(11, 2, 3, 400, TransferFlags.Linked),
            NewTransfer(12, 1, 3, 700, TransferFlags.Linked), // 400 + 700 > 1000: fails
            NewTransfer(13, 1, 3, 1),
            NewTransfer(14, 1, 3, 2));
        Assert.Equal(
            [CreateTransferResult.LinkedEventFailed, CreateTransferResult.LinkedEventFailed, CreateTransferResult.ExceedsCredits, CreateTransferResult.LinkedEventFailed, CreateTransferResult.Ok],
            results);
        Assert.Equal(998, f.Get(1).AvailableMinor);
        Assert.Equal(0, f.Get(2).CreditsPosted);
        Assert.False(f.L.TryGetTransfer(10, out _, out _));
        Assert.Empty(f.L.GetAccountTransfers(2, 0, 100));
        Assert.Equal([(UInt128)900_001, 14], f.L.GetAccountTransfers(1, 0, 100).Select(t => t.Id));
        // The chain's ids were not burned: it may be retried once covered.
        Assert.Equal([CreateTransferResult.Ok, CreateTransferResult.Ok], f.CreateTransfers(NewTransfer(10, 1, 2, 400, TransferFlags.Linked), NewTransfer(11, 2, 3, 400)));
        Assert.Equal(f.ReplayHash(), f.Engine.StateHashHex());
    }

    [Fact]
    public void Linked_chain_open_at_end_fails()
    {
        var f = WithAccounts();
        Assert.Equal([CreateTransferResult.LinkedEventChainOpen], f.CreateTransfers(NewTransfer(10, 1, 3, 1, TransferFlags.Linked)));
        Assert.Equal(1_000, f.Get(1).AvailableMinor);
    }

    [Fact]
    public void Two_phase_post_partial_releases_the_rest()
    {
        var f = WithAccounts();
        Assert.Equal(CreateTransferResult.Ok, f.Transfer(NewTransfer(10, 1, 2, 600, TransferFlags.Pending)));
        Assert.Equal(400, f.Get(1).AvailableMinor);
        Assert.Equal(600, f.Get(2).CreditsPending);
        var post = new Transfer { Id = 11, PendingId = 10, Amount = 250, Flags = TransferFlags.PostPendingTransfer };
        Assert.Equal(CreateTransferResult.Ok, f.Transfer(post));
        Assert.Equal(750, f.Get(1).AvailableMinor);
        Assert.Equal(250, f.Get(2).CreditsPosted);
        Assert.Equal(0, f.Get(2).CreditsPending);
        Assert.True(f.L.TryGetTransfer(10, out _, out PendingStatus status));
        Assert.Equal(PendingStatus.Posted, status);
        Assert.Equal(CreateTransferResult.Exists, f.Transfer(post));
        var again = new Transfer { Id = 12, PendingId = 10, Flags = TransferFlags.PostPendingTransfer };
        Assert.Equal(CreateTransferResult.PendingTransferAlreadyPosted, f.Transfer(again));
        var voidIt = new Transfer { Id = 13, PendingId = 10, Flags = TransferFlags.VoidPendingTransfer };
        Assert.Equal(CreateTransferResult.PendingTransferAlreadyPosted, f.Transfer(voidIt));
    }

    [Fact]
    public void Two_phase_void_and_errors()
    {
        var f = WithAccounts();
        f.Transfer(NewTransfer(10, 1, 2, 600, TransferFlags.Pending));
        f.Transfer(NewTransfer(20, 1, 3, 100));
        Assert.Equal(CreateTransferResult.PendingIdMustNotBeZero, f.Transfer(new Transfer { Id = 11, Flags = TransferFlags.VoidPendingTransfer }));
        Assert.Equal(CreateTransferResult.PendingIdMustNotBeIntMax, f.Transfer(new Transfer { Id = 11, PendingId = UInt128.MaxValue, Flags = TransferFlags.VoidPendingTransfer }));
        Assert.Equal(CreateTransferResult.PendingIdMustBeDifferent, f.Transfer(new Transfer { Id = 11, PendingId = 11, Flags = TransferFlags.VoidPendingTransfer }));
        Assert.Equal(CreateTransferResult.PendingTransferNotFound, f.Transfer(new Transfer { Id = 11, PendingId = 99, Flags = TransferFlags.VoidPendingTransfer }));
        Assert.Equal(CreateTransferResult.PendingTransferNotPending, f.Transfer(new Transfer { Id = 12, PendingId = 20, Flags = TransferFlags.VoidPendingTransfer }));
        Assert.Equal(CreateTransferResult.PendingTransferHasDifferentDebitAccountId, f.Transfer(new Transfer { Id = 13, PendingId = 10, DebitAccountId = 3, Flags = TransferFlags.VoidPendingTransfer }));
        Assert.Equal(CreateTransferResult.PendingTransferHasDifferentCreditAccountId, f.Transfer(new Transfer { Id = 14, PendingId = 10, CreditAccountId = 3, Flags = TransferFlags.VoidPendingTransfer }));
        Assert.Equal(CreateTransferResult.PendingTransferHasDifferentLedger, f.Transfer(new Transfer { Id = 15, PendingId = 10, Ledger = 978, Flags = TransferFlags.VoidPendingTransfer }));
        Assert.Equal(CreateTransferResult.PendingTransferHasDifferentCode, f.Transfer(new Transfer { Id = 16, PendingId = 10, Code = 7, Flags = TransferFlags.VoidPendingTransfer }));
        Assert.Equal(CreateTransferResult.PendingTransferHasDifferentAmount, f.Transfer(new Transfer { Id = 17, PendingId = 10, Amount = 5, Flags = TransferFlags.VoidPendingTransfer }));
        Assert.Equal(CreateTransferResult.ExceedsPendingTransferAmount, f.Transfer(new Transfer { Id = 18, PendingId = 10, Amount = 601, Flags = TransferFlags.PostPendingTransfer }));
        Assert.Equal(CreateTransferResult.Ok, f.Transfer(new Transfer { Id = 19, PendingId = 10, Flags = TransferFlags.VoidPendingTransfer }));
        Assert.Equal(900, f.Get(1).AvailableMinor);
        Assert.Equal(0, f.Get(2).CreditsPending + f.Get(2).CreditsPosted);
        Assert.Equal(CreateTransferResult.PendingTransferAlreadyVoided, f.Transfer(new Transfer { Id = 21, PendingId = 10, Flags = TransferFlags.PostPendingTransfer }));
    }

    [Fact]
    public void Pending_transfer_expires_by_engine_time()
    {
        var f = WithAccounts();
        Transfer p = NewTransfer(10, 1, 2, 600, TransferFlags.Pending);
        p.TimeoutSeconds = 2;
        Assert.Equal(CreateTransferResult.Ok, f.Transfer(p));
        Assert.Equal(400, f.Get(1).AvailableMinor);
        f.Now += 1_000_000_000; // 1 s later: still pending
        f.Transfer(NewTransfer(30, 1, 3, 1));
        Assert.Equal(399, f.Get(1).AvailableMinor);
        f.Now += 1_500_000_000; // past the timeout: the next batch expires it
        Assert.Equal(CreateTransferResult.PendingTransferExpired, f.Transfer(new Transfer { Id = 11, PendingId = 10, Flags = TransferFlags.PostPendingTransfer }));
        Assert.Equal(999, f.Get(1).AvailableMinor);
        Assert.True(f.L.TryGetTransfer(10, out _, out PendingStatus status));
        Assert.Equal(PendingStatus.Expired, status);
        Assert.Equal(f.ReplayHash(), f.Engine.StateHashHex());
    }

    [Fact]
    public void Balancing_debit_moves_at_most_the_available_amount()
    {
        var f = WithAccounts();
        Assert.Equal(CreateTransferResult.Ok, f.Transfer(NewTransfer(10, 1, 3, 5_000, TransferFlags.BalancingDebit)));
        Assert.True(f.L.TryGetTransfer(10, out Transfer t, out _));
        Assert.Equal(1_000, t.Amount);
        Assert.Equal(0, f.Get(1).AvailableMinor);
        Assert.Equal(CreateTransferResult.Exists, f.Transfer(NewTransfer(10, 1, 3, 5_000, TransferFlags.BalancingDebit)));
    }

    [Fact]
    public void Balancing_credit_moves_at_most_what_the_credit_account_may_receive()
    {
        var f = WithAccounts();
        Assert.Equal(CreateTransferResult.Ok, f.Transfer(NewTransfer(10, 4, 3, 300)));
        Assert.Equal(CreateTransferResult.Ok, f.Transfer(NewTransfer(11, 1, 4, 900, TransferFlags.BalancingCredit)));
        Assert.True(f.L.TryGetTransfer(11, out Transfer t, out _));
        Assert.Equal(300, t.Amount);
    }

    [Fact]
    public void Account_transfers_and_balance_history_are_in_time_order()
    {
        var f = WithAccounts();
        f.Transfer(NewTransfer(10, 1, 2, 100));
        f.Transfer(NewTransfer(11, 1, 3, 200));
        f.Transfer(NewTransfer(12, 2, 1, 50));
        List<Transfer> transfers = f.L.GetAccountTransfers(1, 0, 100);
        Assert.Equal([(UInt128)900_001, 10, 11, 12], transfers.Select(t => t.Id));
        Assert.True(transfers.Zip(transfers.Skip(1)).All(p => p.First.Timestamp < p.Second.Timestamp));
        Assert.Equal(2, f.L.GetAccountTransfers(1, 0, 2).Count);
        Assert.Equal([(UInt128)11, 12], f.L.GetAccountTransfers(1, transfers[2].Timestamp, 10).Select(t => t.Id));
        List<AccountBalance> history = f.L.GetAccountBalances(1, 0, 100);
        Assert.Equal([1_000L, 900, 700, 750], history.Select(h => h.CreditsPosted - h.DebitsPosted));
        Assert.Empty(f.L.GetAccountBalances(3, 0, 100)); // no History flag
    }
}

public class ReplyTimestampTests
{
    [Fact]
    public void Reply_names_the_engine_timestamp_of_every_item()
    {
        var engine = new Engine.Engine();
        var accounts = new[] { LedgerFixture.NewAccount(1), LedgerFixture.NewAccount(2) };
        engine.Apply(1, 1_000, Engine.CommandBatch.Encode<Account>(Engine.Operation.CreateAccounts, accounts), null);
        var transfers = new[] { LedgerFixture.NewTransfer(10, 1, 2, 5), LedgerFixture.NewTransfer(11, 2, 1, 0), LedgerFixture.NewTransfer(12, 2, 1, 3) };
        var replies = new List<Engine.CommandReply>();
        engine.Apply(2, 2_000, Engine.CommandBatch.Encode<Transfer>(Engine.Operation.CreateTransfers, transfers), replies);
        Assert.Single(replies[0].Errors); // item 1 (amount 0) fails but still takes its tick
        Assert.True(engine.Ledger.TryGetTransfer(10, out Transfer first, out _));
        Assert.True(engine.Ledger.TryGetTransfer(12, out Transfer third, out _));
        Assert.Equal(replies[0].FirstEventTimestamp, first.Timestamp);
        Assert.Equal(replies[0].FirstEventTimestamp + 2, third.Timestamp);
    }
}
