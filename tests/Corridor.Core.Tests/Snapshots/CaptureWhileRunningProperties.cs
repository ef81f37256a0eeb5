using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Settlement;
using Corridor.Core.Tests.Exchange;
using Corridor.Core.Tests.Holds;
using Corridor.Core.Tests.Settlement;
using CsCheck;
using CoreEngine = Corridor.Core.Engine.Engine;
using static Corridor.Core.Tests.Settlement.SettlementHarness;

namespace Corridor.Core.Tests.Snapshots;

/// <summary>
/// A capture leaves the records of its large lists (RTGS payments and PvP payer legs, PvP locks, payments and trades, their
/// references) to the snapshot's writer thread, which reads them from views frozen at capture while the engine goes on
/// changing them. Whatever the engine does after the capture — new payments, queued payments settling or being cancelled,
/// reprioritised, returned, held payments released or rejected, locks expiring, the day moving on — the image writes the
/// bytes <see cref="CoreEngine.WriteSnapshot"/> wrote at the capture, its state hash is the state hash then, and it restores
/// to that state. The image is written on another thread while the engine runs on, or after it ran on.
/// </summary>
public class CaptureWhileRunningProperties
{
    [Fact]
    public void A_settlement_day_run_on_after_a_capture_leaves_the_image_as_the_state_was_at_capture() =>
        Gen.Select(SettlementPropertyTests.StepGen.Array[2, 60], Gen.Int[0, 100], Gen.Bool).Sample((steps, cutPercent, writeMeanwhile) =>
        {
            SettlementHarness h = Standard(SettlementOptions.All);
            var usd = new List<byte[]> { Cmd(new RegisterLedger(SettlementPropertyTests.Usd, CentralBank, 3, 4, "USD")) };
            foreach (ulong p in SettlementPropertyTests.Participants) usd.Add(Cmd(new OpenSettlementAccount(p, SettlementPropertyTests.Usd, 200 + p)));
            foreach (CommandReply r in h.Batch(usd.ToArray())) Assert.True(r.AllOk);
            int nextPayment = 0, nextReturn = 0;
            ulong nextWindow = 0;
            bool windowOpen = false;
            uint date = 20260102;
            DayPhase phase = DayPhase.Open;
            void Run(int from, int to)
            {
                for (int i = from; i < to; i += 2)
                {
                    var commands = new List<byte[]>();
                    for (int k = i; k < Math.Min(i + 2, to); k++)
                    {
                        SettlementPropertyTests.Step s = steps[k];
                        commands.Add(SettlementPropertyTests.Command(s, ref nextPayment, ref nextWindow, ref windowOpen, ref date, ref phase, h.Time));
                        // Now and then a customer payment with its parties and references (the HTTP API's; their details are a section of their own).
                        if (s.Amount % 3 == 1)
                        {
                            ulong payer = SettlementPropertyTests.Participants[s.X], payee = SettlementPropertyTests.Participants[(s.X + 1 + s.Y % 3) % 4];
                            commands.Add(SubmitPaymentWithDetails.EncodeCommand(new SubmitPaymentWithDetails(
                                Payment((UInt128)(9_000_000 + k), payer, payee, s.Amount, PaymentPriority.Normal, PaymentKind.Customer), TestParties.CustomerDetails(payer, payee))));
                        }
                        // Now and then the payee of an earlier payment pays part of it back (pacs.004): its record changes too.
                        if (s.Amount % 5 == 0 && nextPayment > 0 && h.Engine.Settlement.GetPayment((UInt128)(1 + s.Amount * 7 % nextPayment)) is { } original)
                            commands.Add(Cmd(new SubmitReturn((UInt128)(5_000_000 + ++nextReturn), original.Id, original.Payee, original.Ledger, Math.Max(1, original.AmountMinor / 2))));
                    }
                    // Now and then the day runs to its end (statements of every account) and the next opens.
                    if (steps[i].Amount % 13 == 0)
                    {
                        while (phase != DayPhase.EndOfDay) { phase = (DayPhase)((int)phase + 1); commands.Add(Cmd(new ChangeDayPhase(phase))); }
                        windowOpen = false;
                        phase = DayPhase.Open;
                        commands.Add(Cmd(new OpenBusinessDay(++date)));
                    }
                    h.BatchAt(h.Time + (ulong)(steps[i].Amount % 5 + 1) * StepNs, commands.ToArray());
                }
            }
            int cut = steps.Length * cutPercent / 100;
            Run(0, cut);
            CaptureRunOnAndCompare(h.Engine, () => Run(cut, steps.Length), writeMeanwhile);
        }, iter: 60, threads: 1);

    private static readonly string[] Names =
        ["Wladimir Putin", "Kericho Highlands Tea Estates Ltd", "Kim Jong-un", "Maria Ivanova", "Банк Россия", "Nairobi Coffee Exporters"];

