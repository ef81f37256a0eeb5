using Corridor.Core.Settlement;

namespace Corridor.Workloads;

/// <summary>Figures of one <see cref="LsmBenchmark.Run"/>; liquidity in minor units summed over participants.</summary>
public sealed record LsmBenchmarkResult(
    int Participants, int Payments, long LiquidityWithLsm, long LiquidityWithoutLsm, long LowerBound, long UpperBound,
    double SettledFraction, double SettledFractionWithoutLsm, int Simulations, double Seconds)
{
    /// <summary>LiquidityWithLsm / LowerBound (1.0 is the optimum).</summary>
    public double RatioToLowerBound => LowerBound == 0 ? 1.0 : (double)LiquidityWithLsm / LowerBound;
}

/// <summary>
/// Liquidity needed by RTGS with and without the liquidity-saving mechanism for one payment day, run through the
/// real engine (<see cref="Corridor.Core.Engine.Engine"/> + <see cref="SettlementState"/>). Participant i receives opening
/// liquidity LB_i + f·(UB_i − LB_i), where LB_i is its multilateral net debit over the day (the lower bound:
/// no mechanism can settle everything with less) and UB_i its largest cumulative net outflow in submission order
/// (with it every payment settles on arrival). The smallest f that settles 100% is found by bisection, separately
/// for pure RTGS (strict FIFO queues: all payments High priority, no offsetting, no LSM) and for RTGS + LSM
/// (offsetting on entry, event-driven LSM, one RunLsm at the end).
/// </summary>
public static class LsmBenchmark
{
    private const uint Ledger = 1;
    private const ulong CentralBankId = 1;
    private const ulong FirstParticipantId = 1_000;
    private const int PaymentsPerCommand = 256;
    private const int BisectionSteps = 12;

    public static LsmBenchmarkResult Run(int participants = 50, int payments = 5_000, ulong seed = 1, int cyclicPercent = 95)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(participants, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(payments, 1);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        ArgumentOutOfRangeException.ThrowIfNegative(cyclicPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cyclicPercent, 100);
        var s = Scenario.Generate(participants, payments, seed, cyclicPercent);
        int simulations = 0;

        double withoutFraction = 0;
        long without = MinimalLiquidity(s, lsm: false, ref simulations, ref withoutFraction);
        double withFraction = 0;
        long with = MinimalLiquidity(s, lsm: true, ref simulations, ref withFraction);

        long lower = 0, upper = 0;
        for (int i = 0; i < participants; i++) { lower += s.Lower[i]; upper += s.Upper[i]; }
        double seconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new LsmBenchmarkResult(participants, payments, with, without, lower, upper, withFraction, withoutFraction, simulations, seconds);
    }

    private static long MinimalLiquidity(Scenario s, bool lsm, ref int simulations, ref double fraction)
    {
        simulations++;
        double f0 = Simulate(s, 0, lsm, out long l0);
        if (f0 >= 1.0) { fraction = f0; return l0; }
        double lo = 0, hi = 1;
        long best = 0;
        fraction = 0;
        for (int step = 0; step < BisectionSteps; step++)
        {
            double mid = (lo + hi) / 2;
            simulations++;
            if (Simulate(s, mid, lsm, out long liquidity) >= 1.0) { hi = mid; best = liquidity; }
            else lo = mid;
        }
        if (best == 0) { simulations++; fraction = Simulate(s, hi, lsm, out best); }
        else fraction = 1.0;
        return best;
    }

