using System.Diagnostics;
using Corridor.Core.Engine;
using Corridor.Core.Settlement;

namespace Corridor.Simulation;

/// <summary>Knobs of a run that are not the rule set or the liquidity.</summary>
public sealed record SimulationOptions
{
    /// <summary>Engine batch length: payments arriving within one batch interval are submitted in one batch stamped at its end.</summary>
    public int BatchMs { get; init; } = 60_000;
    /// <summary>Spacing of the queue-length time series.</summary>
    public int QueueSampleMs { get; init; } = 5 * 60_000;
    /// <summary>LSM cycle of the lsm and hybrid rules: a multilateral run in the first batch at or after each multiple of it.</summary>
    public int LsmIntervalMs { get; init; } = 60_000;

    public string? Validate()
    {
        if (BatchMs is < 1_000 or > 3_600_000) return "batch interval must be 1 s..1 h";
        if (LsmIntervalMs is < 1_000 or > 3_600_000) return "LSM interval must be 1 s..1 h";
        if (QueueSampleMs is < 60_000 or > 3_600_000) return "queue sample interval must be 1 min..1 h";
        return null;
    }
}

/// <summary>
/// Runs one payment day through the real engine (<see cref="Engine"/>, in process, no journal, no fsync) under one
/// rule set with opening liquidity LB + f·(UB − LB) per participant and currency, then measures what happened from
/// the engine's own payment records. The commands are those a production node would journal.
/// </summary>
public static class DaySimulator
{
    /// <summary>2026-01-05 00:00 UTC in ns: the simulated business day.</summary>
    public const ulong DayStartNs = 1_767_571_200UL * 1_000_000_000UL;
    public const uint BusinessDate = 20260105;
    private const ulong NsPerMs = 1_000_000;
    private const ulong FirstParticipantId = 1_000;
    private const int MaxItemsPerCommand = 8_190;

    public static ulong ParticipantId(int index) => FirstParticipantId + (ulong)index;
    public static uint LedgerOf(int currency) => (uint)currency + 1;
    private static ulong CentralBankId(int currency) => 1 + (ulong)currency;
    private static UInt128 AccountId(int currency, int participant) => (UInt128)(1_000_000UL * (ulong)(currency + 1) + (ulong)participant);
    internal static ulong WindowId(int window, int currency) => (ulong)window * PaymentDay.MaxCurrencies + (ulong)currency + 1;

    public static SimulationRun Run(PaymentDay day, LiquidityBounds bounds, RuleSet rule, double fraction, int point = 0,
        SimulationOptions? options = null, Action<int>? paymentsSubmitted = null) =>
        Run(day, bounds, rule, fraction, point, options, paymentsSubmitted, null);

