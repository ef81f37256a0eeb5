using CoreEngine = Corridor.Core.Engine.Engine;
using CsCheck;
using Corridor.Core.Ledger;
using Corridor.Core.Settlement;
using static Corridor.Core.Tests.Settlement.SettlementHarness;

namespace Corridor.Core.Tests.Settlement;

/// <summary>Intraday credit is repaid at end of day; what the balance cannot cover becomes overnight credit.</summary>
public class EndOfDayCreditTests
{
    private static void EndDay(SettlementHarness h)
    {
        Assert.Equal(SettlementResult.Ok, h.Code(new ChangeDayPhase(DayPhase.CustomerCutoff)));
        Assert.Equal(SettlementResult.Ok, h.Code(new ChangeDayPhase(DayPhase.InterbankCutoff)));
        Assert.Equal(SettlementResult.Ok, h.Code(new ChangeDayPhase(DayPhase.EndOfDay)));
    }

    private static SettlementAccountInfo AccountOfA(SettlementHarness h) => h.Engine.Settlement.GetSettlementAccount(A, Eur)!;

    private static long CentralBankBalance(SettlementHarness h)
    {
        Assert.True(h.Engine.Ledger.TryGetAccount(1, out Account cb));
        return cb.BalancePosted;
    }

    [Fact]
    public void Credit_line_used_during_the_day_is_repaid_at_end_of_day_and_withdrawn()
    {
        SettlementHarness h = Standard();
        h.Fund(A, 100);
        Assert.Equal(SettlementResult.Ok, h.Code(new SetCreditLine(800, A, Eur, 500)));
        Assert.Equal(PaymentStatus.Settled, h.Pay(1, A, B, 400, kind: PaymentKind.Interbank).Status); // uses 300 of the line
        Assert.Equal(PaymentStatus.Settled, h.Pay(2, B, A, 350, kind: PaymentKind.Interbank).Status);
        Assert.Equal(550, h.Balance(A));

        EndDay(h);

        SettlementAccountInfo a = AccountOfA(h);
        Assert.Equal(50, a.BalanceMinor);
        Assert.Equal(0, a.CreditLineMinor);
        Assert.Equal(0, a.OvernightCreditMinor);
        Assert.Equal(-100, CentralBankBalance(h)); // the line is back: only the 100 injected is central bank money out
        AccountStatement s = h.Engine.Settlement.GetStatement(20260102, AccountOf(A))!;
        Assert.Equal(0, s.OpeningBalanceMinor);
        Assert.Equal(50, s.ClosingBalanceMinor);
        Assert.Equal(0, s.OvernightCreditMinor);
        StatementEntry repayment = s.Entries[^1];
        Assert.Equal(SettlementTransferCode.CreditRepayment, repayment.Code);
        Assert.Equal(500, repayment.AmountMinor);
        Assert.False(repayment.IsCredit);
        Assert.Equal(CentralBank, repayment.Counterparty);
        Assert.Contains(s.Entries, e => e.Code == SettlementTransferCode.CreditLine && e.IsCredit && e.AmountMinor == 500);
        Assert.Empty(h.Engine.Settlement.GetDayStatus().OvernightCredits);
        AssertLedgerInvariants(h.Engine.Ledger);
        Assert.Equal(h.Engine.StateHashHex(), h.ReplayHash());
    }

    [Fact]
    public void Unused_credit_line_is_withdrawn_at_end_of_day()
    {
        SettlementHarness h = Standard();
        Assert.Equal(SettlementResult.Ok, h.Code(new SetCreditLine(800, A, Eur, 500)));
        EndDay(h);
        Assert.Equal(0, AccountOfA(h).BalanceMinor);
        Assert.Equal(0, AccountOfA(h).CreditLineMinor);
        Assert.Equal(0, CentralBankBalance(h));
        // The next day a new line is granted from zero.
        Assert.Equal(SettlementResult.Ok, h.Code(new OpenBusinessDay(20260103)));
        Assert.Equal(SettlementResult.Ok, h.Code(new SetCreditLine(801, A, Eur, 200)));
        Assert.Equal(200, AccountOfA(h).BalanceMinor);
    }

