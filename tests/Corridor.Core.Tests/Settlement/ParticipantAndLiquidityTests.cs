using Corridor.Core.Settlement;
using static Corridor.Core.Tests.Settlement.SettlementHarness;

namespace Corridor.Core.Tests.Settlement;

public class ParticipantAndLiquidityTests
{
    [Fact]
    public void Register_participant_result_codes()
    {
        SettlementHarness h = Standard();
        Assert.Equal(SettlementResult.ParticipantIdMustNotBeZero, h.Code(new RegisterParticipant(0, ParticipantRole.DirectParticipant, "x")));
        Assert.Equal(SettlementResult.InvalidRole, h.Code(new RegisterParticipant(50, (ParticipantRole)9, "x")));
        Assert.Equal(SettlementResult.NameMustNotBeEmpty, h.Code(new RegisterParticipant(50, ParticipantRole.DirectParticipant, "")));
        Assert.Equal(SettlementResult.ParticipantAlreadyExists, h.Code(new RegisterParticipant(A, ParticipantRole.DirectParticipant, "Bank 11")));
        Assert.Equal(SettlementResult.ParticipantExistsWithDifferentContent, h.Code(new RegisterParticipant(A, ParticipantRole.DirectParticipant, "Other")));
        Assert.Equal(SettlementResult.Ok, h.Code(new RegisterParticipant(50, ParticipantRole.DirectParticipant, "New")));
        ParticipantInfo p = h.Engine.Settlement.GetParticipant(50)!;
        Assert.Equal(ParticipantStatus.Active, p.Status);
        Assert.Equal("New", p.Name);
        Assert.Null(h.Engine.Settlement.GetParticipant(999));
    }

    [Fact]
    public void Status_transitions_and_close_requires_zero_balance()
    {
        SettlementHarness h = Standard();
        Assert.Equal(SettlementResult.ParticipantNotFound, h.Code(new ChangeParticipantStatus(999, ParticipantStatus.Suspended)));
        Assert.Equal(SettlementResult.InvalidParticipantStatus, h.Code(new ChangeParticipantStatus(A, (ParticipantStatus)0)));
        Assert.Equal(SettlementResult.InvalidStatusTransition, h.Code(new ChangeParticipantStatus(A, ParticipantStatus.Active)));
        Assert.Equal(SettlementResult.Ok, h.Code(new ChangeParticipantStatus(A, ParticipantStatus.Suspended)));
        Assert.Equal(SettlementResult.Ok, h.Code(new ChangeParticipantStatus(A, ParticipantStatus.Active)));
        h.Fund(A, 10);
        Assert.Equal(SettlementResult.ParticipantHasBalance, h.Code(new ChangeParticipantStatus(A, ParticipantStatus.Closed)));
        Assert.Equal(SettlementResult.Ok, h.Code(new MoveLiquidity(77, A, Eur, 10, LiquidityDirection.Withdraw)));
        Assert.Equal(SettlementResult.Ok, h.Code(new ChangeParticipantStatus(A, ParticipantStatus.Closed)));
        Assert.Equal(SettlementResult.InvalidStatusTransition, h.Code(new ChangeParticipantStatus(A, ParticipantStatus.Active)));
        Assert.Equal(SettlementResult.PayerNotActive, h.Pay(1, A, B, 1).Result);
        Assert.Equal(SettlementResult.PayeeNotActive, h.Pay(2, B, A, 1).Result);
    }

    [Fact]
    public void Suspending_a_participant_rejects_its_queued_payments_both_ways()
    {
        SettlementHarness h = Standard(SettlementOptions.None);
        Assert.Equal(PaymentStatus.Queued, h.Pay(1, A, B, 100).Status);
        Assert.Equal(PaymentStatus.Queued, h.Pay(2, C, A, 100).Status);
        Assert.Equal(PaymentStatus.Queued, h.Pay(3, C, B, 100).Status);
        Assert.Equal(SettlementResult.Ok, h.Code(new ChangeParticipantStatus(A, ParticipantStatus.Suspended)));
        Assert.Equal(SettlementResult.RejectedParticipantSuspended, h.PaymentInfo(1).Reason);
        Assert.Equal(PaymentStatus.Rejected, h.StatusOf(2));
        Assert.Equal(PaymentStatus.Queued, h.StatusOf(3));
    }