    /// <summary>As the public overload; <paramref name="inspect"/> sees the engine after the cut-off (tests).</summary>
    internal static SimulationRun Run(PaymentDay day, LiquidityBounds bounds, RuleSet rule, double fraction, int point,
        SimulationOptions? options, Action<int>? paymentsSubmitted, Action<Engine>? inspect)
    {
        options ??= new SimulationOptions();
        string? error = options.Validate();
        if (error != null) throw new ArgumentException(error, nameof(options));
        if (fraction is < 0 or > 1 || double.IsNaN(fraction)) throw new ArgumentOutOfRangeException(nameof(fraction), "fraction must be 0..1");
        if (rule.UsesWindows && rule.WindowMs % options.BatchMs != 0)
            throw new ArgumentException($"window of {rule.WindowMs} ms is not a multiple of the batch interval of {options.BatchMs} ms", nameof(rule));
        long started = Stopwatch.GetTimestamp();
        int n = day.Participants, currencies = day.Currencies.Length;
        var engine = new Engine(accountCapacity: n * currencies + 2 * currencies + 16, transferCapacity: day.Payments + n * currencies + 1024);
        long sequence = 0;
        var replies = new List<CommandReply>();

        // ── setup: options, central banks, ledgers, participants, accounts, the day, opening liquidity ──
        var setup = new BatchBody();
        bool lsm = rule.Kind is RuleKind.Lsm or RuleKind.Hybrid;
        setup.Add(SettlementCodec.EncodeCommand(new SetSettlementOptions(lsm ? SettlementOptions.OffsetOnEntry : SettlementOptions.None)));
        var banks = new RegisterParticipant[currencies];
        for (int c = 0; c < currencies; c++) banks[c] = new RegisterParticipant(CentralBankId(c), ParticipantRole.CentralBank, "central bank " + day.Currencies[c].Code);
        setup.Add(SettlementCodec.EncodeCommand<RegisterParticipant>(banks));
        var ledgers = new RegisterLedger[currencies];
        for (int c = 0; c < currencies; c++) ledgers[c] = new RegisterLedger(LedgerOf(c), CentralBankId(c), (UInt128)(10 + 2 * c), (UInt128)(11 + 2 * c), day.Currencies[c].Code);
        setup.Add(SettlementCodec.EncodeCommand<RegisterLedger>(ledgers));
        var register = new RegisterParticipant[n];
        for (int i = 0; i < n; i++) register[i] = new RegisterParticipant(ParticipantId(i), ParticipantRole.DirectParticipant, day.ParticipantNames[i]);
        setup.AddChunked<RegisterParticipant>(register);
        var open = new OpenSettlementAccount[n * currencies];
        for (int c = 0; c < currencies; c++)
            for (int i = 0; i < n; i++) open[c * n + i] = new OpenSettlementAccount(ParticipantId(i), LedgerOf(c), AccountId(c, i));
        setup.AddChunked<OpenSettlementAccount>(open);
        setup.Add(SettlementCodec.EncodeCommand(new OpenBusinessDay(BusinessDate)));
        var funding = new List<MoveLiquidity>();
        var provided = new long[n * currencies];
        for (int c = 0; c < currencies; c++)
            for (int i = 0; i < n; i++)
            {
                long amount = bounds.At(c * n + i, fraction);
                provided[c * n + i] = amount;
                if (amount > 0) funding.Add(new MoveLiquidity((UInt128)(1 + c * n + i), ParticipantId(i), LedgerOf(c), amount, LiquidityDirection.Inject));
            }
        setup.AddChunked<MoveLiquidity>(funding.ToArray());
        engine.Apply(++sequence, DayStartNs + NsPerMs, setup.ToArray(), replies);
        foreach (CommandReply r in replies)
            if (!r.AllOk) throw new InvalidOperationException($"simulation setup: {r.Operation} item {r.Errors[0].Index} failed with {(SettlementResult)r.Errors[0].Code}");
        replies.Clear();

        // ── the day: one batch per batch interval with arrivals, plus window boundaries ──
        ulong batchNs = (ulong)options.BatchMs * NsPerMs;
        var waited = new bool[day.Payments];
        var openWindow = new int[currencies];
        Array.Fill(openWindow, -1);
        int windowMs = rule.UsesWindows ? rule.WindowMs : 0;
        int lsmRuns = 0, gridlocks = 0;
        var chunk = new SubmitPaymentWithDetails[MaxItemsPerCommand];
        int next = 0;
        ulong lastBatchEndMs = 0;
        ulong nextLsmMs = 0;
        while (next < day.Payments || AnyOpen(openWindow))
        {
            // Next batch: the bucket of the next arrival, or the end of the earliest open window, whichever comes first.
            ulong endMs = next < day.Payments ? ((ulong)day.TimeMs[next] / (ulong)options.BatchMs + 1) * (ulong)options.BatchMs : ulong.MaxValue;
            if (windowMs > 0 && AnyOpen(openWindow))
            {
                ulong windowEnd = ((ulong)MinOpen(openWindow) + 1) * (ulong)windowMs;
                if (windowEnd < endMs) endMs = windowEnd;
            }
            var body = new BatchBody();
            int first = next;
            while (next < day.Payments && (ulong)day.TimeMs[next] < endMs) next++;
            ulong batchTimeNs = DayStartNs + endMs * NsPerMs;
            // Open the windows this batch's payments go into (a window holds arrivals in [k·W, (k+1)·W)).
            if (windowMs > 0)
                for (int i = first; i < next; i++)
                {
                    if (rule.Kind == RuleKind.Hybrid && day.Priority[i] != PaymentPriority.Normal) continue;
                    int c = day.Currency[i], k = day.TimeMs[i] / windowMs;
                    if (openWindow[c] == k) continue;
                    if (openWindow[c] >= 0) throw new InvalidOperationException("window bookkeeping: a window must close before the next opens");
                    openWindow[c] = k;
                    body.Add(SettlementCodec.EncodeCommand(new OpenNettingWindow(WindowId(k, c), LedgerOf(c), $"{day.Currencies[c].Code} {DayCsv.FormatTime(k * windowMs)[..5]}")));
                }
            for (int at = first; at < next; at += MaxItemsPerCommand)
            {
                int count = Math.Min(MaxItemsPerCommand, next - at);
                for (int k = 0; k < count; k++)
                {
                    int i = at + k;
                    bool inWindow = rule.Kind == RuleKind.Dns || (rule.Kind == RuleKind.Hybrid && day.Priority[i] == PaymentPriority.Normal);
                    ulong latest = rule.Kind == RuleKind.Rtgs ? batchTimeNs + batchNs - 1 : 0;
                    var payment = new SubmitPayment((UInt128)(i + 1), ParticipantId(day.Payer[i]), ParticipantId(day.Payee[i]), LedgerOf(day.Currency[i]),
                        day.AmountMinor[i], day.Priority[i], day.Kind[i], 0, latest, inWindow ? WindowId(day.TimeMs[i] / windowMs, day.Currency[i]) : 0);
                    // Customer payments carry travel-rule data like real ones (compliance screens every payment); interbank ones need none.
                    chunk[k] = new SubmitPaymentWithDetails(payment, day.Kind[i] == PaymentKind.Customer ? SyntheticCustomers.Details(day.Payer[i], day.Payee[i]) : PaymentDetails.None);
                }
                body.Add(SubmitPaymentWithDetails.EncodeCommand(chunk.AsSpan(0, count)));
            }
            if (lsm && endMs >= nextLsmMs)
            {
                body.Add(SettlementCodec.EncodeCommand(new RunLsm(0)));
                nextLsmMs = (endMs / (ulong)options.LsmIntervalMs + 1) * (ulong)options.LsmIntervalMs;
            }
            // Close windows that end at or before this batch.
            if (windowMs > 0)
                for (int c = 0; c < currencies; c++)
                    if (openWindow[c] >= 0 && ((ulong)openWindow[c] + 1) * (ulong)windowMs <= endMs)
                    {
                        body.Add(SettlementCodec.EncodeCommand(new CloseNettingWindow(WindowId(openWindow[c], c))));
                        openWindow[c] = -1;
                    }
            engine.Apply(++sequence, batchTimeNs, body.ToArray(), replies);
            Collect(replies, waited, ref lsmRuns, ref gridlocks);
            lastBatchEndMs = endMs;
            paymentsSubmitted?.Invoke(next);
        }

        // ── cut-off: one last batch after the last arrival; a final LSM run; RTGS deadlines reject what waits ──
        ulong cutoffMs = lastBatchEndMs + (ulong)options.BatchMs;
        var last = new BatchBody();
        if (lsm) last.Add(SettlementCodec.EncodeCommand(new RunLsm(0)));
        engine.Apply(++sequence, DayStartNs + cutoffMs * NsPerMs, last.ToArray(), replies);
        Collect(replies, waited, ref lsmRuns, ref gridlocks);
        inspect?.Invoke(engine);

        return Measure(day, engine, rule, fraction, point, provided, bounds, waited, cutoffMs, options, lsmRuns, gridlocks, started);
    }

