namespace Corridor.Core.Settlement;

/// <summary>Multilateral netting as a tight loop over struct-of-arrays payments (benchmarks, what-if analysis).</summary>
public static class Netting
{
    /// <summary>
    /// Net position per participant (receipts minus payments) of the payments
    /// <c>payer[i] → payee[i]</c> of <c>amount[i]</c> minor units. Participants are 0..<paramref name="participants"/>−1.
    /// Checked long sums: a running position beyond ±long.MaxValue throws <see cref="OverflowException"/> rather
    /// than wrap. The result sums to zero (verified). O(n + participants), one allocation (the result).
    /// </summary>
    public static long[] ComputeNetPositions(ReadOnlySpan<int> payer, ReadOnlySpan<int> payee, ReadOnlySpan<long> amount, int participants)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(participants);
        if (payer.Length != payee.Length || payer.Length != amount.Length) throw new ArgumentException("payer, payee and amount must have the same length");
        var net = new long[participants];
        for (int i = 0; i < payer.Length; i++)
        {
            int from = payer[i], to = payee[i];
            long a = amount[i];
            if ((uint)from >= (uint)net.Length || (uint)to >= (uint)net.Length || a < 0) ThrowBadPayment(i);
            net[from] = checked(net[from] - a);
            net[to] = checked(net[to] + a);
        }
        Int128 sum = 0;
        for (int p = 0; p < net.Length; p++) sum += net[p];
        if (sum != 0) throw new InvalidOperationException($"net positions sum to {sum}, not zero");
        return net;
    }

    private static void ThrowBadPayment(int i) =>
        throw new ArgumentException($"payment {i} names a participant outside the range or has a negative amount");
}

/// <summary>Deterministic SplitMix64 generator for benchmark and simulation scenarios (never used inside the engine).</summary>
public struct ScenarioRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E37_79B9_7F4A_7C15;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in 0..<paramref name="bound"/>−1 (bound &gt; 0).</summary>
    public int NextInt(int bound) => (int)((Next() >> 33) % (ulong)bound);
}

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
