using CoreEngine = Corridor.Core.Engine.Engine;
using Corridor.Core.Engine;
using Corridor.Core.Ledger;
using Corridor.Core.Settlement;
using CsCheck;
using static Corridor.Core.Tests.Settlement.SettlementHarness;

namespace Corridor.Core.Tests.Settlement;

public class SettlementPropertyTests
{
    internal static readonly ulong[] Participants = [A, B, C, D];
    internal const uint Usd = 2;
    private static readonly uint[] Ledgers = [Eur, Usd];

    /// <summary>One random step: kind selects the command, the other numbers its arguments.</summary>
    internal readonly record struct Step(int Kind, int X, int Y, int Amount, int Priority);

    internal static readonly Gen<Step> StepGen =
        Gen.Select(Gen.Int[0, 31], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[1, 400], Gen.Int[0, 2], (k, x, y, a, p) => new Step(k, x, y, a, p));

    private static readonly Gen<Step[]> DayGen = StepGen.Array[1, 60];

    internal static byte[] Command(Step s, ref int nextPayment, ref ulong nextWindow, ref bool windowOpen, ref uint date, ref DayPhase phase, ulong now)
    {
        ulong x = Participants[s.X], y = Participants[(s.X + 1 + s.Y % 3) % 4]; // payee ≠ payer
        var priority = (PaymentPriority)s.Priority;
        uint ledger = (s.Amount & 8) == 0 ? Eur : Usd;
        switch (s.Kind)
        {
            case <= 13:
                return Cmd(Payment((UInt128)(++nextPayment), x, y, s.Amount, priority, s.Amount % 3 == 0 ? PaymentKind.Customer : PaymentKind.Interbank,
                    latest: s.Amount % 7 == 0 ? now + 20 * StepNs : 0) with { Ledger = ledger });
            case <= 15:
                return Cmd(Payment((UInt128)(++nextPayment), x, y, s.Amount, priority, PaymentKind.Interbank, earliest: now + (ulong)s.Amount * StepNs / 10) with { Ledger = ledger });
            case <= 18:
                return Cmd(Payment((UInt128)(++nextPayment), x, y, s.Amount, priority, PaymentKind.Customer, window: windowOpen ? nextWindow : 0));
            case <= 22:
                return Cmd(new MoveLiquidity((UInt128)(1_000_000 + nextPayment * 10 + s.X), x, ledger, s.Amount, LiquidityDirection.Inject));
            case 23:
                return Cmd(new MoveLiquidity((UInt128)(2_000_000 + nextPayment * 10 + s.X), x, ledger, s.Amount / 4 + 1, LiquidityDirection.Withdraw));
            case <= 25:
                return Cmd(new RunLsm(0));
            case <= 27:
            {
                var action = (QueueAction)(1 + s.Amount % 5);
                return Cmd(new ManageQueuedPayment(s.Amount % 3 == 0 ? Operator : x, (UInt128)(1 + s.Amount % Math.Max(1, nextPayment)), action, priority, (UInt128)(1 + s.Y)));
            }
            case 28:
                if (windowOpen) { windowOpen = false; return Cmd(new CloseNettingWindow(nextWindow)); }
                windowOpen = true;
                return Cmd(new OpenNettingWindow(++nextWindow, Eur, "w"));
            case 29:
                return s.Y % 2 == 0 ? Cmd(new SetReservation(x, ledger, s.Amount / 3, s.Amount / 5)) : Cmd(new SetSendingLimit(x, ledger, s.Y == 3 ? 0 : y, s.Amount));
            case 30:
                return Cmd(new SetCreditLine((UInt128)(3_000_000 + nextPayment * 10 + s.X), x, ledger, s.Amount % 3 == 0 ? 0 : s.Amount));
            default:
                if (s.Amount % 4 == 0)
                {
                    if (phase == DayPhase.EndOfDay) { phase = DayPhase.Open; windowOpen = false; return Cmd(new OpenBusinessDay(++date)); }
                    phase = (DayPhase)((int)phase + 1);
                    if (phase == DayPhase.InterbankCutoff) windowOpen = false;
                    return Cmd(new ChangeDayPhase(phase));
                }
                if (s.Amount % 4 == 1) return Cmd(new ChangeParticipantStatus(x, s.Y % 2 == 0 ? ParticipantStatus.Suspended : ParticipantStatus.Active));
                return Cmd(new RunLsm(ledger));
        }
    }

    private static SettlementHarness RunDay(Step[] steps, bool checkEachBatch)
    {
        SettlementHarness h = Standard(SettlementOptions.All);
        var usd = new List<byte[]> { Cmd(new RegisterLedger(Usd, CentralBank, 3, 4, "USD")) };
        foreach (ulong p in Participants) usd.Add(Cmd(new OpenSettlementAccount(p, Usd, 200 + p)));
        foreach (CommandReply r in h.Batch(usd.ToArray())) Assert.True(r.AllOk);
        int nextPayment = 0;
        ulong nextWindow = 0;
        bool windowOpen = false;
        uint date = 20260102;
        DayPhase phase = DayPhase.Open;
        for (int i = 0; i < steps.Length; i += 2)
        {
            var commands = new List<byte[]>();
            for (int k = i; k < Math.Min(i + 2, steps.Length); k++)
                commands.Add(Command(steps[k], ref nextPayment, ref nextWindow, ref windowOpen, ref date, ref phase, h.Time));
            h.BatchAt(h.Time + (ulong)(steps[i].Amount % 5 + 1) * StepNs, commands.ToArray());
            if (checkEachBatch) AssertSettlementInvariants(h);
        }
        return h;
    }