    [Fact]
    public void Ledger_and_account_result_codes()
    {
        SettlementHarness h = Standard();
        Assert.Equal(SettlementResult.LedgerMustNotBeZero, h.Code(new RegisterLedger(0, CentralBank, 3, 4, "USD")));
        Assert.Equal(SettlementResult.LedgerAlreadyRegistered, h.Code(new RegisterLedger(Eur, CentralBank, 3, 4, "USD")));
        Assert.Equal(SettlementResult.ParticipantNotFound, h.Code(new RegisterLedger(2, 999, 3, 4, "USD")));
        Assert.Equal(SettlementResult.NotACentralBank, h.Code(new RegisterLedger(2, A, 3, 4, "USD")));
        Assert.Equal(SettlementResult.AccountIdInvalid, h.Code(new RegisterLedger(2, CentralBank, 0, 4, "USD")));
        Assert.Equal(SettlementResult.AccountIdInvalid, h.Code(new RegisterLedger(2, CentralBank, 3, 3, "USD")));
        Assert.Equal(SettlementResult.AccountIdInUse, h.Code(new RegisterLedger(2, CentralBank, AccountOf(A), 4, "USD")));
        Assert.Equal(SettlementResult.Ok, h.Code(new RegisterLedger(2, CentralBank, 3, 4, "USD")));

        Assert.Equal(SettlementResult.ParticipantNotFound, h.Code(new OpenSettlementAccount(999, 2, 500)));
        Assert.Equal(SettlementResult.NotADirectParticipant, h.Code(new OpenSettlementAccount(CentralBank, 2, 500)));
        Assert.Equal(SettlementResult.LedgerMustNotBeZero, h.Code(new OpenSettlementAccount(A, 0, 500)));
        Assert.Equal(SettlementResult.LedgerNotRegistered, h.Code(new OpenSettlementAccount(A, 3, 500)));
        Assert.Equal(SettlementResult.SettlementAccountExists, h.Code(new OpenSettlementAccount(A, Eur, 500)));
        Assert.Equal(SettlementResult.AccountIdInvalid, h.Code(new OpenSettlementAccount(A, 2, UInt128.MaxValue)));
        Assert.Equal(SettlementResult.AccountIdInUse, h.Code(new OpenSettlementAccount(A, 2, 3)));
        Assert.Equal(SettlementResult.Ok, h.Code(new OpenSettlementAccount(A, 2, 500)));
        Assert.Equal(2, h.Engine.Settlement.GetParticipant(A)!.Accounts.Count);
        h.Code(new ChangeParticipantStatus(B, ParticipantStatus.Suspended));
        Assert.Equal(SettlementResult.ParticipantNotActive, h.Code(new OpenSettlementAccount(B, 2, 501)));
    }

