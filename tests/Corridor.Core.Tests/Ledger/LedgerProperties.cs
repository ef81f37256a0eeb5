using CsCheck;
using Corridor.Core.Ledger;
using static Corridor.Core.Tests.Ledger.LedgerFixture;

namespace Corridor.Core.Tests.Ledger;

/// <summary>Ledger invariants over random scripts of transfers of every kind (CsCheck shrinks failures).</summary>
public class LedgerProperties
{
    private readonly record struct Op(int Kind, int Debit, int Credit, int Amount, bool Linked, int Target, int Timeout);

    private static readonly Gen<Op> GenOp =
        Gen.Select(Gen.Int[0, 7], Gen.Int[1, 9], Gen.Int[1, 9], Gen.Int[-1, 2_000], Gen.Int[0, 3], Gen.Int[0, 1_000], Gen.Int[0, 3])
           .Select(t => new Op(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5 == 0, t.Item6, t.Item7));

    private static readonly Gen<(Op[] Ops, int AdvanceSeconds)[]> GenScript =
        Gen.Select(GenOp.Array[1, 12], Gen.Int[0, 3]).Array[1, 12];

    private static LedgerFixture Setup()
    {
        var f = new LedgerFixture();
        f.CreateAccounts(
            NewAccount(1, AccountFlags.DebitsMustNotExceedCredits),
            NewAccount(2, AccountFlags.DebitsMustNotExceedCredits | AccountFlags.History),
            NewAccount(3, AccountFlags.DebitsMustNotExceedCredits),
            NewAccount(4, AccountFlags.CreditsMustNotExceedDebits),
            NewAccount(5, AccountFlags.CreditsMustNotExceedDebits | AccountFlags.History),
            NewAccount(6),
            NewAccount(7),
            NewAccount(8, ledger: 978),
            NewAccount(1000));
        f.Fund(1, 3_000, 1_000_001);
        f.Fund(2, 3_000, 1_000_002);
        f.Fund(3, 3_000, 1_000_003);
        return f;
    }

    /// <summary>Turns a script into transfer batches, with ids that sometimes repeat to exercise idempotency.</summary>
    private static Transfer[] Build(Op[] ops, List<UInt128> issued)
    {
        var transfers = new Transfer[ops.Length];
        for (int i = 0; i < ops.Length; i++)
        {
            Op op = ops[i];
            UInt128 id = (UInt128)(issued.Count + 1);
            Transfer t = NewTransfer(id, (UInt128)op.Debit, (UInt128)op.Credit, op.Amount, op.Linked && i < ops.Length - 1 ? TransferFlags.Linked : TransferFlags.None);
            if (op.Debit == 9) t.DebitAccountId = 1000;
            if (op.Credit == 9) t.CreditAccountId = 1000;
            switch (op.Kind)
            {
                case 1: t.Flags |= TransferFlags.Pending; t.TimeoutSeconds = (uint)op.Timeout; break;
                case 2 or 3 when issued.Count > 0:
                    t = new Transfer { Id = id, PendingId = issued[op.Target % issued.Count], Amount = op.Kind == 2 ? op.Amount / 3 : 0,
                        Flags = (op.Kind == 2 ? TransferFlags.PostPendingTransfer : TransferFlags.VoidPendingTransfer) | (t.Flags & TransferFlags.Linked) };
                    break;
                case 4: t.Flags |= TransferFlags.BalancingDebit; break;
                case 5: t.Flags |= TransferFlags.BalancingCredit; break;
                case 6 when issued.Count > 0: t.Id = issued[op.Target % issued.Count]; break; // resubmission
            }
            if (t.Id == id) issued.Add(id);
            transfers[i] = t;
        }
        return transfers;
    }

    private static void AssertInvariants(LedgerState ledger)
    {
        var debitsPosted = new Dictionary<uint, Int128>();
        var creditsPosted = new Dictionary<uint, Int128>();
        var debitsPending = new Dictionary<uint, Int128>();
        var creditsPending = new Dictionary<uint, Int128>();
        foreach (Account a in ledger.Accounts())
        {
            debitsPosted[a.Ledger] = debitsPosted.GetValueOrDefault(a.Ledger) + a.DebitsPosted;
            creditsPosted[a.Ledger] = creditsPosted.GetValueOrDefault(a.Ledger) + a.CreditsPosted;
            debitsPending[a.Ledger] = debitsPending.GetValueOrDefault(a.Ledger) + a.DebitsPending;
            creditsPending[a.Ledger] = creditsPending.GetValueOrDefault(a.Ledger) + a.CreditsPending;
            Assert.True(a.DebitsPending >= 0 && a.CreditsPending >= 0 && a.DebitsPosted >= 0 && a.CreditsPosted >= 0, $"negative balance field on {a.Id}");
            if ((a.Flags & AccountFlags.DebitsMustNotExceedCredits) != 0)
                Assert.True(a.DebitsPending + a.DebitsPosted <= a.CreditsPosted, $"account {a.Id} debits exceed credits");
            if ((a.Flags & AccountFlags.CreditsMustNotExceedDebits) != 0)
                Assert.True(a.CreditsPending + a.CreditsPosted <= a.DebitsPosted, $"account {a.Id} credits exceed debits");
        }
        foreach (uint l in debitsPosted.Keys)
        {
            Assert.Equal(debitsPosted[l], creditsPosted[l]);
            Assert.Equal(debitsPending[l], creditsPending[l]);
        }
    }

