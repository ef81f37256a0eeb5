using Corridor.Core.Settlement;
using static Corridor.Core.Tests.Settlement.SettlementHarness;

namespace Corridor.Core.Tests.Settlement;

/// <summary>Each named bound rejects exactly one past its edge.</summary>
public class BoundTests
{
    private static void InChunks<T>(SettlementHarness h, int total, Func<int, T> item) where T : ISettlementCommand<T>
    {
        for (int first = 0; first < total; first += SettlementCodec.MaxItemsPerCommand)
        {
            int count = Math.Min(SettlementCodec.MaxItemsPerCommand, total - first);
            var items = new T[count];
            for (int k = 0; k < count; k++) items[k] = item(first + k);
            Assert.True(h.Batch(SettlementCodec.EncodeCommand<T>(items))[0].AllOk);
        }
    }

    [Fact]
    public void Participants_are_bounded()
    {
        var h = new SettlementHarness();
        InChunks(h, SettlementState.MaxParticipants, i => new RegisterParticipant((ulong)i + 1, ParticipantRole.DirectParticipant, "p"));
        Assert.Equal(SettlementResult.TooManyParticipants, h.Code(new RegisterParticipant(ulong.MaxValue, ParticipantRole.DirectParticipant, "p")));
    }

    [Fact]
    public void Windows_are_bounded()
    {
        SettlementHarness h = Standard();
        InChunks(h, SettlementState.MaxWindows, i => new OpenNettingWindow((ulong)i + 1, Eur, ""));
        Assert.Equal(SettlementResult.TooManyWindows, h.Code(new OpenNettingWindow(ulong.MaxValue, Eur, "")));
    }

    [Fact]
    public void Bilateral_limits_per_account_are_bounded()
    {
        SettlementHarness h = Standard();
        int max = SettlementState.MaxBilateralLimitsPerAccount;
        InChunks(h, max + 1, i => new RegisterParticipant(1_000 + (ulong)i, ParticipantRole.DirectParticipant, "c"));
        InChunks(h, max, i => new SetSendingLimit(A, Eur, 1_000 + (ulong)i, 5));
        Assert.Equal(SettlementResult.TooManyLimits, h.Code(new SetSendingLimit(A, Eur, 1_000 + (ulong)max, 5)));
        Assert.Equal(SettlementResult.Ok, h.Code(new SetSendingLimit(A, Eur, 1_000, 6))); // changing an existing one is fine
    }

    [Fact]
    public void Suspended_central_bank_cannot_open_a_ledger()
    {
        SettlementHarness h = Standard();
        h.Code(new ChangeParticipantStatus(CentralBank, ParticipantStatus.Suspended));
        Assert.Equal(SettlementResult.ParticipantNotActive, h.Code(new RegisterLedger(2, CentralBank, 3, 4, "USD")));
    }
}
