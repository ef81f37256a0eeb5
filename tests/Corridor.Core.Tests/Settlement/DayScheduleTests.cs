using CoreEngine = Corridor.Core.Engine.Engine;
using Corridor.Core.Engine;
using Corridor.Core.Settlement;
using CsCheck;
using static Corridor.Core.Tests.Settlement.SettlementHarness;

namespace Corridor.Core.Tests.Settlement;

public class DayScheduleTests
{
    private const ulong SecondNs = 1_000_000_000;
    /// <summary>2026-01-02T00:00:00Z, the harness's business day, in engine ns.</summary>
    private const ulong Jan2MidnightUtcNs = 1_767_312_000 * SecondNs;
    private const uint Hour = 3_600;

    /// <summary>16:00, 17:00 and 18:00 at UTC+03:00: 13:00, 14:00 and 15:00 UTC.</summary>
    private static readonly SetDaySchedule Moscow = new(16 * Hour, 17 * Hour, 18 * Hour, 180);
    private static readonly ulong CustomerAt = Jan2MidnightUtcNs + 13 * Hour * SecondNs;
    private static readonly ulong InterbankAt = Jan2MidnightUtcNs + 14 * Hour * SecondNs;
    private static readonly ulong EndOfDayAt = Jan2MidnightUtcNs + 15 * Hour * SecondNs;

    [Fact]
    public void A_schedule_is_checked_in_order_offset_then_day_then_order()
    {
        SettlementHarness h = Standard();
        Assert.Equal(SettlementResult.UtcOffsetOutOfRange, h.Code(Moscow with { UtcOffsetMinutes = 14 * 60 + 1, EndOfDaySeconds = 86_400 }));
        Assert.Equal(SettlementResult.UtcOffsetOutOfRange, h.Code(Moscow with { UtcOffsetMinutes = -14 * 60 - 1 }));
        Assert.Equal(SettlementResult.CutoffOutsideDay, h.Code(Moscow with { EndOfDaySeconds = 86_400, InterbankCutoffSeconds = 1 }));
        Assert.Equal(SettlementResult.CutoffOutsideDay, h.Code(Moscow with { CustomerCutoffSeconds = uint.MaxValue }));
        Assert.Equal(SettlementResult.CutoffsOutOfOrder, h.Code(Moscow with { InterbankCutoffSeconds = 16 * Hour }));
        Assert.Equal(SettlementResult.CutoffsOutOfOrder, h.Code(Moscow with { EndOfDaySeconds = 15 * Hour }));
        Assert.Null(h.Engine.Settlement.Schedule);
        Assert.Equal(SettlementResult.Ok, h.Code(Moscow with { UtcOffsetMinutes = -14 * 60, EndOfDaySeconds = 86_399 }));
        Assert.Equal(SettlementResult.Ok, h.Code(Moscow));
        Assert.Equal(new DaySchedule(16 * Hour, 17 * Hour, 18 * Hour, 180), h.Engine.Settlement.Schedule);
    }

    [Fact]
    public void The_days_cutoffs_are_its_date_at_the_schedules_times_in_the_operators_offset()
    {
        SettlementHarness h = Standard();
        Assert.Equal(SettlementResult.Ok, h.Code(Moscow));
        DayStatus day = h.Engine.GetDayStatus();
        Assert.Equal(
            [new ScheduledCutoff(DayPhase.CustomerCutoff, CustomerAt), new ScheduledCutoff(DayPhase.InterbankCutoff, InterbankAt), new ScheduledCutoff(DayPhase.EndOfDay, EndOfDayAt)],
            day.Cutoffs);
        Assert.Equal(new ScheduledCutoff(DayPhase.CustomerCutoff, CustomerAt), day.NextCutoff);

        Assert.Equal(SettlementResult.Ok, h.Code(new ChangeDayPhase(DayPhase.CustomerCutoff)));
        Assert.Equal(new ScheduledCutoff(DayPhase.InterbankCutoff, InterbankAt), h.Engine.GetDayStatus().NextCutoff);
        Assert.Equal(SettlementResult.Ok, h.Code(new ChangeDayPhase(DayPhase.InterbankCutoff)));
        Assert.Equal(SettlementResult.Ok, h.Code(new ChangeDayPhase(DayPhase.EndOfDay)));
        Assert.Null(h.Engine.GetDayStatus().NextCutoff);

        // The next day's cut-offs follow its date.
        Assert.Equal(SettlementResult.Ok, h.Code(new OpenBusinessDay(20260105)));
        Assert.Equal(CustomerAt + 3 * 86_400 * SecondNs, h.Engine.GetDayStatus().NextCutoff!.Value.AtNs);
        Assert.Equal(SettlementResult.Ok, h.Code(SetDaySchedule.None));
        Assert.Null(h.Engine.GetDayStatus().NextCutoff);
        Assert.Empty(h.Engine.GetDayStatus().Cutoffs);
    }