    private static bool AnyOpen(int[] openWindow) { foreach (int w in openWindow) if (w >= 0) return true; return false; }

    private static int MinOpen(int[] openWindow)
    {
        int min = int.MaxValue;
        foreach (int w in openWindow) if (w >= 0 && w < min) min = w;
        return min;
    }

    private static void Collect(List<CommandReply> replies, bool[] waited, ref int lsmRuns, ref int gridlocks)
    {
        foreach (CommandReply reply in replies)
        {
            if (reply.Data is PaymentOutcome[] outcomes)
                foreach (PaymentOutcome o in outcomes)
                {
                    int i = (int)(o.PaymentId - 1);
                    waited[i] = o.Status is PaymentStatus.Queued or PaymentStatus.InWindow;
                }
            else if (reply.Data is LsmResult[] results)
                foreach (LsmResult r in results)
                {
                    lsmRuns++;
                    if (r.SettledPayments > 0) gridlocks++;
                }
            else if (!reply.AllOk && reply.Operation is not (Operation.SubmitPayment or Operation.SubmitPaymentWithDetails))
                throw new InvalidOperationException($"simulation: {reply.Operation} item {reply.Errors[0].Index} failed with {(SettlementResult)reply.Errors[0].Code}");
        }
        replies.Clear();
    }

