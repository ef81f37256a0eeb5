using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Corridor.Core.Engine;
using Corridor.Core.Ledger;

namespace Corridor.Benchmarks;

/// <summary>
/// Engine.Apply on one batch of 8,190 transfers between 10,000 accounts: the in-memory cost per
/// transfer, without the journal. Each iteration applies fresh ids into a warm ledger.
/// </summary>
[MemoryDiagnoser]
public class EngineApplyBenchmark
{
    private const int Accounts = 10_000;
    private const int BatchTransfers = 8_190;
    private Engine _engine = null!;
    private byte[] _batch = null!;
    private ulong _nextId;
    private ulong _now = 1_700_000_000_000_000_000;

    [GlobalSetup]
    public void Setup()
    {
        _engine = new Engine(Accounts, 4_000_000);
        var accounts = new Account[Accounts];
        for (int i = 0; i < Accounts; i++) accounts[i] = new Account { Id = (UInt128)(i + 1), Ledger = 1, Code = 1 };
        for (int start = 0; start < Accounts; start += BatchTransfers)
        {
            int n = Math.Min(BatchTransfers, Accounts - start);
            _engine.Apply(_engine.Sequence + 1, _now++, CommandBatch.Encode<Account>(Operation.CreateAccounts, accounts.AsSpan(start, n)), null);
        }
        _batch = CommandBatch.Encode<Transfer>(Operation.CreateTransfers, new Transfer[BatchTransfers]);
    }

    [IterationSetup]
    public void NextBatch()
    {
        Span<Transfer> transfers = MemoryMarshal.Cast<byte, Transfer>(_batch.AsSpan(CommandBatch.HeaderBytes));
        ulong rng = _nextId * 0x9E3779B97F4A7C15UL | 1;
        for (int i = 0; i < transfers.Length; i++)
        {
            rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
            uint debit = (uint)(rng % Accounts) + 1, credit = (uint)((rng >> 32) % (Accounts - 1)) + 1;
            if (credit >= debit) credit++;
            transfers[i] = new Transfer { Id = ++_nextId, DebitAccountId = debit, CreditAccountId = credit, Amount = 1 + (long)(rng % 1000), Ledger = 1, Code = 1 };
        }
    }

    [Benchmark(Description = "Apply 8,190 transfers", OperationsPerInvoke = BatchTransfers)]
    public void ApplyBatch() => _engine.Apply(_engine.Sequence + 1, _now += 1_000_000, _batch, null);
}