    [Fact]
    public void Debits_equal_credits_and_limits_hold_after_any_script()
    {
        GenScript.Sample(script =>
        {
            var f = Setup();
            var issued = new List<UInt128>();
            foreach (var (ops, advance) in script)
            {
                f.Now += (ulong)advance * 1_000_000_000;
                f.CreateTransfers(Build(ops, issued));
                AssertInvariants(f.L);
            }
        }, iter: 300);
    }

    [Fact]
    public void Linked_chains_are_all_or_nothing()
    {
        GenScript.Sample(script =>
        {
            var f = Setup();
            var issued = new List<UInt128>();
            foreach (var (ops, _) in script)
            {
                Transfer[] batch = Build(ops, issued);
                var before = new HashSet<UInt128>();
                foreach (Transfer t in batch) if (f.L.TryGetTransfer(t.Id, out _, out _)) before.Add(t.Id);
                CreateTransferResult[] results = f.CreateTransfers(batch);
                HashSet<UInt128> repeated = RepeatedIds(batch);
                int start = 0;
                for (int i = 0; i < batch.Length; i++)
                {
                    if ((batch[i].Flags & TransferFlags.Linked) != 0 && i < batch.Length - 1) continue;
                    // batch[start..i] is one chain (or a single transfer).
                    bool anyFailed = false;
                    for (int j = start; j <= i; j++) anyFailed |= results[j] is not (CreateTransferResult.Ok or CreateTransferResult.Exists);
                    if (anyFailed && i > start)
                        for (int j = start; j <= i; j++)
                            Assert.True(before.Contains(batch[j].Id) || repeated.Contains(batch[j].Id) || !f.L.TryGetTransfer(batch[j].Id, out _, out _), $"transfer {batch[j].Id} of a failed chain applied");
                    start = i + 1;
                }
            }
        }, iter: 300);
    }

    [Fact]
    public void Resubmitting_a_batch_changes_no_balance_of_what_succeeded()
    {
        GenScript.Sample(script =>
        {
            var f = Setup();
            var issued = new List<UInt128>();
            foreach (var (ops, _) in script)
            {
                Transfer[] batch = Build(ops, issued);
                CreateTransferResult[] first = f.CreateTransfers(batch);
                CreateTransferResult[] second = f.CreateTransfers(batch);
                HashSet<UInt128> repeated = RepeatedIds(batch);
                for (int i = 0; i < batch.Length; i++)
                {
                    if (repeated.Contains(batch[i].Id)) continue; // a later item reused the id: its answer belongs to that item
                    if (first[i] == CreateTransferResult.Ok)
                        Assert.True(second[i] is CreateTransferResult.Exists or CreateTransferResult.LinkedEventFailed || second[i].ToString().StartsWith("ExistsWith", StringComparison.Ordinal),
                            $"item {i}: first Ok, then {second[i]}");
                    else if (first[i] != CreateTransferResult.LinkedEventFailed && (batch[i].Flags & TransferFlags.Linked) == 0 && (i == 0 || (batch[i - 1].Flags & TransferFlags.Linked) == 0))
                        Assert.Equal(first[i], second[i]);
                }
                AssertInvariants(f.L);
            }
        }, iter: 200);
    }

    [Fact]
    public void Replay_and_snapshot_reproduce_the_same_state_hash()
    {
        GenScript.Sample(script =>
        {
            var f = Setup();
            var issued = new List<UInt128>();
            foreach (var (ops, advance) in script)
            {
                f.Now += (ulong)advance * 1_000_000_000;
                f.CreateTransfers(Build(ops, issued));
            }
            string hash = f.Engine.StateHashHex();
            Assert.Equal(hash, f.ReplayHash());
            using var stream = new MemoryStream();
            f.Engine.WriteSnapshot(stream);
            stream.Position = 0;
            var restored = Engine.Engine.ReadSnapshot(stream);
            Assert.Equal(hash, restored.StateHashHex());
            // The restored engine continues exactly like the original.
            var next = CommandBatchOf(NewTransfer(9_999_999, 1, 6, 1), NewTransfer(9_999_998, 6, 7, 5, TransferFlags.Pending));
            f.Engine.Apply(f.Engine.Sequence + 1, f.Now, next, null);
            restored.Apply(restored.Sequence + 1, f.Now, next, null);
            Assert.Equal(f.Engine.StateHashHex(), restored.StateHashHex());
        }, iter: 150);
    }