    private static SimulationRun Measure(PaymentDay day, Engine engine, RuleSet rule, double fraction, int point, long[] provided,
        LiquidityBounds bounds, bool[] waited, ulong cutoffMs, SimulationOptions options, int lsmRuns, int gridlocks, long started)
    {
        int n = day.Participants, payments = day.Payments;
        int settled = 0, unsettled = 0, rejected = 0;
        long settledValue = 0, unsettledValue = 0;
        double delayWeighted = 0, valueForDelay = 0;
        var finalAt = new ulong[payments];
        var settledIndex = new List<int>(payments);

        // Samples every QueueSampleMs from the first arrival's slot, and a last one at the cut-off (what is left then).
        int firstSampleMs = payments == 0 ? 0 : day.TimeMs[0] / options.QueueSampleMs * options.QueueSampleMs;
        var sampleMs = new List<long>();
        for (long t = firstSampleMs; t < (long)cutoffMs; t += options.QueueSampleMs) sampleMs.Add(t);
        sampleMs.Add((long)cutoffMs);
        int samples = sampleMs.Count;
        var countDelta = new long[samples + 1];
        var valueDelta = new long[samples + 1];

        for (int i = 0; i < payments; i++)
        {
            PaymentInfo p = engine.Settlement.GetPayment((UInt128)(i + 1)) ?? throw new InvalidOperationException($"payment {i + 1} missing from the engine");
            long value = day.BaseValue(i);
            // Still waiting after the cut-off batch: counts in the cut-off sample; anything final by then does not.
            ulong cutoffNs = DayStartNs + cutoffMs * NsPerMs;
            ulong end = p.Status is PaymentStatus.Queued or PaymentStatus.InWindow or PaymentStatus.Scheduled ? cutoffNs + NsPerMs : Math.Min(p.FinalAtNs, cutoffNs);
            if (p.Status == PaymentStatus.Settled)
            {
                settled++;
                settledValue += value;
                finalAt[i] = p.FinalAtNs;
                settledIndex.Add(i);
                // Whole milliseconds: settlement within the submitting command takes a few engine nanoseconds, not a delay.
                double delaySeconds = (p.FinalAtNs - p.SubmittedAtNs) / NsPerMs / 1e3;
                delayWeighted += delaySeconds * value;
                valueForDelay += value;
            }
            else
            {
                unsettled++;
                unsettledValue += value;
                if (p.Status is PaymentStatus.Rejected) rejected++;
            }
            if (waited[i])
            {
                // Waiting from submission to settlement/rejection (or the cut-off): samples s with submitted ≤ s < end.
                int from = SampleIndexAtOrAfter(p.SubmittedAtNs, sampleMs);
                int to = SampleIndexAtOrAfter(end, sampleMs);
                if (to > from) { countDelta[from]++; countDelta[to]--; valueDelta[from] += value; valueDelta[to] -= value; }
            }
        }

        var queue = new QueueSample[samples];
        long count = 0, queuedValue = 0;
        int maxQueued = 0;
        for (int s = 0; s < samples; s++)
        {
            count += countDelta[s];
            queuedValue += valueDelta[s];
            queue[s] = new QueueSample((int)sampleMs[s], (int)count, queuedValue);
            maxQueued = Math.Max(maxQueued, (int)count);
        }

        long used = LiquidityUsed(day, finalAt, settledIndex);
        long providedBase = bounds.TotalBase(day, provided);
        if (used > providedBase + day.Currencies.Length) // rounding of the base conversion aside
            throw new InvalidOperationException($"liquidity used {used} exceeds liquidity provided {providedBase}: the engine let an account below its floor");
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var summary = new RunSummary(rule.Name, point, fraction, providedBase, used, bounds.TotalLowerBase(day), bounds.TotalUpperBase(day),
            payments, settled, settledValue, unsettled, unsettledValue, rejected,
            valueForDelay == 0 ? 0 : delayWeighted / valueForDelay, maxQueued, gridlocks, lsmRuns, seconds);
        return new SimulationRun(summary, queue);
    }

