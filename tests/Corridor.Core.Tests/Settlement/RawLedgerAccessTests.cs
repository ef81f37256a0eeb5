using Corridor.Core.Engine;
using Corridor.Core.Ledger;
using Corridor.Core.Settlement;
using static Corridor.Core.Tests.Settlement.SettlementHarness;
using CoreEngine = Corridor.Core.Engine.Engine;

namespace Corridor.Core.Tests.Settlement;

/// <summary>
/// Raw ledger transfers of a participant (operation 3): only its own debits, only in ledgers the operator granted it (op 118),
/// never a settlement ledger; refusals consume no id; grants replay and survive snapshots.
/// </summary>
public sealed class RawLedgerAccessTests
{
    private const uint Book = 9;

    private static CreateTransferResult Raw(SettlementHarness h, ulong participant, Transfer t)
    {
        byte[] payload = CoreEngine.EncodeParticipantTransfers(participant, [t]);
        byte[] command = new byte[CommandBatch.EncodedSize(payload.Length)];
        CommandBatch.Write(command, Operation.CreateParticipantTransfers, 1, payload);
        CommandReply reply = h.Batch(command)[0];
        return reply.AllOk ? CreateTransferResult.Ok : (CreateTransferResult)reply.Errors[0].Code;
    }

    private static Transfer T(UInt128 id, UInt128 debit, UInt128 credit, uint ledger) =>
        new() { Id = id, DebitAccountId = debit, CreditAccountId = credit, Amount = 5, Ledger = ledger, Code = 1 };

    [Fact]
    public void Own_debits_in_granted_non_settlement_ledgers_only_and_a_refusal_leaves_the_id_free()
    {
        SettlementHarness h = Standard();
        h.Fund(A, 1_000);
        Assert.True(h.Batch(CommandBatch.Encode<Account>(Operation.CreateAccounts, [
            new Account { Id = 900, Ledger = Book, Code = 1, Participant = A }, new Account { Id = 901, Ledger = Book, Code = 1, Participant = B }]))[0].AllOk);

        // Settlement ledger: never, even between the participant's own settlement account and another's.
        Assert.Equal(CreateTransferResult.LedgerNotGrantedToSubmitter, Raw(h, A, T(1, AccountOf(A), AccountOf(B), Eur)));
        Assert.Equal((ushort)SettlementResult.SettlementLedgerNotGrantable, h.One(new GrantLedgerAccess(A, Eur, true)).Errors[0].Code);

        Assert.Equal(CreateTransferResult.LedgerNotGrantedToSubmitter, Raw(h, A, T(2, 900, 901, Book)));
        Assert.True(h.One(new GrantLedgerAccess(A, Book, true)).AllOk);
        Assert.Equal(CreateTransferResult.Ok, Raw(h, A, T(2, 900, 901, Book))); // the refused id was not consumed
        Assert.Equal(CreateTransferResult.DebitAccountNotOwnedBySubmitter, Raw(h, A, T(3, 901, 900, Book)));
        Assert.Equal(CreateTransferResult.LedgerNotGrantedToSubmitter, Raw(h, B, T(3, 901, 900, Book)));
        Assert.Equal([Book], h.Engine.Settlement.LedgerGrantsOf(A));

        var stream = new MemoryStream();
        h.Engine.WriteSnapshot(stream);
        stream.Position = 0;
        CoreEngine restored = CoreEngine.ReadSnapshot(stream);
        Assert.Equal(h.Engine.StateHashHex(), restored.StateHashHex());
        Assert.Equal([Book], restored.Settlement.LedgerGrantsOf(A));
        Assert.Equal(h.Engine.StateHashHex(), h.ReplayHash());

        Assert.True(h.One(new GrantLedgerAccess(A, Book, false)).AllOk);
        Assert.Equal(CreateTransferResult.LedgerNotGrantedToSubmitter, Raw(h, A, T(4, 900, 901, Book)));
        Assert.Equal(5, h.Engine.Ledger.TryGetAccount(901, out Account credited) ? credited.CreditsPosted : -1);
    }
}