    /// <summary>
    /// Conservation (Σ debits = Σ credits per ledger; participant balances plus the central bank's sum to zero),
    /// no settlement account below its floor, clearing account back at zero, queue bookkeeping consistent.
    /// </summary>
    private static void AssertSettlementInvariants(SettlementHarness h)
    {
        AssertLedgerInvariants(h.Engine.Ledger);
        var total = new Dictionary<uint, long>();
        foreach (Account a in h.Engine.Ledger.Accounts()) total[a.Ledger] = total.GetValueOrDefault(a.Ledger) + a.BalancePosted;
        foreach (long perLedger in total.Values) Assert.Equal(0, perLedger);
        int queued = 0;
        foreach (uint ledger in Ledgers)
        foreach (ulong p in Participants)
        {
            IReadOnlyList<PaymentInfo> queue = h.Engine.Settlement.GetQueue(p, ledger);
            long queuedMinor = 0;
            for (int i = 0; i < queue.Count; i++)
            {
                Assert.Equal(PaymentStatus.Queued, queue[i].Status);
                Assert.Equal(p, queue[i].Payer);
                if (i > 0) Assert.True(queue[i - 1].Priority <= queue[i].Priority, "queue not in priority order");
                queuedMinor += queue[i].AmountMinor;
            }
            Assert.Equal(queuedMinor, h.Engine.Settlement.GetSettlementAccount(p, ledger)!.QueuedMinor);
            queued += queue.Count;
        }
        Assert.Equal(queued, h.Engine.Settlement.QueuedCount);

        // The day's status (counted incrementally: a final status once, the others again at each count) equals a recount.
        DayStatus day = h.Engine.Settlement.GetDayStatus();
        if (day.BusinessDate == 0) return;
        var ofDay = Enumerable.Range(0, h.Engine.Settlement.PaymentCount).Select(h.Engine.Settlement.GetPaymentAt)
            .Where(p => p.BusinessDate == day.BusinessDate && !p.IsPvpLeg).ToList();
        int Count(PaymentStatus status) => ofDay.Count(p => p.Status == status);
        Assert.Equal((ofDay.Count, Count(PaymentStatus.Settled), Count(PaymentStatus.Queued), Count(PaymentStatus.Scheduled), Count(PaymentStatus.Rejected),
                Count(PaymentStatus.Revoked), Count(PaymentStatus.InWindow), Count(PaymentStatus.Held)),
            (day.Submitted, day.Settled, day.Queued, day.Scheduled, day.Rejected, day.Revoked, day.InWindow, day.Held));
    }

    [Fact]
    public void Money_is_conserved_and_no_account_crosses_its_floor_across_rtgs_lsm_and_netting() =>
        DayGen.Sample(steps => { RunDay(steps, checkEachBatch: true); }, iter: 60, threads: 1);

    [Fact]
    public void Replay_and_snapshot_reproduce_the_state_hash() =>
        DayGen.Sample(steps =>
        {
            SettlementHarness h = RunDay(steps, checkEachBatch: false);
            string hash = h.Engine.StateHashHex();
            Assert.Equal(hash, h.ReplayHash());
            using var stream = new MemoryStream();
            h.Engine.WriteSnapshot(stream);
            stream.Position = 0;
            Assert.Equal(hash, CoreEngine.ReadSnapshot(stream).StateHashHex());
        }, iter: 30, threads: 1);

    [Fact]
    public void Lsm_settles_every_queued_set_whose_net_positions_are_covered() =>
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[1, 500]).Array[1, 30].Sample(payments =>
        {
            // Fund each participant with exactly its multilateral net debit: the whole set must settle by LSM.
            SettlementHarness h = Standard(SettlementOptions.None);
            var net = new long[4];
            int n = 0;
            foreach ((int x, int y, int amount) in payments)
            {
                if (x == y) continue;
                net[x] -= amount;
                net[y] += amount;
                n++;
                h.Pay((UInt128)n, Participants[x], Participants[y], amount, PaymentPriority.High);
            }
            // Liquidity arrives after queueing (pure RTGS may settle some on arrival; the rest must go by LSM).
            for (int p = 0; p < 4; p++) if (net[p] < 0) h.Fund(Participants[p], -net[p]);
            h.One(new RunLsm(Eur));
            Assert.Equal(0, h.Engine.Settlement.QueuedCount);
            for (int p = 0; p < 4; p++) Assert.Equal(Math.Max(0, net[p]), h.Balance(Participants[p]));
            AssertLedgerInvariants(h.Engine.Ledger);
        }, iter: 100, threads: 1);

    [Fact]
    public void Netting_positions_sum_to_zero_and_match_a_naive_sum() =>
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, 9], Gen.Long[0, 1_000_000_000_000]).Array[0, 200].Sample(payments =>
        {
            var payer = new int[payments.Length];
            var payee = new int[payments.Length];
            var amount = new long[payments.Length];
            var naive = new Int128[10];
            for (int i = 0; i < payments.Length; i++)
            {
                (payer[i], payee[i], amount[i]) = payments[i];
                naive[payer[i]] -= amount[i];
                naive[payee[i]] += amount[i];
            }
            long[] net = Netting.ComputeNetPositions(payer, payee, amount, 10);
            Int128 sum = 0;
            for (int p = 0; p < 10; p++) { Assert.Equal(naive[p], (Int128)net[p]); sum += net[p]; }
            Assert.Equal((Int128)0, sum);
        }, iter: 200, threads: 1);
}
