using BenchmarkDotNet.Attributes;
using Corridor.Core.Engine;
using Corridor.Workloads;

namespace Corridor.Benchmarks;

/// <summary>
/// What an operator's console asks the engine thread again and again, on an engine holding 1,000,000 settled PvP payments
/// (a busy day): the operating day's status (the event stream asks every 250 ms), the pending and decided holds (the
/// overview's alerts), the open locks (<c>GET /v1/fx/locks?status=locked</c>) and a participant's own locks. Each should cost
/// about what changed, is open or is the asker's, not the day's payments.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class OperatorQueryBenchmark
{
    private Engine _engine = null!;

    [GlobalSetup]
    public void Setup()
    {
        _engine = PvpBenchmark.SettledEngine(1_000_000, seed: 1);
        _engine.GetDayStatus(); // a node's first ask passes the day once
    }

    [Benchmark]
    public int DayStatus() => _engine.GetDayStatus().Submitted;

    [Benchmark]
    public int Holds() => _engine.Compliance.PendingHolds().Count + _engine.Compliance.DecidedHolds().Count;

    [Benchmark]
    public int OpenLocks() => _engine.Exchange.OpenLocks().Count;

    /// <summary>A bank that took no lock today asks for its 50 newest (<c>GET /v1/fx/locks</c> as that participant): as the endpoint walked before, from the newest of everyone's.</summary>
    [Benchmark]
    public int QuietBanksLocksByWalk() => Newest(_engine.Exchange.Locks, QuietBank);

    /// <summary>The same from the participant's own index (<see cref="Corridor.Core.Exchange.ExchangeState.LocksOf"/>), as the endpoint now asks.</summary>
    [Benchmark]
    public int QuietBanksLocksFromIndex() => Newest(_engine.Exchange.LocksOf(QuietBank), QuietBank);

    private const ulong QuietBank = 999_999;

    private static int Newest(IReadOnlyList<Corridor.Core.Exchange.LockRecord> locks, ulong payer)
    {
        int found = 0;
        for (int i = locks.Count - 1; i >= 0 && found < 50; i--)
            if (locks[i].Request.Payer == payer) found++;
        return found;
    }
}
