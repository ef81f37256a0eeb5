using Corridor.Core.Engine;
using Corridor.Core.Settlement;
using static Corridor.Core.Tests.Settlement.SettlementHarness;

namespace Corridor.Core.Tests.Settlement;

public class OperatingDayTests
{
    [Fact]
    public void Payments_need_an_open_day()
    {
        SettlementHarness h = Standard(openDay: false);
        Assert.Equal(SettlementResult.DayNotOpen, h.Pay(1, A, B, 1).Result);
        Assert.Equal(DayPhase.Closed, h.Engine.Settlement.GetDayStatus().Phase);
    }

    [Fact]
    public void Phase_transitions_are_one_step_forward()
    {
        SettlementHarness h = Standard(openDay: false);
        Assert.Equal(SettlementResult.InvalidPhaseTransition, h.Code(new ChangeDayPhase(DayPhase.CustomerCutoff)));
        Assert.Equal(SettlementResult.BusinessDateMustIncrease, h.Code(new OpenBusinessDay(0)));
        Assert.Equal(SettlementResult.Ok, h.Code(new OpenBusinessDay(20260102)));
        Assert.Equal(SettlementResult.InvalidPhaseTransition, h.Code(new OpenBusinessDay(20260103)));
        Assert.Equal(SettlementResult.InvalidPhase, h.Code(new ChangeDayPhase(DayPhase.Open)));
        Assert.Equal(SettlementResult.InvalidPhase, h.Code(new ChangeDayPhase((DayPhase)9)));
        Assert.Equal(SettlementResult.InvalidPhaseTransition, h.Code(new ChangeDayPhase(DayPhase.InterbankCutoff)));
        Assert.Equal(SettlementResult.Ok, h.Code(new ChangeDayPhase(DayPhase.CustomerCutoff)));
        Assert.Equal(SettlementResult.Ok, h.Code(new ChangeDayPhase(DayPhase.InterbankCutoff)));
        Assert.Equal(SettlementResult.Ok, h.Code(new ChangeDayPhase(DayPhase.EndOfDay)));
        Assert.Equal(SettlementResult.BusinessDateMustIncrease, h.Code(new OpenBusinessDay(20260102)));
        Assert.Equal(SettlementResult.Ok, h.Code(new OpenBusinessDay(20260105)));
        Assert.Equal(20260105u, h.Engine.Settlement.GetDayStatus().BusinessDate);
    }

    [Fact]
    public void Cutoffs_reject_new_and_queued_payments_with_reasons()
    {
        SettlementHarness h = Standard(SettlementOptions.None);
        h.Pay(1, A, B, 100, kind: PaymentKind.Customer);
        h.Pay(2, A, B, 100, kind: PaymentKind.Interbank);
        h.Pay(3, A, C, 100, kind: PaymentKind.Interbank, earliest: ulong.MaxValue - 1);
        Assert.Equal(PaymentStatus.Scheduled, h.StatusOf(3));
        Assert.Equal(300, h.Engine.Settlement.GetDayStatus().QueuedTotals[0].AmountMinor + 100);

        Assert.Equal(SettlementResult.Ok, h.Code(new ChangeDayPhase(DayPhase.CustomerCutoff)));
        Assert.Equal(SettlementResult.RejectedAtCustomerCutoff, h.PaymentInfo(1).Reason);
        Assert.Equal(PaymentStatus.Queued, h.StatusOf(2));
        Assert.Equal(SettlementResult.AfterCustomerCutoff, h.Pay(4, A, B, 1, kind: PaymentKind.Customer).Result);
        h.Fund(A, 1_000);
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(2));
        Assert.Equal(PaymentStatus.Settled, h.Pay(5, A, B, 1, kind: PaymentKind.Interbank).Status);
        h.Pay(6, B, C, 10_000, kind: PaymentKind.Interbank);

