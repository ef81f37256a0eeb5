using Corridor.Core.Engine;
using Corridor.Core.Ledger;

namespace Corridor.Core.Tests.Ledger;

/// <summary>Drives an <see cref="Engine"/> through journaled-style batches, as the node does.</summary>
internal sealed class LedgerFixture
{
    public const uint Ledger = 840;
    public Engine.Engine Engine { get; } = new();
    public ulong Now { get; set; } = 1_700_000_000_000_000_000;
    public List<byte[]> Batches { get; } = new();
    public List<ulong> Times { get; } = new();

    public LedgerState L => Engine.Ledger;

    public static Account NewAccount(UInt128 id, AccountFlags flags = AccountFlags.None, uint ledger = Ledger, ushort code = 1) =>
        new() { Id = id, Ledger = ledger, Code = code, Flags = flags, Participant = (ulong)id };

    public static Transfer NewTransfer(UInt128 id, UInt128 debit, UInt128 credit, long amount, TransferFlags flags = TransferFlags.None, uint ledger = Ledger) =>
        new() { Id = id, DebitAccountId = debit, CreditAccountId = credit, Amount = amount, Ledger = ledger, Code = 1, Flags = flags };

    public ItemResult[] Apply(Operation op, byte[] body)
    {
        var replies = new List<CommandReply>();
        Batches.Add(body);
        Times.Add(Now);
        Engine.Apply(Engine.Sequence + 1, Now, body, replies);
        Now += 1_000_000; // 1 ms per batch
        return replies[0].Errors;
    }

    public CreateAccountResult[] CreateAccounts(params Account[] accounts)
    {
        ItemResult[] errors = Apply(Operation.CreateAccounts, CommandBatch.Encode<Account>(Operation.CreateAccounts, accounts));
        var results = new CreateAccountResult[accounts.Length];
        foreach (ItemResult e in errors) results[e.Index] = (CreateAccountResult)e.Code;
        return results;
    }

    public CreateTransferResult[] CreateTransfers(params Transfer[] transfers)
    {
        ItemResult[] errors = Apply(Operation.CreateTransfers, CommandBatch.Encode<Transfer>(Operation.CreateTransfers, transfers));
        var results = new CreateTransferResult[transfers.Length];
        foreach (ItemResult e in errors) results[e.Index] = (CreateTransferResult)e.Code;
        return results;
    }

    public CreateTransferResult Transfer(Transfer transfer) => CreateTransfers(transfer)[0];

    public Account Get(UInt128 id)
    {
        Assert.True(L.TryGetAccount(id, out Account a), $"account {id} missing");
        return a;
    }

    /// <summary>Funds <paramref name="account"/> from an unconstrained source account 1000.</summary>
    public void Fund(UInt128 account, long amount, UInt128 transferId)
    {
        if (!L.TryGetAccount(1000, out _)) Assert.Equal(CreateAccountResult.Ok, CreateAccounts(NewAccount(1000))[0]);
        Assert.Equal(CreateTransferResult.Ok, Transfer(NewTransfer(transferId, 1000, account, amount)));
    }

    /// <summary>Replays every batch into a fresh engine and returns its state hash.</summary>
    public string ReplayHash()
    {
        var fresh = new Engine.Engine();
        for (int i = 0; i < Batches.Count; i++) fresh.Apply(i + 1, Times[i], Batches[i], null);
        return fresh.StateHashHex();
    }
}