    [Fact]
    public void A_captured_snapshot_stays_the_state_of_its_batch_while_the_engine_goes_on()
    {
        // Capture (ledger frozen copy-on-write) after part of a script, apply the rest — posting and voiding old pendings,
        // linking new transfers to old ones, history, failed chains — then write the image: it must be byte for byte what
        // WriteSnapshot wrote at capture, and the engine must end as a fresh replay of the whole script.
        Gen.Select(GenScript, GenScript, GenScript).Sample((before, during, after) =>
        {
            var f = Setup();
            var issued = new List<UInt128>();
            foreach (var (ops, advance) in before) { f.Now += (ulong)advance * 1_000_000_000; f.CreateTransfers(Build(ops, issued)); }
            using var expected = new MemoryStream();
            f.Engine.WriteSnapshot(expected);
            UInt128 hashAtCapture = f.Engine.ComputeStateHash();

            Engine.Engine.EngineSnapshot image = f.Engine.CaptureSnapshot();
            foreach (var (ops, advance) in during) { f.Now += (ulong)advance * 1_000_000_000; f.CreateTransfers(Build(ops, issued)); }
            using var written = new MemoryStream();
            image.WriteTo(written);
            Assert.Equal(hashAtCapture, image.ComputeStateHash());
            image.Release();
            Assert.Equal(expected.ToArray(), written.ToArray());

            foreach (var (ops, advance) in after) { f.Now += (ulong)advance * 1_000_000_000; f.CreateTransfers(Build(ops, issued)); }
            Assert.Equal(f.ReplayHash(), f.Engine.StateHashHex());
            written.Position = 0;
            Assert.Equal(hashAtCapture, Engine.Engine.ReadSnapshot(written).ComputeStateHash());
        }, iter: 150);
    }

    [Fact]
    public void A_captured_snapshot_of_several_chunks_stays_as_it_was_while_old_chunks_change()
    {
        var f = Setup();
        const int Transfers = 150_000; // three chunks of transfers and their metadata
        var batch = new Transfer[8_000];
        int next = 1;
        while (next <= Transfers)
        {
            int n = Math.Min(batch.Length, Transfers - next + 1);
            for (int i = 0; i < n; i++, next++)
                batch[i] = NewTransfer((UInt128)(10_000_000 + next), 6, 7, 1, next % 3 == 0 ? TransferFlags.Pending : TransferFlags.None);
            f.CreateTransfers(batch[..n]);
        }
        f.CreateTransfers(NewTransfer(1, 2, 6, 10)); // history of the accounts that keep it
        using var expected = new MemoryStream();
        f.Engine.WriteSnapshot(expected);

        Engine.Engine.EngineSnapshot image = f.Engine.CaptureSnapshot();
        // Post pendings in the first and second chunks, void one in the third, and go on adding.
        f.CreateTransfers(
            new Transfer { Id = 1_001, PendingId = 10_000_003, Flags = TransferFlags.PostPendingTransfer },
            new Transfer { Id = 1_002, PendingId = 10_000_000 + 70_002, Flags = TransferFlags.PostPendingTransfer },
            new Transfer { Id = 1_003, PendingId = 10_000_000 + 140_001, Flags = TransferFlags.VoidPendingTransfer },
            NewTransfer(1_004, 2, 6, 3), NewTransfer(1_005, 6, 7, 4));
        using var written = new MemoryStream();
        image.WriteTo(written);
        image.Release();
        Assert.Equal(expected.ToArray(), written.ToArray());

        // Released: the next writes go in place, and a second capture sees them.
        f.CreateTransfers(new Transfer { Id = 1_006, PendingId = 10_000_006, Flags = TransferFlags.VoidPendingTransfer });
        using var now = new MemoryStream();
        f.Engine.WriteSnapshot(now);
        Engine.Engine.EngineSnapshot second = f.Engine.CaptureSnapshot();
        using var secondWritten = new MemoryStream();
        second.WriteTo(secondWritten);
        second.Release();
        Assert.Equal(now.ToArray(), secondWritten.ToArray());
        Assert.Equal(f.ReplayHash(), f.Engine.StateHashHex());
    }

    private static HashSet<UInt128> RepeatedIds(Transfer[] batch)
    {
        var seen = new HashSet<UInt128>();
        var repeated = new HashSet<UInt128>();
        foreach (Transfer t in batch) if (!seen.Add(t.Id)) repeated.Add(t.Id);
        return repeated;
    }

    private static byte[] CommandBatchOf(params Transfer[] transfers) =>
        Corridor.Core.Engine.CommandBatch.Encode<Transfer>(Corridor.Core.Engine.Operation.CreateTransfers, transfers);
}
