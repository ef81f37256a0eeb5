using Corridor.Core.Settlement;

namespace Corridor.Workloads;

/// <summary>Result of <see cref="NettingBenchmark.Run"/>.</summary>
public sealed record NettingBenchmarkResult(int Payments, int Participants, double Seconds, long LargestNetDebitMinor);

/// <summary>Times <see cref="Netting.ComputeNetPositions"/> over random payments (generation not timed).</summary>
public static class NettingBenchmark
{
    public static NettingBenchmarkResult Run(int payments, int participants, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(participants, 2);
        var payer = new int[payments];
        var payee = new int[payments];
        var amount = new long[payments];
        var random = new ScenarioRandom(seed);
        for (int i = 0; i < payments; i++)
        {
            int from = random.NextInt(participants);
            int to = random.NextInt(participants - 1);
            if (to >= from) to++;
            payer[i] = from;
            payee[i] = to;
            amount[i] = 1 + (long)(random.Next() % 1_000_000_00);
        }
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        long[] net = Netting.ComputeNetPositions(payer, payee, amount, participants);
        double seconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
        long largest = 0;
        foreach (long n in net) largest = Math.Max(largest, -n);
        return new NettingBenchmarkResult(payments, participants, seconds, largest);
    }
}