    [Fact]
    public void Injection_and_withdrawal_move_central_bank_money()
    {
        SettlementHarness h = Standard();
        Assert.Equal(SettlementResult.Ok, h.Code(new MoveLiquidity(900, A, Eur, 1_000, LiquidityDirection.Inject)));
        Assert.Equal(1_000, h.Balance(A));
        h.Engine.Ledger.TryGetAccount(1, out var cb);
        Assert.Equal(-1_000, cb.BalancePosted);
        Assert.Equal(SettlementResult.AlreadyApplied, h.Code(new MoveLiquidity(900, A, Eur, 1_000, LiquidityDirection.Inject)));
        Assert.Equal(SettlementResult.TransferIdExistsWithDifferentContent, h.Code(new MoveLiquidity(900, A, Eur, 999, LiquidityDirection.Inject)));
        Assert.Equal(SettlementResult.InsufficientFunds, h.Code(new MoveLiquidity(901, A, Eur, 1_001, LiquidityDirection.Withdraw)));
        Assert.Equal(SettlementResult.Ok, h.Code(new MoveLiquidity(902, A, Eur, 400, LiquidityDirection.Withdraw)));
        Assert.Equal(600, h.Balance(A));
        Assert.Equal(SettlementResult.TransferIdInvalid, h.Code(new MoveLiquidity(0, A, Eur, 1, LiquidityDirection.Inject)));
        Assert.Equal(SettlementResult.InvalidDirection, h.Code(new MoveLiquidity(903, A, Eur, 1, (LiquidityDirection)7)));
        Assert.Equal(SettlementResult.AmountMustBePositive, h.Code(new MoveLiquidity(903, A, Eur, 0, LiquidityDirection.Inject)));
        Assert.Equal(SettlementResult.AmountTooLarge, h.Code(new MoveLiquidity(903, A, Eur, SettlementState.MaxAmountMinor + 1, LiquidityDirection.Inject)));
        Assert.Equal(SettlementResult.SettlementAccountNotFound, h.Code(new MoveLiquidity(903, CentralBank, Eur, 1, LiquidityDirection.Inject)));
        Assert.Equal(SettlementResult.LedgerNotRegistered, h.Code(new MoveLiquidity(903, A, 9, 1, LiquidityDirection.Inject)));
        AssertLedgerInvariants(h.Engine.Ledger);
    }

    [Fact]
    public void Credit_line_adds_liquidity_and_cannot_be_withdrawn()
    {
        SettlementHarness h = Standard();
        Assert.Equal(SettlementResult.Ok, h.Code(new SetCreditLine(800, A, Eur, 500)));
        Assert.Equal(500, h.Balance(A));
        Assert.Equal(500, h.Engine.Settlement.GetSettlementAccount(A, Eur)!.CreditLineMinor);
        Assert.Equal(SettlementResult.AlreadyApplied, h.Code(new SetCreditLine(800, A, Eur, 500)));
        Assert.Equal(SettlementResult.InsufficientFunds, h.Code(new MoveLiquidity(801, A, Eur, 1, LiquidityDirection.Withdraw)));
        Assert.Equal(SettlementResult.Ok, h.Pay(1, A, B, 450).Result);
        Assert.Equal(SettlementResult.CreditLineInUse, h.Code(new SetCreditLine(802, A, Eur, 0)));
        h.Fund(A, 400);
        Assert.Equal(SettlementResult.Ok, h.Code(new SetCreditLine(803, A, Eur, 100)));
        Assert.Equal(50, h.Balance(A));
        Assert.Equal(100, h.Engine.Settlement.GetSettlementAccount(A, Eur)!.CreditLineMinor);
        Assert.Equal(SettlementResult.AmountMustNotBeNegative, h.Code(new SetCreditLine(804, A, Eur, -1)));
        Assert.Equal(SettlementResult.TransferIdExistsWithDifferentContent, h.Code(new SetCreditLine(900, B, Eur, 5) with { TransferId = 803 }));
    }

    [Fact]
    public void Reservation_and_limit_result_codes()
    {
        SettlementHarness h = Standard();
        Assert.Equal(SettlementResult.AmountMustNotBeNegative, h.Code(new SetReservation(A, Eur, -1, 0)));
        Assert.Equal(SettlementResult.AmountTooLarge, h.Code(new SetReservation(A, Eur, 0, SettlementState.MaxAmountMinor + 1)));
        Assert.Equal(SettlementResult.ParticipantNotFound, h.Code(new SetReservation(999, Eur, 0, 0)));
        Assert.Equal(SettlementResult.InvalidCounterparty, h.Code(new SetSendingLimit(A, Eur, A, 10)));
        Assert.Equal(SettlementResult.InvalidCounterparty, h.Code(new SetSendingLimit(A, Eur, 999, 10)));
        Assert.Equal(SettlementResult.AmountMustNotBeNegative, h.Code(new SetSendingLimit(A, Eur, B, -10)));
        Assert.Equal(SettlementResult.Ok, h.Code(new SetSendingLimit(A, Eur, B, 10)));
        Assert.Equal(SettlementResult.Ok, h.Code(new SetSendingLimit(A, Eur, B, 0)));
    }
}
