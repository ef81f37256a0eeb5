using System.Diagnostics;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Ledger;

namespace Corridor.Workloads;

/// <summary>What one PvP benchmark run measured.</summary>
public readonly record struct PvpBenchmarkResult(
    int Payments, int Settled, int Batches, double ElapsedSeconds, double PaymentsPerSecond, double ApplySeconds, string StateHash);

/// <summary>
/// Throughput of cross-currency payments on a real <see cref="Corridor.Core.Engine.Engine"/>: for each payment, a best-quote
/// query, a LockQuote and a PayAgainstLock (with full parties and trade references), encoded into journaled-style
/// batches and applied with <see cref="Corridor.Core.Engine.Engine.Apply"/> exactly as the node's engine thread does — without
/// the journal (no fsync). Timed: query + encode + apply, after setup. Not domain code: it reads a stopwatch.
/// Exposed by the CLI as <c>corridor bench pvp --json</c> (<c>payments_per_second</c>).
/// </summary>
public static class PvpBenchmark
{
    /// <summary>Payments per batch: one batch of locks, then one batch of payments against them.</summary>
    public const int PaymentsPerBatch = 512;

    private const int Payers = 64, Payees = 64, Providers = 8;
    private const uint Usd = 840, Kes = 404;
    private const ulong StartNs = 1_800_000_000_000_000_000;

    /// <summary>Runs <paramref name="payments"/> PvP payments; returns settled payments per second.</summary>
    public static double Run(int payments, int seed) => Measure(payments, seed).PaymentsPerSecond;

