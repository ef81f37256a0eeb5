using BenchmarkDotNet.Attributes;
using Corridor.Core.Engine;
using Corridor.Workloads;

namespace Corridor.Benchmarks;

/// <summary>
/// What an operator's console asks the engine thread again and again, on an engine holding 1,000,000 settled PvP payments
/// (a busy day): the operating day's status (the event stream asks every 250 ms), the pending and decided holds (the
/// overview's alerts) and the open locks (<c>GET /v1/fx/locks?status=locked</c>). Each should cost about what changed or is
/// open, not the day's payments.
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
}