    [Fact]
    public void Batch_time_past_a_cutoff_moves_the_day_as_the_operator_would_with_its_rejections()
    {
        SettlementHarness h = Standard(SettlementOptions.None);
        Assert.Equal(SettlementResult.Ok, h.Code(Moscow));
        h.Pay(1, A, B, 100, kind: PaymentKind.Customer);
        h.Pay(2, A, B, 100, kind: PaymentKind.Interbank);
        Assert.Equal(PaymentStatus.Queued, h.StatusOf(1));

        h.BatchAt(CustomerAt - 1, Cmd(new RunLsm(0)));
        Assert.Equal(DayPhase.Open, h.Engine.Settlement.Phase);

        // The first batch at the cut-off's time: the phase moves before the batch's commands, which then meet the new phase.
        List<CommandReply> replies = h.BatchAt(CustomerAt, Cmd(Payment(3, A, B, 1, kind: PaymentKind.Customer)));
        Assert.Equal(SettlementResult.AfterCustomerCutoff, CodeOf(replies[0]));
        Assert.Equal(DayPhase.CustomerCutoff, h.Engine.Settlement.Phase);
        Assert.Equal(SettlementResult.RejectedAtCustomerCutoff, h.PaymentInfo(1).Reason);
        Assert.Equal(PaymentStatus.Queued, h.StatusOf(2));
        Assert.True(h.Engine.GetDayStatus().PhaseSinceNs >= CustomerAt);

        // One idle tick long after end of day passes both remaining cut-offs, in order, with statements.
        replies = h.BatchAt(EndOfDayAt + 60 * SecondNs, SettlementCodec.EncodeCommand<DayScheduleTick>([]));
        Assert.True(replies[0].AllOk);
        Assert.Equal(DayPhase.EndOfDay, h.Engine.Settlement.Phase);
        Assert.Equal(SettlementResult.RejectedAtInterbankCutoff, h.PaymentInfo(2).Reason);
        Assert.Equal(4, h.Engine.Settlement.GetStatements(20260102).Count);
        Assert.Equal(h.Engine.StateHashHex(), h.ReplayHash());
    }

