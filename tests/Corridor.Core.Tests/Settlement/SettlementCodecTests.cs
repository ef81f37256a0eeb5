using CoreEngine = Corridor.Core.Engine.Engine;
using Corridor.Core.Engine;
using Corridor.Core.Settlement;

namespace Corridor.Core.Tests.Settlement;

public class SettlementCodecTests
{
    private static void RoundTrip<T>(T item) where T : ISettlementCommand<T>, IEquatable<T>
    {
        byte[] payload = SettlementCodec.EncodePayload<T>([item, item]);
        Assert.True(payload.Length <= 2 * T.MaxItemBytes);
        T[] back = SettlementCodec.DecodePayload<T>(payload, 2);
        Assert.Equal(item, back[0]);
        Assert.Equal(item, back[1]);
        byte[] command = SettlementCodec.EncodeCommand(item);
        int offset = 0;
        CommandFrame header = CommandBatch.Read(command, ref offset);
        Assert.Equal(T.Operation, header.Operation);
        Assert.Equal(1, header.Count);
        Assert.Equal(command.Length, offset);
    }

    [Fact]
    public void Every_command_round_trips()
    {
        RoundTrip(new RegisterParticipant(7, ParticipantRole.DirectParticipant, "Bänk ☃"));
        RoundTrip(new ChangeParticipantStatus(7, ParticipantStatus.Suspended));
        RoundTrip(new RegisterLedger(978, 1, UInt128.MaxValue - 1, 5, "EUR"));
        RoundTrip(new OpenSettlementAccount(7, 978, new UInt128(1, 2)));
        RoundTrip(new MoveLiquidity(9, 7, 978, long.MaxValue, LiquidityDirection.Withdraw));
        RoundTrip(new SetCreditLine(9, 7, 978, 123));
        RoundTrip(new SetReservation(7, 978, 1, 2));
        RoundTrip(new SetSendingLimit(7, 978, 8, 3));
        RoundTrip(new SubmitPayment(new UInt128(3, 4), 7, 8, 978, 99, PaymentPriority.High, PaymentKind.Interbank, 5, 6, 7));
        RoundTrip(new ManageQueuedPayment(7, 1, QueueAction.MoveBefore, PaymentPriority.Urgent, 2));
        RoundTrip(new RunLsm(978));
        RoundTrip(new OpenNettingWindow(1, 978, "retail 10:00"));
        RoundTrip(new CloseNettingWindow(1));
        RoundTrip(new OpenBusinessDay(20260102));
        RoundTrip(new ChangeDayPhase(DayPhase.EndOfDay));
        RoundTrip(new SetSettlementOptions(SettlementOptions.OffsetOnEntry));
    }

    [Fact]
    public void Truncated_payload_is_invalid_data()
    {
        byte[] payload = SettlementCodec.EncodePayload<SubmitPayment>([new SubmitPayment(1, 2, 3, 4, 5, PaymentPriority.Normal, PaymentKind.Customer, 0, 0, 0)]);
        for (int cut = 0; cut < payload.Length; cut++)
            Assert.Throws<InvalidDataException>(() => SettlementCodec.DecodePayload<SubmitPayment>(payload.AsSpan(0, cut), 1));
    }

    [Fact]
    public void Trailing_bytes_and_bad_counts_are_invalid_data()
    {
        byte[] payload = SettlementCodec.EncodePayload<RunLsm>([new RunLsm(1)]);
        Assert.Throws<InvalidDataException>(() => SettlementCodec.DecodePayload<RunLsm>([.. payload, 0], 1));
        Assert.Throws<InvalidDataException>(() => SettlementCodec.DecodePayload<RunLsm>(payload, -1));
        Assert.Throws<InvalidDataException>(() => SettlementCodec.DecodePayload<RunLsm>(payload, SettlementCodec.MaxItemsPerCommand + 1));
    }

    [Fact]
    public void Strings_are_bounded_and_must_be_utf8()
    {
        Assert.Throws<ArgumentException>(() => SettlementCodec.EncodePayload<RegisterParticipant>([new RegisterParticipant(1, ParticipantRole.Operator, new string('x', 65))]));
        SettlementCodec.EncodePayload<RegisterParticipant>([new RegisterParticipant(1, ParticipantRole.Operator, new string('x', 64))]);

        byte[] tooLong = new byte[8 + 1 + 1 + 65];
        tooLong[9] = 65;
        Assert.Throws<InvalidDataException>(() => SettlementCodec.DecodePayload<RegisterParticipant>(tooLong, 1));

        byte[] badUtf8 = [1, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0xC3, 0x28];
        Assert.Throws<InvalidDataException>(() => SettlementCodec.DecodePayload<RegisterParticipant>(badUtf8, 1));
    }

    [Fact]
    public void Malformed_settlement_command_in_a_batch_stops_the_engine()
    {
        var engine = new CoreEngine();
        byte[] command = SettlementCodec.EncodeCommand(new RunLsm(1));
        command[4] = 2; // claims two items, carries one
        Assert.Throws<InvalidDataException>(() => engine.Apply(1, 1, command, null));
    }
}
