using Corridor.Core.Settlement;

namespace Corridor.Simulation;

/// <summary>
/// Per participant and currency (index <c>currency * participants + participant</c>): the lower bound LB (multilateral
/// net debit of the day; no settlement rule can settle every payment with less) and the upper bound UB (largest
/// cumulative net outflow in arrival order; with it every payment settles the moment it arrives).
/// </summary>
public sealed class LiquidityBounds
{
    private LiquidityBounds(int participants, int currencies, long[] lower, long[] upper)
    {
        Participants = participants; Currencies = currencies; Lower = lower; Upper = upper;
    }

    public int Participants { get; }
    public int Currencies { get; }
    public long[] Lower { get; }
    public long[] Upper { get; }

    public static LiquidityBounds Compute(PaymentDay day)
    {
        int n = day.Participants, c = day.Currencies.Length;
        var lower = new long[n * c];
        var upper = new long[n * c];
        // Netting per currency through the shared kernel; then running positions in arrival order.
        for (int cur = 0; cur < c; cur++)
        {
            var payer = new List<int>(); var payee = new List<int>(); var amount = new List<long>();
            for (int i = 0; i < day.Payments; i++)
                if (day.Currency[i] == cur) { payer.Add(day.Payer[i]); payee.Add(day.Payee[i]); amount.Add(day.AmountMinor[i]); }
            if (payer.Count == 0) continue;
            long[] net = Netting.ComputeNetPositions(
                System.Runtime.InteropServices.CollectionsMarshal.AsSpan(payer), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(payee),
                System.Runtime.InteropServices.CollectionsMarshal.AsSpan(amount), n);
            for (int p = 0; p < n; p++) lower[cur * n + p] = Math.Max(0, -net[p]);
        }
        var running = new long[n * c];
        for (int i = 0; i < day.Payments; i++)
        {
            int from = day.Currency[i] * n + day.Payer[i], to = day.Currency[i] * n + day.Payee[i];
            running[from] = checked(running[from] + day.AmountMinor[i]);
            running[to] = checked(running[to] - day.AmountMinor[i]);
            if (running[from] > upper[from]) upper[from] = running[from];
        }
        return new LiquidityBounds(n, c, lower, upper);
    }

    /// <summary>Opening liquidity of one account at fraction <paramref name="f"/> of the way from LB to UB (rounded up).</summary>
    public long At(int index, double f) => Lower[index] + (long)Math.Ceiling(f * (Upper[index] - Lower[index]));

    public long TotalLowerBase(PaymentDay day) => TotalBase(day, Lower);
    public long TotalUpperBase(PaymentDay day) => TotalBase(day, Upper);

    public long TotalBase(PaymentDay day, long[] perAccount)
    {
        long total = 0;
        for (int cur = 0; cur < Currencies; cur++)
        {
            long sum = 0;
            for (int p = 0; p < Participants; p++) sum = checked(sum + perAccount[cur * Participants + p]);
            total = checked(total + day.ToBase(sum, cur));
        }
        return total;
    }
}
