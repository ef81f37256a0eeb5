using System.Diagnostics;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Ledger;
using Corridor.Core.Settlement;

namespace Corridor.Workloads;

/// <summary>What one PvP benchmark run measured.</summary>
public readonly record struct PvpBenchmarkResult(
    int Payments, int Settled, int Batches, double ElapsedSeconds, double PaymentsPerSecond, double ApplySeconds, string StateHash,
    long AllocatedBytesPerPayment, long RetainedBytesPerPayment, double CpuMicrosecondsPerPayment, double SnapshotCaptureMilliseconds,
    double SnapshotWriteMilliseconds, long SnapshotBytes, GcDuring Gc, int WarmupPayments = 0, double MaxApplyMilliseconds = 0,
    double MeanApplyMilliseconds = 0, double AfterCaptureApplyMilliseconds = 0)
{
    /// <summary>
    /// The engine's own pace: timed payments over the time spent inside <see cref="Corridor.Core.Engine.Engine.Apply"/> alone,
    /// without the rim's share (best-quote queries, building and encoding the commands), which a node does on other threads.
    /// </summary>
    public double EnginePaymentsPerSecond => ApplySeconds > 0 ? Settled / ApplySeconds : 0;

    // MeanApplyMilliseconds: the mean time of one timed command (a batch of locks or of payments, up to 512). AfterCaptureApplyMilliseconds:
    // the mean of the commands of the batch applied right after the snapshot's capture, while its image is held (not timed, not counted):
    // what the copies of the chunks the image still reads add to a command.
}

/// <summary>The garbage collector's work during a timed run: collections of each generation and the time the process was paused for them.</summary>
public readonly record struct GcDuring(int Gen0, int Gen1, int Gen2, double PauseMilliseconds)
{
    /// <summary>The collector's counters now; <see cref="Since"/> turns two of them into what happened between.</summary>
    public static GcDuring Now() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration().TotalMilliseconds);

    public GcDuring Since(GcDuring before) => new(Gen0 - before.Gen0, Gen1 - before.Gen1, Gen2 - before.Gen2, PauseMilliseconds - before.PauseMilliseconds);
}

/// <summary>How the benchmark's payments reach the engine: the two commands of the JSON FX API, or the one of a cross-currency pacs.008.</summary>
public enum PvpInstruction
{
    /// <summary>The rim queries the best quote, then a LockQuote and a PayAgainstLock (<c>POST /v1/fx/locks</c>, then <c>/v1/fx/payments</c>).</summary>
    LockAndPay,

    /// <summary>One PayAtBestQuote: the engine finds the best quote, locks and pays in one step (<c>POST /v1/iso20022</c>, a cross-currency pacs.008).</summary>
    PayAtBestQuote,
}

/// <summary>
/// Throughput of cross-currency payments on a real <see cref="Corridor.Core.Engine.Engine"/> under the rules a server runs
/// (settlement accounts, the operating day, each payer leg through RTGS): for each payment, a best-quote query, a LockQuote
/// and a PayAgainstLock (with full parties and trade references, screened) — or, with <see cref="PvpInstruction.PayAtBestQuote"/>,
/// one PayAtBestQuote carrying the same parties and trade reference — encoded into journaled-style
/// batches and applied with <see cref="Corridor.Core.Engine.Engine.Apply"/> exactly as the node's engine thread does — without
/// the journal (no fsync). Timed: query + encode + apply, after setup. Not domain code: it reads a stopwatch.
/// Exposed by the CLI as <c>corridor bench pvp --json</c> (<c>payments_per_second</c>).
/// </summary>
public static class PvpBenchmark
{
    /// <summary>Payments per batch: one batch of locks, then one batch of payments against them.</summary>
    public const int PaymentsPerBatch = 512;

    private const int Payers = 64, Payees = 64, Providers = 8;
    private const long MaxAmountMinor = 50_000_00;
    private const uint Usd = 840, Kes = 404;
    private const ulong StartNs = 1_800_000_000_000_000_000;

    /// <summary>Runs <paramref name="payments"/> PvP payments; returns settled payments per second.</summary>
    public static double Run(int payments, int seed) => Measure(payments, seed).PaymentsPerSecond;

    /// <summary>
    /// Measures <paramref name="payments"/> payments, after <paramref name="warmup"/> payments settled first on the same engine and
    /// not timed (the JIT reaches its final code, the state already holds them): the pace of a node that has been running.
    /// </summary>
    public static PvpBenchmarkResult Measure(int payments, int seed, int warmup = 0, PvpInstruction instruction = PvpInstruction.LockAndPay) =>
        Measure(payments, seed, out _, warmup, instruction);