    public static PvpBenchmarkResult Measure(int payments, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(payments, 1);
        var random = new Random(seed);
        var engine = new Corridor.Core.Engine.Engine(accountCapacity: 1024, transferCapacity: 3 * payments + 1024);
        var replies = new List<CommandReply>();
        ulong now = StartNs;
        int batches = 0;
        long applyTicks = 0;

        void Apply(ReadOnlySpan<byte> body)
        {
            replies.Clear();
            long t0 = Stopwatch.GetTimestamp();
            engine.Apply(engine.Sequence + 1, now, body, replies);
            applyTicks += Stopwatch.GetTimestamp() - t0;
            now += 1_000_000; // 1 ms per batch, as a sequencer would stamp them
            batches++;
        }

        // Setup (not timed): accounts, funding, quotes.
        var accounts = new List<Account>();
        for (int i = 0; i < Payers; i++) accounts.Add(NewAccount(PayerAccount(i), Usd, PayerParticipant(i), AccountFlags.DebitsMustNotExceedCredits));
        for (int i = 0; i < Payees; i++) accounts.Add(NewAccount(PayeeAccount(i), Kes, 5000 + (ulong)i, AccountFlags.None));
        for (int i = 0; i < Providers; i++)
        {
            accounts.Add(NewAccount(ProviderUsd(i), Usd, ProviderParticipant(i), AccountFlags.None));
            accounts.Add(NewAccount(ProviderKes(i), Kes, ProviderParticipant(i), AccountFlags.DebitsMustNotExceedCredits));
        }
        accounts.Add(NewAccount(1, Usd, 0, AccountFlags.None));
        accounts.Add(NewAccount(2, Kes, 0, AccountFlags.None));
        Apply(CommandBatch.Encode<Account>(Operation.CreateAccounts, accounts.ToArray()));
        var funding = new List<Transfer>();
        ulong fundingId = 1;
        for (int i = 0; i < Payers; i++) funding.Add(Fund(fundingId++, 1, PayerAccount(i), Usd, 1_000_000_000_00));
        for (int i = 0; i < Providers; i++) funding.Add(Fund(fundingId++, 2, ProviderKes(i), Kes, 1_000_000_000_000_00));
        Apply(CommandBatch.Encode<Transfer>(Operation.CreateTransfers, funding.ToArray()));
        var quotes = new PublishQuote[Providers];
        for (int i = 0; i < Providers; i++)
            quotes[i] = new PublishQuote((UInt128)(900 + i), ProviderParticipant(i), "USD", "KES", new FxRate(12900 + 5 * i, 100),
                1, 100_000_000_00, StartNs, StartNs + ExchangeState.MaxQuoteValiditySeconds * 1_000_000_000 - 1, ProviderUsd(i), ProviderKes(i), 60);
        Apply(ExchangeCommands.Encode<PublishQuote>(Operation.PublishQuote, quotes));
        RequireAllOk(replies);

        // Pre-generate the payment requests (the rim would have parsed them from ISO 20022 before the engine).
        var requests = new (int Payer, int Payee, long Amount, AmountSide Side)[payments];
        for (int i = 0; i < payments; i++)
            requests[i] = (random.Next(Payers), random.Next(Payees), random.NextInt64(1_00, 50_000_00), random.Next(4) == 0 ? AmountSide.Destination : AmountSide.Source);
        var originator = new Party("Thames Tea Importers Ltd", "King William Street", "12", "EC4N 7AA", "London", "", "GB",
            "GB29NWBK60161331926819", PartyIdScheme.Bic, "NWBKGB2L");
        var beneficiary = new Party("Kericho Highlands Tea Estates Ltd", "Moi Highway", "", "20200", "Kericho", "", "KE",
            "0100123456789", PartyIdScheme.Bic, "KCBLKENX");

        var locks = new LockQuote[PaymentsPerBatch];
        var pays = new PayAgainstLock[PaymentsPerBatch];
        byte[] lockBuffer = new byte[ExchangeCommands.MaxCommandBytes<LockQuote>(PaymentsPerBatch)];
        byte[] payBuffer = new byte[CommandBatch.HeaderBytes + CommandBatch.MaxCommandPayloadBytes];
        int settled = 0;
        applyTicks = 0;
        var stopwatch = Stopwatch.StartNew();
        for (int start = 0; start < payments; start += PaymentsPerBatch)
        {
            int n = Math.Min(PaymentsPerBatch, payments - start);
            for (int k = 0; k < n; k++)
            {
                var (payer, payee, amount, side) = requests[start + k];
                if (!engine.Exchange.TryFindBestQuote("USD", "KES", amount, side, now, out QuoteMatch best))
                    throw new InvalidOperationException($"no quote for payment {start + k}");
                UInt128 id = (UInt128)(1_000_000 + start + k);
                locks[k] = new LockQuote(id, best.QuoteId, PayerParticipant(payer), PayerAccount(payer), PayeeAccount(payee), amount, side, 60);
                pays[k] = new PayAgainstLock(id, id, PayerParticipant(payer), originator, beneficiary,
                    new TradeReference($"INV-{start + k}", 20261101, "", $"LC-{(start + k) / 16}", "Tea, black, fermented", "090240", Incoterms.Cif, "Mombasa"));
            }
            Apply(lockBuffer.AsSpan(0, ExchangeCommands.Write<LockQuote>(lockBuffer, Operation.LockQuote, locks.AsSpan(0, n))));
            RequireAllOk(replies);
            Apply(payBuffer.AsSpan(0, ExchangeCommands.Write<PayAgainstLock>(payBuffer, Operation.PayAgainstLock, pays.AsSpan(0, n))));
            RequireAllOk(replies);
            settled += n;
        }
        stopwatch.Stop();
        double seconds = stopwatch.Elapsed.TotalSeconds;
        return new PvpBenchmarkResult(payments, settled, batches, seconds, settled / seconds, (double)applyTicks / Stopwatch.Frequency, engine.StateHashHex());
    }

    private static void RequireAllOk(List<CommandReply> replies)
    {
        foreach (CommandReply r in replies)
            if (!r.AllOk) throw new InvalidOperationException($"{r.Operation}: item {r.Errors[0].Index} failed with code {r.Errors[0].Code}");
    }

    private static Account NewAccount(UInt128 id, uint ledger, ulong participant, AccountFlags flags) =>
        new() { Id = id, Ledger = ledger, Code = 1, Participant = participant, Flags = flags };

    private static Transfer Fund(ulong id, UInt128 from, UInt128 to, uint ledger, long amount) =>
        new() { Id = id, DebitAccountId = from, CreditAccountId = to, Amount = amount, Ledger = ledger, Code = 1 };

    private static ulong PayerParticipant(int i) => 100 + (ulong)i;
    private static ulong ProviderParticipant(int i) => 9000 + (ulong)i;
    private static UInt128 PayerAccount(int i) => 10_000 + (ulong)i;
    private static UInt128 PayeeAccount(int i) => 20_000 + (ulong)i;
    private static UInt128 ProviderUsd(int i) => 30_000 + (ulong)i;
    private static UInt128 ProviderKes(int i) => 40_000 + (ulong)i;
}