    [Fact]
    public void Shortfall_becomes_overnight_credit_reported_in_day_status_and_statement_and_is_repaid_at_a_later_end_of_day()
    {
        SettlementHarness h = Standard();
        Assert.Equal(SettlementResult.Ok, h.Code(new SetCreditLine(800, A, Eur, 500)));
        Assert.Equal(PaymentStatus.Settled, h.Pay(1, A, B, 300, kind: PaymentKind.Interbank).Status);

        EndDay(h);

        SettlementAccountInfo a = AccountOfA(h);
        Assert.Equal(0, a.BalanceMinor);
        Assert.Equal(0, a.CreditLineMinor);
        Assert.Equal(300, a.OvernightCreditMinor);
        Assert.Equal([new OvernightCredit(A, Eur, 300)], h.Engine.Settlement.GetDayStatus().OvernightCredits);
        AccountStatement s = h.Engine.Settlement.GetStatement(20260102, AccountOf(A))!;
        Assert.Equal(300, s.OvernightCreditMinor);
        Assert.Equal(0, s.ClosingBalanceMinor);
        Assert.Equal((SettlementTransferCode.CreditRepayment, 200L), (s.Entries[^1].Code, s.Entries[^1].AmountMinor));
        Assert.Equal(0, h.Engine.Settlement.GetStatement(20260102, AccountOf(B))!.OvernightCreditMinor);
        Assert.Equal(-300, CentralBankBalance(h)); // the central bank's claim on A

        // Option off: the next day opens; overnight credit is owed, so own funds beyond it only can be withdrawn.
        Assert.Equal(SettlementResult.Ok, h.Code(new OpenBusinessDay(20260103)));
        Assert.Equal(300, AccountOfA(h).OvernightCreditMinor);
        h.Fund(A, 1_000);
        Assert.Equal(SettlementResult.InsufficientFunds, h.Code(new MoveLiquidity(900, A, Eur, 701, LiquidityDirection.Withdraw)));
        Assert.Equal(SettlementResult.Ok, h.Code(new MoveLiquidity(901, A, Eur, 600, LiquidityDirection.Withdraw)));
        EndDay(h);
        Assert.Equal(100, AccountOfA(h).BalanceMinor);
        Assert.Equal(0, AccountOfA(h).OvernightCreditMinor);
        Assert.Equal(0, h.Engine.Settlement.GetStatement(20260103, AccountOf(A))!.OvernightCreditMinor);
        Assert.Empty(h.Engine.Settlement.GetDayStatus().OvernightCredits);
        AssertLedgerInvariants(h.Engine.Ledger);
        Assert.Equal(h.Engine.StateHashHex(), h.ReplayHash());
    }

    [Fact]
    public void With_the_operator_option_the_next_day_opens_only_once_overnight_credit_is_covered_and_repays_it_at_open()
    {
        SettlementHarness h = Standard(SettlementOptions.All | SettlementOptions.CreditRepaidAtEndOfDay | SettlementOptions.RefuseOpenWithOvernightCredit);
        Assert.Equal(SettlementResult.Ok, h.Code(new SetCreditLine(800, A, Eur, 500)));
        h.Pay(1, A, B, 300, kind: PaymentKind.Interbank);
        EndDay(h);
        Assert.Equal(SettlementResult.OvernightCreditNotCovered, h.Code(new OpenBusinessDay(20260103)));
        Assert.Equal(DayPhase.EndOfDay, h.Engine.Settlement.Phase);
        h.Fund(A, 299);
        Assert.Equal(SettlementResult.OvernightCreditNotCovered, h.Code(new OpenBusinessDay(20260103)));
        h.Fund(A, 1);
        Assert.Equal(SettlementResult.Ok, h.Code(new OpenBusinessDay(20260103)));
        Assert.Equal(0, AccountOfA(h).OvernightCreditMinor);
        Assert.Equal(0, AccountOfA(h).BalanceMinor);
        Assert.Equal(-300, CentralBankBalance(h)); // A's debt repaid: the 300 injected (now B's) is all that is out
        EndDay(h);
        AccountStatement s = h.Engine.Settlement.GetStatement(20260103, AccountOf(A))!;
        Assert.Equal(0, s.OpeningBalanceMinor);
        Assert.Contains(s.Entries, e => e.Code == SettlementTransferCode.CreditRepayment && e.AmountMinor == 300 && !e.IsCredit);
        Assert.Equal(h.Engine.StateHashHex(), h.ReplayHash());
    }