    /// <summary>The engine after <paramref name="payments"/> such payments (a state full of payment records, for tests of snapshots).</summary>
    public static Corridor.Core.Engine.Engine SettledEngine(int payments, int seed, PvpInstruction instruction = PvpInstruction.LockAndPay)
    {
        Measure(payments, seed, out Corridor.Core.Engine.Engine engine, instruction: instruction, afterCapture: false);
        return engine;
    }

    /// <summary>The ledger accounts the benchmark's payments move money between: payers' USD, payees' KES, the FX providers' USD and KES.</summary>
    public static IEnumerable<UInt128> AccountIds() =>
        Enumerable.Range(0, Payers).Select(PayerAccount).Concat(Enumerable.Range(0, Payees).Select(PayeeAccount))
            .Concat(Enumerable.Range(0, Providers).SelectMany(i => new[] { ProviderUsd(i), ProviderKes(i) }));

    private static PvpBenchmarkResult Measure(int payments, int seed, out Corridor.Core.Engine.Engine engine, int warmup = 0,
        PvpInstruction instruction = PvpInstruction.LockAndPay, bool afterCapture = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(payments, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        var random = new Random(seed);
        int total = warmup + payments;
        var core = new Corridor.Core.Engine.Engine(accountCapacity: 1024, transferCapacity: 3 * total + 1024);
        engine = core;
        var replies = new List<CommandReply>();
        ulong now = StartNs;
        int batches = 0;
        long applyTicks = 0, maxApplyTicks = 0; // the slowest command of the timed part: the longest the engine thread was busy at once

        void Apply(ReadOnlySpan<byte> body)
        {
            replies.Clear();
            long t0 = Stopwatch.GetTimestamp();
            core.Apply(core.Sequence + 1, now, body, replies);
            long took = Stopwatch.GetTimestamp() - t0;
            applyTicks += took;
            maxApplyTicks = Math.Max(maxApplyTicks, took);
            now += 1_000_000; // 1 ms per batch, as a sequencer would stamp them
            batches++;
        }

        // Setup (not timed), as a server runs it: the current rules (the operating day, PvP payer legs through RTGS), central
        // bank, USD and KES settlement ledgers, participants with settlement accounts, liquidity injected, the day open.
        var setup = new List<byte[]>
        {
            SettlementCodec.EncodeCommand(new SetSettlementOptions(SettlementOptions.Current)),
            SettlementCodec.EncodeCommand(new RegisterParticipant(CentralBank, ParticipantRole.CentralBank, "Central Bank")),
            SettlementCodec.EncodeCommand(new RegisterLedger(Usd, CentralBank, 1, 2, "USD")),
            SettlementCodec.EncodeCommand(new RegisterLedger(Kes, CentralBank, 3, 4, "KES")),
        };
        var participants = new List<RegisterParticipant>();
        var settlementAccounts = new List<OpenSettlementAccount>();
        for (int i = 0; i < Payers; i++)
        {
            participants.Add(new RegisterParticipant(PayerParticipant(i), ParticipantRole.DirectParticipant, "Payer " + i));
            settlementAccounts.Add(new OpenSettlementAccount(PayerParticipant(i), Usd, PayerAccount(i)));
        }
        for (int i = 0; i < Payees; i++)
        {
            participants.Add(new RegisterParticipant(PayeeParticipant(i), ParticipantRole.DirectParticipant, "Payee " + i));
            settlementAccounts.Add(new OpenSettlementAccount(PayeeParticipant(i), Kes, PayeeAccount(i)));
        }
        for (int i = 0; i < Providers; i++)
        {
            participants.Add(new RegisterParticipant(ProviderParticipant(i), ParticipantRole.DirectParticipant, "FX provider " + i));
            settlementAccounts.Add(new OpenSettlementAccount(ProviderParticipant(i), Usd, ProviderUsd(i)));
            settlementAccounts.Add(new OpenSettlementAccount(ProviderParticipant(i), Kes, ProviderKes(i)));
        }
        setup.Add(SettlementCodec.EncodeCommand<RegisterParticipant>([.. participants]));
        setup.Add(SettlementCodec.EncodeCommand<OpenSettlementAccount>([.. settlementAccounts]));
        setup.Add(SettlementCodec.EncodeCommand(new OpenBusinessDay(20261205)));
        var funding = new List<MoveLiquidity>();
        ulong fundingId = 1;
        // Enough for any run: the best quote takes every payment it can cover, so one provider may pay them all (up to 50,000.00 USD at < 130 KES each).
        long payerUsd = Math.Max(1_000_000_000_00, total * MaxAmountMinor / Payers * 4), providerKes = Math.Max(1_000_000_000_000_00, total * MaxAmountMinor * 130);
        for (int i = 0; i < Payers; i++) funding.Add(new MoveLiquidity(fundingId++, PayerParticipant(i), Usd, payerUsd, LiquidityDirection.Inject));
        for (int i = 0; i < Providers; i++) funding.Add(new MoveLiquidity(fundingId++, ProviderParticipant(i), Kes, providerKes, LiquidityDirection.Inject));
        setup.Add(SettlementCodec.EncodeCommand<MoveLiquidity>([.. funding]));
        Apply([.. setup.SelectMany(c => c)]);
        RequireAllOk(replies);
        var quotes = new PublishQuote[Providers];
        for (int i = 0; i < Providers; i++)
            quotes[i] = new PublishQuote((UInt128)(900 + i), ProviderParticipant(i), "USD", "KES", new FxRate(12900 + 5 * i, 100),
                1, 100_000_000_00, StartNs, StartNs + ExchangeState.MaxQuoteValiditySeconds * 1_000_000_000 - 1, ProviderUsd(i), ProviderKes(i), 60);
        Apply(ExchangeCommands.Encode<PublishQuote>(Operation.PublishQuote, quotes));
        RequireAllOk(replies);

        // Pre-generate the payment requests (the rim would have parsed them from ISO 20022 before the engine).
        // One batch more than the run: the payments applied after the snapshot's capture (see below), not counted.
        var requests = new (int Payer, int Payee, long Amount, AmountSide Side)[total + PaymentsPerBatch];
        for (int i = 0; i < requests.Length; i++)
            requests[i] = (random.Next(Payers), random.Next(Payees), random.NextInt64(1_00, MaxAmountMinor), random.Next(4) == 0 ? AmountSide.Destination : AmountSide.Source);
        // Each payer bank's customer and each payee bank's customer is its own company (64 + 64 names, all screened).
        var originators = new Party[Payers];
        for (int i = 0; i < Payers; i++)
            originators[i] = new Party($"{UkPlaces[i % 8]} {UkTrades[i / 8 % 8]} Ltd", "King William Street", (12 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
                "EC4N 7AA", "London", "", "GB", "GB29NWBK60161331926819", PartyIdScheme.Bic, "NWBKGB2L");
        var beneficiaries = new Party[Payees];
        for (int i = 0; i < Payees; i++)
            beneficiaries[i] = new Party($"{KePlaces[i % 8]} {KeTrades[i / 8 % 8]} Ltd", "Moi Highway", "", "20200", "Kericho", "", "KE",
                "0100123456789", PartyIdScheme.Bic, "KCBLKENX");

        var locks = new LockQuote[PaymentsPerBatch];
        var pays = new PayAgainstLock[PaymentsPerBatch];
        byte[] lockBuffer = new byte[ExchangeCommands.MaxCommandBytes<LockQuote>(PaymentsPerBatch)];
        byte[] payBuffer = new byte[CommandBatch.HeaderBytes + CommandBatch.MaxCommandPayloadBytes];
        var atBest = instruction == PvpInstruction.PayAtBestQuote ? new PayAtBestQuote[PaymentsPerBatch] : [];
        // What the payer bank's pacs.008 states as the rate (XchgRate) and the slippage it accepts: the quotes are 129.00–129.35 KES per USD.
        const long ExpectedRateE10 = 129_0000000000;
        const uint RateTolerancePpm = 5_000;
        int Settle(int first, int count)
        {
            for (int start = first; start < first + count; start += PaymentsPerBatch)
            {
                int n = Math.Min(PaymentsPerBatch, first + count - start);
                if (instruction == PvpInstruction.PayAtBestQuote)
                {
                    for (int k = 0; k < n; k++)
                    {
                        var (payer, payee, amount, side) = requests[start + k];
                        atBest[k] = new PayAtBestQuote((UInt128)(1_000_000 + start + k), PayerParticipant(payer), PayerAccount(payer), PayeeAccount(payee),
                            "USD", "KES", amount, side, ExpectedRateE10, RateTolerancePpm, originators[payer], beneficiaries[payee], TradeOf(start + k));
                    }
                    Apply(payBuffer.AsSpan(0, ExchangeCommands.Write<PayAtBestQuote>(payBuffer, Operation.PayAtBestQuote, atBest.AsSpan(0, n))));
                    RequireAllOk(replies);
                    continue;
                }
                for (int k = 0; k < n; k++)
                {
                    var (payer, payee, amount, side) = requests[start + k];
                    if (!core.Exchange.TryFindBestQuote("USD", "KES", amount, side, now, out QuoteMatch best))
                        throw new InvalidOperationException($"no quote for payment {start + k}");
                    UInt128 id = (UInt128)(1_000_000 + start + k);
                    locks[k] = new LockQuote(id, best.QuoteId, PayerParticipant(payer), PayerAccount(payer), PayeeAccount(payee), amount, side, 60);
                    pays[k] = new PayAgainstLock(id, id, PayerParticipant(payer), originators[payer], beneficiaries[payee], TradeOf(start + k));
                }
                Apply(lockBuffer.AsSpan(0, ExchangeCommands.Write<LockQuote>(lockBuffer, Operation.LockQuote, locks.AsSpan(0, n))));
                RequireAllOk(replies);
                Apply(payBuffer.AsSpan(0, ExchangeCommands.Write<PayAgainstLock>(payBuffer, Operation.PayAgainstLock, pays.AsSpan(0, n))));
                RequireAllOk(replies);
            }
            return count; // every payment settled, or RequireAllOk threw
        }
        static TradeReference TradeOf(int i) =>
            new($"INV-{i}", 20261101, "", $"LC-{i / 16}", "Tea, black, fermented", "090240", Incoterms.Cif, "Mombasa");
        Settle(0, warmup); // not timed
        applyTicks = 0;
        maxApplyTicks = 0;
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        GcDuring gcBefore = GcDuring.Now();
        int commandsBefore = batches;
        var stopwatch = Stopwatch.StartNew();
        int settled = Settle(warmup, payments);
        stopwatch.Stop();
        GcDuring gc = GcDuring.Now().Since(gcBefore);
        double cpuMicroseconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds; // the GC's threads included
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        long retained = GC.GetTotalMemory(forceFullCollection: true) - heapBefore; // the state the payments left on the GC heap
        double seconds = stopwatch.Elapsed.TotalSeconds;
        double applySeconds = (double)applyTicks / Stopwatch.Frequency, maxApplyMs = maxApplyTicks * 1000.0 / Stopwatch.Frequency;
        int allCommands = batches, timedCommands = batches - commandsBefore;
        // The engine's pause when a running node snapshots this state (the node captures on the engine thread, then writes beside it).
        long captureStart = Stopwatch.GetTimestamp();
        Corridor.Core.Engine.Engine.EngineSnapshot captured = core.CaptureSnapshot();
        double captureMs = Stopwatch.GetElapsedTime(captureStart).TotalMilliseconds;
        // A node goes on applying batches while the image is written: the next batch's first change to each chunk of locks,
        // payments and compliance records (the last ones, where payments still change) copies that chunk for the image.
        double afterCaptureMs = 0;
        if (afterCapture)
        {
            long before = applyTicks;
            Settle(total, PaymentsPerBatch);
            afterCaptureMs = (applyTicks - before) * 1000.0 / Stopwatch.Frequency / (batches - allCommands);
        }
        // What the snapshot's writer thread then does (serialising the records the capture froze, hashing, writing), here
        // with the engine idle and the bytes dropped: the disk is not measured.
        long writeStart = Stopwatch.GetTimestamp();
        captured.WriteTo(Stream.Null);
        double writeMs = Stopwatch.GetElapsedTime(writeStart).TotalMilliseconds;
        string stateHash = captured.ComputeStateHash().ToString("x32"); // the state the timed payments left, as the image holds it
        captured.Release();
        return new PvpBenchmarkResult(payments, settled, allCommands, seconds, settled / seconds, applySeconds, stateHash,
            allocated / payments, retained / payments, cpuMicroseconds / payments, captureMs, writeMs, captured.ContentBytes, gc, warmup,
            maxApplyMs, applySeconds * 1000 / timedCommands, afterCaptureMs);
    }

    private static void RequireAllOk(List<CommandReply> replies)
    {
        foreach (CommandReply r in replies)
            if (!r.AllOk) throw new InvalidOperationException($"{r.Operation}: item {r.Errors[0].Index} failed with code {r.Errors[0].Code}");
    }

    private static readonly string[] UkPlaces = ["Thames", "Mersey", "Severn", "Clyde", "Tyne", "Avon", "Trent", "Wear"];
    private static readonly string[] UkTrades = ["Tea Importers", "Coffee Traders", "Spice Merchants", "Textile Mills", "Machine Tools", "Grain Brokers", "Fruit Packers", "Timber Yards"];
    private static readonly string[] KePlaces = ["Kericho", "Nandi", "Meru", "Nyeri", "Embu", "Kisii", "Thika", "Limuru"];
    private static readonly string[] KeTrades = ["Highlands Tea Estates", "Coffee Growers", "Flower Farms", "Avocado Exporters", "Dairy Cooperative", "Sisal Works", "Cotton Ginners", "Macadamia Processors"];

    private const ulong CentralBank = 1;
    private static ulong PayerParticipant(int i) => 100 + (ulong)i;
    private static ulong PayeeParticipant(int i) => 5000 + (ulong)i;
    private static ulong ProviderParticipant(int i) => 9000 + (ulong)i;
    private static UInt128 PayerAccount(int i) => 10_000 + (ulong)i;
    private static UInt128 PayeeAccount(int i) => 20_000 + (ulong)i;
    private static UInt128 ProviderUsd(int i) => 30_000 + (ulong)i;
    private static UInt128 ProviderKes(int i) => 40_000 + (ulong)i;
}