    [Fact]
    public void Pvp_payments_held_released_rejected_and_expiring_after_a_capture_leave_the_image_as_the_state_was_at_capture() =>
        Gen.Select(Gen.Select(Gen.Int[0, 6], Gen.Int[0, Names.Length - 1], Gen.Int[50_00, 8_000_00], Gen.Int[0, 100]).Array[2, 30], Gen.Int[0, 100], Gen.Bool)
        .Sample((steps, cutPercent, writeMeanwhile) =>
        {
            var f = new ExchangeFixture(payerUsd: 20_000_00);
            f.LoadList();
            f.SetRule(HoldsHarness.Limit("usd", "USD", holdAbove: 3_000_00, rejectAbove: 6_000_00));
            var payments = new List<UInt128>();
            var locks = new List<UInt128>();
            void Run(int from, int to)
            {
                for (int i = from; i < to; i++)
                {
                    var (kind, name, amount, target) = steps[i];
                    switch (kind)
                    {
                        case 0 or 1:
                        {
                            var (paymentId, lockId, _) = f.LockAndPay(Names[name], amount, lockSeconds: (uint)(1 + target % 20));
                            payments.Add(paymentId);
                            locks.Add(lockId);
                            break;
                        }
                        case 2: // a lock left unpaid, released or left to expire
                        {
                            UInt128 quote = f.NextId(), lockId = f.NextId();
                            f.Publish(f.Quote(quote));
                            f.Lock(f.LockRequest(lockId, quote, amount % 10_000_00 + 100, seconds: (uint)(1 + target % 10)));
                            locks.Add(lockId);
                            if (target % 2 == 0) f.Release(lockId);
                            break;
                        }
                        case 3 when payments.Count > 0:
                            f.ReleaseHold(payments[target % payments.Count]);
                            break;
                        case 4 when payments.Count > 0:
                            f.RejectHold(payments[target % payments.Count]);
                            break;
                        case 5: // engine time moves on: held and unpaid locks expire
                            f.Now += (ulong)(1 + target % 15) * ExchangeFixture.Second;
                            f.Apply([]);
                            break;
                        case 6 when f.Get(11).AvailableMinor > 0: // the payer spends money elsewhere
                            f.Fund(11, 1840, Math.Min(amount, f.Get(11).AvailableMinor), ExchangeFixture.Usd);
                            break;
                    }
                }
            }
            int cut = steps.Length * cutPercent / 100;
            Run(0, cut);
            CaptureRunOnAndCompare(f.Engine, () => Run(cut, steps.Length), writeMeanwhile);
        }, iter: 60, threads: 1);

    private sealed class Probe : CopyOnWriteRecord
    {
        public long Value { get; set { BeforeChange(); field = value; } }
        public long Other { get; set { BeforeChange(); field = value; } }
    }

    [Fact]
    public void A_frozen_record_list_reads_every_record_as_it_was_while_the_owner_changes_and_appends_on_another_thread() =>
        Gen.Select(Gen.Int[0, 10_000], Gen.Select(Gen.Int[0, 12_000], Gen.Long).Array[0, 3_000], Gen.Bool).Sample((count, changes, readMeanwhile) =>
        {
            var list = new RecordList<Probe>();
            for (int i = 0; i < count; i++) list.Add(new Probe { Value = i, Other = -i });
            RecordList<Probe>.Frozen view = list.Freeze();
            var read = new long[count * 2];
            void Read()
            {
                for (int i = 0; i < view.Count; i++) { Probe p = view[i]; read[2 * i] = p.Value; read[2 * i + 1] = p.Other; }
            }
            Task reader = readMeanwhile ? Task.Run(Read) : Task.CompletedTask;
            foreach (var (index, value) in changes)
            {
                if (index < list.Count) { list[index].Value = value; list[index].Other = value ^ 1; }
                else list.Add(new Probe { Value = value, Other = value });
            }
            reader.GetAwaiter().GetResult();
            if (!readMeanwhile) Read();
            Assert.Equal(count, view.Count);
            for (int i = 0; i < count; i++) Assert.Equal((i, -i), ((int)read[2 * i], (int)read[2 * i + 1]));
            view.Release();
            Assert.Throws<InvalidOperationException>(() => { list.Freeze(); list.Freeze(); });
        }, iter: 100, threads: 1);

    /// <summary>Captures <paramref name="engine"/>, runs it on, and checks the image against the snapshot written at capture.</summary>
    private static void CaptureRunOnAndCompare(CoreEngine engine, Action runOn, bool writeMeanwhile)
    {
        var expected = new MemoryStream();
        engine.WriteSnapshot(expected);
        UInt128 hash = engine.ComputeStateHash();
        CoreEngine.EngineSnapshot image = engine.CaptureSnapshot();
        var written = new MemoryStream();
        try
        {
            if (writeMeanwhile)
            {
                Task writer = Task.Run(() => image.WriteTo(written)); // the snapshot's writer thread, beside the engine
                runOn();
                writer.GetAwaiter().GetResult();
            }
            else
            {
                runOn();
                image.WriteTo(written);
            }
            Assert.Equal(hash, image.ComputeStateHash());
        }
        finally { image.Release(); }
        Assert.Equal(expected.ToArray(), written.ToArray());
        written.Position = 0;
        CoreEngine restored = CoreEngine.ReadSnapshot(written, out UInt128 restoredHash);
        Assert.Equal(hash, restoredHash);
        Assert.Equal(hash, restored.ComputeStateHash());
        // The engine writes in place again after the release, and a new capture is its state now.
        var now = new MemoryStream();
        engine.WriteSnapshot(now);
        CoreEngine.EngineSnapshot next = engine.CaptureSnapshot();
        var nextWritten = new MemoryStream();
        try { next.WriteTo(nextWritten); }
        finally { next.Release(); }
        Assert.Equal(now.ToArray(), nextWritten.ToArray());
    }
}