        Assert.Equal(SettlementResult.Ok, h.Code(new ChangeDayPhase(DayPhase.InterbankCutoff)));
        Assert.Equal(SettlementResult.RejectedAtInterbankCutoff, h.PaymentInfo(6).Reason);
        Assert.Equal(SettlementResult.RejectedAtInterbankCutoff, h.PaymentInfo(3).Reason);
        Assert.Equal(SettlementResult.AfterInterbankCutoff, h.Pay(7, A, B, 1, kind: PaymentKind.Interbank).Result);
        Assert.Equal(SettlementResult.AfterCustomerCutoff, h.Pay(8, A, B, 1, kind: PaymentKind.Customer).Result);
        DayStatus day = h.Engine.Settlement.GetDayStatus();
        Assert.Equal(0, day.Queued);
        Assert.Equal(0, day.QueuedTotals[0].AmountMinor);
        Assert.Equal(0, h.Engine.Settlement.GetSettlementAccount(B, Eur)!.QueuedMinor);
    }

    [Fact]
    public void Cutoff_runs_a_last_lsm_and_closes_open_windows()
    {
        SettlementHarness h = Standard(SettlementOptions.None);
        h.Pay(1, A, B, 100, kind: PaymentKind.Interbank);
        h.Pay(2, B, A, 100, kind: PaymentKind.Interbank);
        h.Code(new OpenNettingWindow(3, Eur, "late"));
        h.Pay(3, A, B, 0 + 5, window: 3);
        h.Fund(A, 5);
        h.Code(new ChangeDayPhase(DayPhase.CustomerCutoff));
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(1)); // gridlock resolved before rejection
        h.Code(new ChangeDayPhase(DayPhase.InterbankCutoff));
        Assert.Equal(WindowStatus.Settled, h.Engine.Settlement.GetWindow(3)!.Status);
        Assert.Equal(PaymentStatus.Settled, h.StatusOf(3));
    }

    [Fact]
    public void End_of_day_statements_reconcile_opening_entries_and_closing()
    {
        SettlementHarness h = Standard(SettlementOptions.All);
        h.Fund(A, 1_000);
        h.Code(new ChangeDayPhase(DayPhase.CustomerCutoff));
        h.Code(new ChangeDayPhase(DayPhase.InterbankCutoff));
        h.Code(new ChangeDayPhase(DayPhase.EndOfDay));
        h.Fund(B, 7); // between end of day and the next open: belongs to the next statement
        h.Code(new OpenBusinessDay(20260103));
        h.Pay(1, A, B, 300);
        h.Pay(2, B, C, 500);          // queued
        h.Pay(3, C, B, 450);          // offsets with 2: C net 0 after receiving 500... C pays 450, receives 500
        h.Code(new OpenNettingWindow(9, Eur, "w"));
        h.Pay(4, A, C, 10, window: 9);
        h.One(new CloseNettingWindow(9));
        h.Code(new ChangeDayPhase(DayPhase.CustomerCutoff));
        h.Code(new ChangeDayPhase(DayPhase.InterbankCutoff));
        Assert.Equal(SettlementResult.Ok, h.Code(new ChangeDayPhase(DayPhase.EndOfDay)));

        AccountStatement a = h.Engine.Settlement.GetStatement(20260103, AccountOf(A))!;
        Assert.Equal(1_000, a.OpeningBalanceMinor);
        Assert.Equal(690, a.ClosingBalanceMinor);
        Assert.Equal(2, a.Entries.Count);
        Assert.Equal((UInt128)1, a.Entries[0].PaymentId);
        Assert.Equal(B, a.Entries[0].Counterparty);
        Assert.False(a.Entries[0].IsCredit);
        Assert.Equal(SettlementTransferCode.NetSettlement, a.Entries[1].Code);

        AccountStatement b = h.Engine.Settlement.GetStatement(20260103, AccountOf(B))!;
        long sum = b.OpeningBalanceMinor;
        foreach (StatementEntry e in b.Entries) sum += e.IsCredit ? e.AmountMinor : -e.AmountMinor;
        Assert.Equal(b.ClosingBalanceMinor, sum);
        Assert.Contains(b.Entries, e => e.PaymentId == 3 && e.Counterparty == C && e.IsCredit);
        Assert.Equal(0, b.OpeningBalanceMinor);
        Assert.Equal(7, b.Entries[0].AmountMinor);
        Assert.Equal(CentralBank, b.Entries[0].Counterparty);

        AccountStatement first = h.Engine.Settlement.GetStatement(20260102, AccountOf(A))!;
        Assert.Equal(0, first.OpeningBalanceMinor);
        Assert.Equal(1_000, first.ClosingBalanceMinor);
        Assert.Equal(CentralBank, Assert.Single(first.Entries).Counterparty);
        Assert.Equal(4, h.Engine.Settlement.GetStatements(20260103).Count);
        Assert.Null(h.Engine.Settlement.GetStatement(20260104, AccountOf(A)));
    }

    [Fact]
    public void Day_status_counts_the_days_payments()
    {
        SettlementHarness h = Standard(SettlementOptions.None);
        h.Fund(A, 100);
        h.Pay(1, A, B, 50);
        h.Pay(2, A, B, 500);
        h.Pay(3, A, A, 1);
        h.Pay(4, A, B, 5, earliest: ulong.MaxValue - 1);
        h.Pay(5, A, C, 500);
        h.Code(new ManageQueuedPayment(A, 5, QueueAction.Revoke, 0, 0));
        DayStatus day = h.Engine.Settlement.GetDayStatus();
        Assert.Equal(20260102u, day.BusinessDate);
        Assert.Equal(DayPhase.Open, day.Phase);
        Assert.Equal(5, day.Submitted);
        Assert.Equal(1, day.Settled);
        Assert.Equal(1, day.Queued);
        Assert.Equal(1, day.Scheduled);
        Assert.Equal(1, day.Rejected);
        Assert.Equal(1, day.Revoked);
        Assert.Equal(new QueuedTotal(Eur, 1, 500), Assert.Single(day.QueuedTotals));
    }
}