    /// <summary>Runs the day with liquidity factor <paramref name="f"/>; returns the settled fraction of payments.</summary>
    public static double Simulate(Scenario s, double f, bool lsm, out long liquidity)
    {
        int n = s.Participants;
        var engine = new Corridor.Core.Engine.Engine();
        long sequence = 0;
        ulong time = 1_000_000_000;

        var setup = new List<byte[]>
        {
            SettlementCodec.EncodeCommand(new SetSettlementOptions(lsm ? SettlementOptions.All : SettlementOptions.None)),
            SettlementCodec.EncodeCommand(new RegisterParticipant(CentralBankId, ParticipantRole.CentralBank, "central bank")),
        };
        var register = new RegisterParticipant[n];
        var open = new OpenSettlementAccount[n];
        for (int i = 0; i < n; i++)
        {
            register[i] = new RegisterParticipant(FirstParticipantId + (ulong)i, ParticipantRole.DirectParticipant, "p" + i);
            open[i] = new OpenSettlementAccount(FirstParticipantId + (ulong)i, Ledger, (UInt128)(100 + i));
        }
        setup.Add(SettlementCodec.EncodeCommand<RegisterParticipant>(register));
        setup.Add(SettlementCodec.EncodeCommand(new RegisterLedger(Ledger, CentralBankId, 1, 2, "XXX")));
        setup.Add(SettlementCodec.EncodeCommand<OpenSettlementAccount>(open));
        setup.Add(SettlementCodec.EncodeCommand(new OpenBusinessDay(20260101)));
        var funding = new List<MoveLiquidity>();
        liquidity = 0;
        for (int i = 0; i < n; i++)
        {
            long amount = s.Lower[i] + (long)Math.Ceiling(f * (s.Upper[i] - s.Lower[i]));
            liquidity += amount;
            if (amount > 0) funding.Add(new MoveLiquidity((UInt128)(1_000_000 + i), FirstParticipantId + (ulong)i, Ledger, amount, LiquidityDirection.Inject));
        }
        if (funding.Count > 0) setup.Add(SettlementCodec.EncodeCommand<MoveLiquidity>(funding.ToArray()));
        engine.Apply(++sequence, time += 1_000_000, Concat(setup), null);

        var chunk = new SubmitPayment[PaymentsPerCommand];
        for (int first = 0; first < s.Payments; first += PaymentsPerCommand)
        {
            int count = Math.Min(PaymentsPerCommand, s.Payments - first);
            for (int k = 0; k < count; k++)
            {
                int i = first + k;
                chunk[k] = new SubmitPayment((UInt128)(i + 1), FirstParticipantId + (ulong)s.Payer[i], FirstParticipantId + (ulong)s.Payee[i], Ledger,
                    s.Amount[i], PaymentPriority.High, PaymentKind.Interbank, 0, 0, 0);
            }
            engine.Apply(++sequence, time += 1_000_000, SettlementCodec.EncodeCommand<SubmitPayment>(chunk.AsSpan(0, count)), null);
        }
        if (lsm) engine.Apply(++sequence, time += 1_000_000, SettlementCodec.EncodeCommand(new RunLsm(Ledger)), null);
        return (double)engine.Settlement.GetDayStatus().Settled / s.Payments;
    }

    private static byte[] Concat(List<byte[]> parts)
    {
        int total = 0;
        foreach (byte[] p in parts) total += p.Length;
        var body = new byte[total];
        int at = 0;
        foreach (byte[] p in parts) { p.CopyTo(body, at); at += p.Length; }
        return body;
    }

    /// <summary>
    /// A gridlock-prone payment day: <c>cyclicPercent</c>% of the payments form random cycles (2–6 distinct
    /// participants paying the same amount around the cycle, so they net to zero), the rest are random one-off
    /// payments; all of them
    /// are shuffled into one submission order. Amounts 1.00..100,000.00.
    /// </summary>
    public sealed class Scenario
    {
        public int Participants { get; private init; }
        public int Payments => Payer.Length;
        public int[] Payer { get; private init; } = [];
        public int[] Payee { get; private init; } = [];
        public long[] Amount { get; private init; } = [];
        /// <summary>Per participant: multilateral net debit of the day (0 for net receivers).</summary>
        public long[] Lower { get; private init; } = [];
        /// <summary>Per participant: largest cumulative net outflow in submission order.</summary>
        public long[] Upper { get; private init; } = [];

        public static Scenario Generate(int participants, int payments, ulong seed, int cyclicPercent = 95)
        {
            var random = new ScenarioRandom(seed);
            var payer = new int[payments];
            var payee = new int[payments];
            var amount = new long[payments];
            int cyclic = (int)((long)payments * cyclicPercent / 100);
            int i = 0;
            Span<int> members = stackalloc int[6];
            while (i < payments)
            {
                long value = 100 + (long)(random.Next() % 10_000_000);
                int length = Math.Min(2 + random.NextInt(5), participants);
                if (i >= cyclic || i + length > cyclic)
                {
                    int from = random.NextInt(participants);
                    int to = random.NextInt(participants - 1);
                    if (to >= from) to++;
                    payer[i] = from; payee[i] = to; amount[i] = value;
                    i++;
                    continue;
                }
                for (int k = 0; k < length; k++)
                {
                    int candidate;
                    bool fresh;
                    do
                    {
                        candidate = random.NextInt(participants);
                        fresh = true;
                        for (int j = 0; j < k; j++) fresh &= members[j] != candidate;
                    } while (!fresh);
                    members[k] = candidate;
                }
                for (int k = 0; k < length; k++)
                {
                    payer[i] = members[k]; payee[i] = members[(k + 1) % length]; amount[i] = value;
                    i++;
                }
            }
            for (int k = payments - 1; k > 0; k--)
            {
                int j = random.NextInt(k + 1);
                (payer[k], payer[j]) = (payer[j], payer[k]);
                (payee[k], payee[j]) = (payee[j], payee[k]);
                (amount[k], amount[j]) = (amount[j], amount[k]);
            }
            long[] net = Netting.ComputeNetPositions(payer, payee, amount, participants);
            var lower = new long[participants];
            for (int p = 0; p < participants; p++) lower[p] = Math.Max(0, -net[p]);
            var running = new long[participants];
            var upper = new long[participants];
            for (int t = 0; t < payments; t++)
            {
                running[payer[t]] += amount[t];
                running[payee[t]] -= amount[t];
                upper[payer[t]] = Math.Max(upper[payer[t]], running[payer[t]]);
            }
            return new Scenario { Participants = participants, Payer = payer, Payee = payee, Amount = amount, Lower = lower, Upper = upper };
        }
    }
}