    [Fact]
    public void A_payment_timed_before_the_cutoff_is_released_first_and_one_timed_at_it_is_refused()
    {
        SettlementHarness h = Standard();
        h.Fund(A, 1_000);
        Assert.Equal(SettlementResult.Ok, h.Code(Moscow));
        Assert.Equal(PaymentStatus.Scheduled, h.Pay(1, A, B, 10, kind: PaymentKind.Customer, earliest: CustomerAt - 1).Status);
        Assert.Equal(PaymentStatus.Scheduled, h.Pay(2, A, B, 10, kind: PaymentKind.Customer, earliest: CustomerAt).Status);
        h.BatchAt(CustomerAt + SecondNs, Cmd(new RunLsm(0)));
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(1));
        Assert.Equal(SettlementResult.RejectedAtCustomerCutoff, h.PaymentInfo(2).Reason);
    }

    [Fact]
    public void A_schedule_whose_cutoff_passed_moves_the_open_day_at_once_and_manual_moves_still_work()
    {
        SettlementHarness h = Standard();
        h.BatchAt(InterbankAt + SecondNs, Cmd(new RunLsm(0)));
        Assert.Equal(DayPhase.Open, h.Engine.Settlement.Phase); // no schedule: nothing moves by itself
        Assert.Equal(SettlementResult.Ok, h.Code(Moscow));
        Assert.Equal(DayPhase.InterbankCutoff, h.Engine.Settlement.Phase);
        Assert.Equal(SettlementResult.Ok, h.Code(new ChangeDayPhase(DayPhase.EndOfDay)));
        h.BatchAt(EndOfDayAt + SecondNs, Cmd(new RunLsm(0)));
        Assert.Equal(DayPhase.EndOfDay, h.Engine.Settlement.Phase);
    }

    [Fact]
    public void Without_a_schedule_the_state_hashes_as_before_and_the_schedule_survives_a_snapshot()
    {
        SettlementHarness plain = Standard(), scheduled = Standard();
        scheduled.One(Moscow);
        Assert.NotEqual(plain.Engine.StateHashHex(), scheduled.Engine.StateHashHex());
        scheduled.One(SetDaySchedule.None);
        plain.One(new RunLsm(0));
        plain.One(new RunLsm(0));
        Assert.Equal(plain.Engine.StateHashHex(), scheduled.Engine.StateHashHex());

        scheduled.One(Moscow);
        using var stream = new MemoryStream();
        scheduled.Engine.WriteSnapshot(stream);
        stream.Position = 0;
        CoreEngine restored = CoreEngine.ReadSnapshot(stream);
        Assert.Equal(scheduled.Engine.StateHashHex(), restored.StateHashHex());
        Assert.Equal(scheduled.Engine.Settlement.Schedule, restored.Settlement.Schedule);
    }

    /// <summary>One random step: a payment, funding, a schedule (valid or not), a manual move, a new day, or an idle tick, after a random wait.</summary>
    private readonly record struct Step(int Kind, int X, int Amount, uint WaitMinutes, uint A, uint B, uint C);

    private static readonly Gen<Step> StepGen =
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, 3], Gen.Int[1, 500], Gen.UInt[0, 240], Gen.UInt[0, 86_400], Gen.UInt[0, 86_400], Gen.UInt[0, 86_400],
            (k, x, a, w, s1, s2, s3) => new Step(k, x, a, w, s1, s2, s3));

    [Fact]
    public void Replay_and_snapshot_reproduce_scheduled_days_and_the_day_never_lags_its_schedule() =>
        StepGen.Array[1, 40].Sample(steps =>
        {
            SettlementHarness h = Standard();
            h.BatchAt(Jan2MidnightUtcNs, Cmd(new RunLsm(0)));
            ulong[] parties = [A, B, C, D];
            uint date = 20260102;
            int id = 0;
            foreach (Step s in steps)
            {
                ulong payer = parties[s.X], payee = parties[(s.X + 1) % 4];
                byte[] command = s.Kind switch
                {
                    <= 2 => Cmd(Payment((UInt128)(++id), payer, payee, s.Amount, kind: s.Amount % 2 == 0 ? PaymentKind.Customer : PaymentKind.Interbank,
                        earliest: s.Amount % 5 == 0 ? h.Time + (ulong)s.Amount * 60 * SecondNs : 0)),
                    3 => Cmd(new MoveLiquidity((UInt128)(1_000_000 + ++id), payer, Eur, s.Amount, LiquidityDirection.Inject)),
                    4 => Cmd(new SetDaySchedule(Math.Min(s.A, s.B), Math.Max(s.A, s.B), Math.Max(s.C, Math.Max(s.A, s.B) + 1), (int)(s.A % 1_200) - 600)),
                    5 => Cmd(new SetDaySchedule(s.A, s.B, s.C, (int)(s.C % 2_000) - 1_000)),
                    6 => Cmd(new ChangeDayPhase(h.Engine.Settlement.Phase + 1)),
                    7 => Cmd(new OpenBusinessDay(++date)),
                    _ => SettlementCodec.EncodeCommand<DayScheduleTick>([]),
                };
                h.BatchAt(h.Time + s.WaitMinutes * 60 * SecondNs, command);
                if (h.Engine.GetDayStatus().NextCutoff is { } next) Assert.True(next.AtNs > h.Time, $"cut-off to {next.Phase} at {next.AtNs} still due at {h.Time}");
            }
            string hash = h.Engine.StateHashHex();
            Assert.Equal(hash, h.ReplayHash());
            using var stream = new MemoryStream();
            h.Engine.WriteSnapshot(stream);
            stream.Position = 0;
            Assert.Equal(hash, CoreEngine.ReadSnapshot(stream).StateHashHex());
        }, iter: 60, threads: 1);
}