    [Fact]
    public void Overnight_credit_survives_a_snapshot_with_the_same_state_hash()
    {
        SettlementHarness h = Standard();
        Assert.Equal(SettlementResult.Ok, h.Code(new SetCreditLine(800, A, Eur, 500)));
        h.Pay(1, A, B, 300, kind: PaymentKind.Interbank);
        EndDay(h);
        var stream = new MemoryStream();
        h.Engine.WriteSnapshot(stream);
        stream.Position = 0;
        CoreEngine restored = CoreEngine.ReadSnapshot(stream);
        Assert.Equal(h.Engine.StateHashHex(), restored.StateHashHex());
        Assert.Equal(300, restored.Settlement.GetSettlementAccount(A, Eur)!.OvernightCreditMinor);
        Assert.Equal(300, restored.Settlement.GetStatement(20260102, AccountOf(A))!.OvernightCreditMinor);
        Assert.Equal(h.Engine.Settlement.GetDayStatus().OvernightCredits, restored.Settlement.GetDayStatus().OvernightCredits);
    }

    private sealed record Step(int Kind, int Who, int Other, int Amount);

    [Fact]
    public void Days_with_credit_lines_replay_and_snapshot_to_the_same_state_and_end_with_no_intraday_credit()
    {
        Gen.Select(Gen.Int[0, 5], Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[1, 400], (k, w, o, a) => new Step(k, w, o, a))
            .Array[1, 40].Sample(steps =>
            {
                SettlementHarness h = Standard();
                ulong[] who = [A, B, C, D];
                ulong id = 1, transfer = 10_000;
                uint date = 20260102;
                foreach (Step s in steps)
                {
                    ulong p = who[s.Who], q = who[s.Other];
                    switch (s.Kind)
                    {
                        case 0: h.Fund(p, s.Amount); break;
                        case 1: h.Code(new SetCreditLine(transfer++, p, Eur, s.Amount)); break;
                        case 2 or 3: h.Pay(id++, p, q, s.Amount, kind: PaymentKind.Interbank); break;
                        case 4: h.Code(new MoveLiquidity(transfer++, p, Eur, s.Amount, LiquidityDirection.Withdraw)); break;
                        default:
                            EndDay(h);
                            foreach (ulong x in who)
                            {
                                SettlementAccountInfo a = h.Engine.Settlement.GetSettlementAccount(x, Eur)!;
                                Assert.Equal(0, a.CreditLineMinor);
                                Assert.True(a.OvernightCreditMinor == 0 || a.BalanceMinor == 0, $"{x}: overnight credit {a.OvernightCreditMinor} beside balance {a.BalanceMinor}");
                            }
                            Assert.Equal(SettlementResult.Ok, h.Code(new OpenBusinessDay(++date)));
                            break;
                    }
                }
                AssertLedgerInvariants(h.Engine.Ledger);
                Assert.Equal(h.Engine.StateHashHex(), h.ReplayHash());
                var stream = new MemoryStream();
                h.Engine.WriteSnapshot(stream);
                stream.Position = 0;
                Assert.Equal(h.Engine.StateHashHex(), CoreEngine.ReadSnapshot(stream).StateHashHex());
            }, iter: 200);
    }

    [Fact]
    public void History_from_before_the_rule_keeps_its_credit_line_at_end_of_day_and_the_rule_once_on_stays_on()
    {
        // A journal written before end-of-day repayment existed: the line stays as it was.
        SettlementHarness h = Standard(SettlementOptions.All);
        Assert.Equal(SettlementResult.Ok, h.Code(new SetCreditLine(9_500, A, Eur, 400)));
        EndDay(h);
        Assert.Equal(400, AccountOfA(h).CreditLineMinor);
        // Switched on (as a server does at start), it cannot be switched off again.
        Assert.True(h.Batch(SettlementCodec.EncodeCommand(new SetSettlementOptions(SettlementOptions.Current)))[0].AllOk);
        Assert.True(h.Batch(SettlementCodec.EncodeCommand(new SetSettlementOptions(SettlementOptions.None)))[0].AllOk);
        Assert.Equal(SettlementOptions.OneWay, h.Engine.Settlement.Options);
    }
}