    /// <summary>Index of the first sample at or after <paramref name="timeNs"/> (ceil to ms); samples.Count when none.</summary>
    private static int SampleIndexAtOrAfter(ulong timeNs, List<long> sampleMs)
    {
        long ms = (long)((timeNs - DayStartNs + NsPerMs - 1) / NsPerMs);
        int i = sampleMs.BinarySearch(ms);
        return i >= 0 ? i : ~i;
    }

    /// <summary>
    /// Σ over accounts of the largest net outflow reached during the day, replaying settled payments in settlement
    /// order; payments settled at the same engine instant (an LSM set, a netting window) count as one step.
    /// </summary>
    private static long LiquidityUsed(PaymentDay day, ulong[] finalAt, List<int> settledIndex)
    {
        int n = day.Participants;
        int[] order = [.. settledIndex];
        var keys = new ulong[order.Length];
        for (int k = 0; k < order.Length; k++) keys[k] = finalAt[order[k]];
        Array.Sort(keys, order);
        var running = new long[n * day.Currencies.Length];
        var peak = new long[running.Length];
        var touched = new List<int>();
        for (int k = 0; k < order.Length;)
        {
            int j = k;
            touched.Clear();
            while (j < order.Length && keys[j] == keys[k])
            {
                int i = order[j];
                int from = day.Currency[i] * n + day.Payer[i], to = day.Currency[i] * n + day.Payee[i];
                running[from] += day.AmountMinor[i];
                running[to] -= day.AmountMinor[i];
                touched.Add(from);
                j++;
            }
            foreach (int a in touched) if (running[a] > peak[a]) peak[a] = running[a];
            k = j;
        }
        long total = 0;
        for (int c = 0; c < day.Currencies.Length; c++)
        {
            long sum = 0;
            for (int p = 0; p < n; p++) sum += peak[c * n + p];
            total += day.ToBase(sum, c);
        }
        return total;
    }

    /// <summary>Concatenates encoded commands into one batch body.</summary>
    private sealed class BatchBody
    {
        private readonly List<byte[]> _parts = [];

        public void Add(byte[] command) => _parts.Add(command);

        public void AddChunked<T>(T[] items) where T : struct, ISettlementCommand<T>
        {
            for (int at = 0; at < items.Length; at += MaxItemsPerCommand)
                _parts.Add(SettlementCodec.EncodeCommand<T>(items.AsSpan(at, Math.Min(MaxItemsPerCommand, items.Length - at))));
        }

        public byte[] ToArray()
        {
            int total = 0;
            foreach (byte[] p in _parts) total += p.Length;
            var body = new byte[total];
            int at = 0;
            foreach (byte[] p in _parts) { p.CopyTo(body, at); at += p.Length; }
            return body;
        }
    }
}
