using CsCheck;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Ledger;
using static Corridor.Core.Tests.Exchange.ExchangeFixture;

namespace Corridor.Core.Tests.Exchange;

/// <summary>
/// Random scripts of quotes, locks, payments, releases, withdrawals, drains of either side's funds and jumps of
/// engine time (so quotes and locks expire, payers and providers run short, size limits bite). After every
/// script: no leg of any payment settled alone, value is conserved per currency, and replay and snapshot
/// restore reproduce the state hash.
/// </summary>
public class PvpProperties
{
    private readonly record struct Step(int Kind, int A, int B, int C, int D);

    private static readonly Gen<Step> GenStep =
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, 1000], Gen.Int[1, 3_000_00], Gen.Int[0, 5], Gen.Int[0, 3])
           .Select(t => new Step(t.Item1, t.Item2, t.Item3, t.Item4, t.Item5));

    private static readonly Gen<(int PayerUsd, int ProviderKes, Step[] Steps)> GenScript =
        Gen.Select(Gen.Int[0, 5_000_00], Gen.Int[0, 500_000_00], GenStep.Array[1, 40]);

    private static readonly FxRate[] Rates = [new(12935, 100), new(12950, 100), new(1, 1), new(129_351_234_567, 1_000_000_000)];

    [Fact]
    public void No_leg_settles_alone_value_is_conserved_and_replay_is_exact()
    {
        var seen = new int[Outcomes.Length];
        GenScript.Sample(script => Run(script.PayerUsd, script.ProviderKes, script.Steps, seen), iter: 200);
        // The scripts must actually reach every failure the property is about, not only the happy path.
        for (int i = 0; i < Outcomes.Length; i++) Assert.True(seen[i] > 0, $"no script produced {Outcomes[i]}");
    }

    private static readonly string[] Outcomes =
        ["settled", "payer short", "lock expired", "provider short", "below minimum", "above maximum", "quote expired", "lock released", "resubmitted"];

    private static void Tally(ExchangeFixture f, int[] seen)
    {
        foreach (PaymentRecord p in f.X.Payments)
        {
            if (p.Result == PayResult.Ok) Interlocked.Increment(ref seen[0]);
            if (p.Result == PayResult.PayerInsufficientFunds) Interlocked.Increment(ref seen[1]);
            if (p.Result == PayResult.LockExpired) Interlocked.Increment(ref seen[2]);
            if (p.Result == PayResult.LockReleased) Interlocked.Increment(ref seen[7]);
        }
        foreach (LockRecord l in f.X.Locks)
        {
            if (l.Result == LockResult.ProviderInsufficientLiquidity) Interlocked.Increment(ref seen[3]);
            if (l.Result == LockResult.BelowProviderMinimum) Interlocked.Increment(ref seen[4]);
            if (l.Result == LockResult.AboveProviderMaximum) Interlocked.Increment(ref seen[5]);
            if (l.Result == LockResult.QuoteExpired) Interlocked.Increment(ref seen[6]);
        }
    }

    private static void Run(int payerUsd, int providerKes, Step[] steps, int[] seen)
    {
        var f = new ExchangeFixture(payerUsd: payerUsd, providerKes: providerKes, provider2Kes: providerKes / 3);
        f.CreateAccounts(NewAccount(9840, Usd, 0, AccountFlags.None), NewAccount(9404, Kes, 0, AccountFlags.None)); // drains
        var quotes = new List<UInt128>();
        var locks = new List<UInt128>();
        long drainedUsd = 0, drainedKes = 0;
        foreach (Step s in steps)
        {
            switch (s.Kind)
            {
                case 0 or 1: // publish
                    UInt128 qid = f.NextId();
                    f.Publish(f.Quote(qid, s.D % 2 == 0 ? Provider : Provider2, Rates[s.D], min: 1 + s.A, max: 1 + s.A + s.B, validSeconds: 1 + (ulong)s.C));
                    quotes.Add(qid);
                    break;
                case 2 or 3 when quotes.Count > 0: // lock, then sometimes pay in the same batch
                    UInt128 lid = f.NextId();
                    var request = f.LockRequest(lid, quotes[s.A % quotes.Count], s.B, (AmountSide)(s.D % 2), (uint)(1 + s.C));
                    if (s.Kind == 3)
                    {
                        byte[] body = [.. ExchangeCommands.Encode(Operation.LockQuote, request), .. ExchangeCommands.Encode(Operation.PayAgainstLock, Payment(f.NextId(), lid))];
                        f.Apply(body);
                    }
                    else f.Lock(request);
                    locks.Add(lid);
                    break;
                case 4 or 5 when locks.Count > 0: // pay (possibly a resubmission of an id used before)
                    if (s.D == 0 && f.X.PaymentCount > 0)
                    {
                        PayAgainstLock again = f.X.Payments[s.A % f.X.PaymentCount].Request;
                        PayResult original = f.X.Payments[s.A % f.X.PaymentCount].Result;
                        Assert.Equal(original, f.Pay(again)); // idempotent: the original result, nothing moves
                        Interlocked.Increment(ref seen[8]);
                    }
                    else f.Pay(Payment(f.NextId(), locks[s.A % locks.Count]));
                    break;
                case 6 when locks.Count > 0:
                    f.Release(locks[s.A % locks.Count]);
                    break;
                case 7: // drain either side so that legs fail for lack of funds
                    bool usd = s.D % 2 == 0;
                    var t = new Transfer { Id = f.NextId(), DebitAccountId = usd ? 11u : 32u, CreditAccountId = usd ? 9840u : 9404u, Amount = s.B * (usd ? 1 : 100), Ledger = usd ? Usd : Kes, Code = 1 };
                    if (f.Transfer(t) == CreateTransferResult.Ok) { if (usd) drainedUsd += t.Amount; else drainedKes += t.Amount; }
                    break;
                case 8 when quotes.Count > 0:
                    f.Run<WithdrawQuote, QuoteResult>(Operation.WithdrawQuote, new WithdrawQuote(quotes[s.A % quotes.Count], s.D % 2 == 0 ? Provider : Provider2));
                    break;
                default: // time passes
                    f.Now += (ulong)s.C * Second + (ulong)s.A * 1_000_000;
                    break;
            }
        }
        f.Apply([]); // one more batch: expiries due by now apply
        AssertPvp(f, drainedUsd, drainedKes);
        Tally(f, seen);
        f.AssertConservation();
        Assert.Equal(f.Engine.StateHashHex(), f.ReplayHash());
        var snapshot = new MemoryStream();
        f.Engine.WriteSnapshot(snapshot);
        snapshot.Position = 0;
        Assert.Equal(f.Engine.StateHashHex(), Engine.Engine.ReadSnapshot(snapshot).StateHashHex());
    }

    private static void AssertPvp(ExchangeFixture f, long drainedUsd, long drainedKes)
    {
        long settledSource = 0, settledDestination = 0;
        var settledLocks = new HashSet<UInt128>();
        foreach (PaymentRecord p in f.X.Payments)
        {
            bool sourceLeg = f.L.TryGetTransfer(p.SourceLegTransferId, out _, out _) && p.SourceLegTransferId != 0;
            bool destinationLeg = f.L.TryGetTransfer(p.DestinationLegTransferId, out _, out _) && p.DestinationLegTransferId != 0;
            Assert.True(sourceLeg == destinationLeg, $"payment {p.Request.PaymentId}: source leg {sourceLeg}, destination leg {destinationLeg}");
            Assert.Equal(p.Status, f.X.StatusAt(p.Position)); // the status read without a record, as the read model's projector reads it
            Assert.Equal(p.Status == PaymentStatus.Settled, sourceLeg);
            Assert.Equal(p.Result == PayResult.Ok, p.Status == PaymentStatus.Settled);
            if (p.Status != PaymentStatus.Settled) continue;
            Assert.True(settledLocks.Add(p.Request.LockId), $"lock {p.Request.LockId} paid twice");
            settledSource += p.SourceMinor;
            settledDestination += p.DestinationMinor;
        }
        foreach (LockRecord l in f.X.Locks)
        {
            if (l.Status == LockStatus.Failed) { Assert.False(f.L.TryGetTransfer(l.ReservationTransferId, out _, out _) && l.ReservationTransferId != 0 && l.LedgerResult == CreateTransferResult.Ok); continue; }
            Assert.True(f.L.TryGetTransfer(l.ReservationTransferId, out _, out PendingStatus reservation));
            PendingStatus[] allowed = l.Status switch
            {
                LockStatus.Locked => [PendingStatus.Pending],
                LockStatus.Settled => [PendingStatus.Posted],
                LockStatus.Released => [PendingStatus.Voided],
                LockStatus.Expired => [PendingStatus.Expired],
                _ => [],
            };
            Assert.Contains(reservation, allowed);
            Assert.Equal(l.Status == LockStatus.Settled, settledLocks.Contains(l.Request.LockId));
        }
        // Each currency's movements add up: what payers paid is what providers received, and so on.
        Assert.Equal(drainedUsd + settledSource, f.Get(11).DebitsPosted);
        Assert.Equal(settledSource, f.Get(31).CreditsPosted + f.Get(41).CreditsPosted);
        Assert.Equal(settledDestination, f.Get(22).CreditsPosted);
        Assert.Equal(drainedKes + settledDestination - f.Get(42).DebitsPosted, f.Get(32).DebitsPosted);
        Assert.Equal(0, f.Get(22).CreditsPending - f.X.Locks.Where(l => l.Status == LockStatus.Locked).Sum(l => l.DestinationMinor));
    }
}
