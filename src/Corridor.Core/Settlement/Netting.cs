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
