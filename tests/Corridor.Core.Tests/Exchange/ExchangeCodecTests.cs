using System.Buffers.Binary;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using static Corridor.Core.Tests.Exchange.ExchangeFixture;

namespace Corridor.Core.Tests.Exchange;

/// <summary>Binary codecs: exact round trips, fixed sizes, and InvalidDataException on every kind of malformed input.</summary>
public class ExchangeCodecTests
{
    private static T RoundTrip<T>(Operation op, T item) where T : IExchangeItem<T>
    {
        byte[] command = ExchangeCommands.Encode(op, item);
        int offset = 0;
        CommandFrame c = CommandBatch.Read(command, ref offset);
        Assert.Equal((op, 1), (c.Operation, c.Count));
        T[] back = ExchangeCommands.Decode<T>(command.AsSpan(c.PayloadOffset, c.PayloadBytes), c.Count);
        return Assert.Single(back);
    }

    [Fact]
    public void Every_command_round_trips()
    {
        var f = new ExchangeFixture();
        Assert.Equal(new ConfigureCurrency("XLC", 2, 5000), RoundTrip(Operation.ConfigureCurrency, new ConfigureCurrency("XLC", 2, 5000)));
        PublishQuote q = f.Quote(1);
        Assert.Equal(q, RoundTrip(Operation.PublishQuote, q));
        Assert.Equal(new WithdrawQuote(1, 3), RoundTrip(Operation.WithdrawQuote, new WithdrawQuote(1, 3)));
        LockQuote l = f.LockRequest(UInt128.MaxValue, 1, long.MaxValue, AmountSide.Destination, 3600);
        Assert.Equal(l, RoundTrip(Operation.LockQuote, l));
        Assert.Equal(new ReleaseLock(5, 1), RoundTrip(Operation.ReleaseLock, new ReleaseLock(5, 1)));
        PayAgainstLock p = Payment(200, 100) with { Originator = Originator with { Name = "株式会社 東京貿易 🚢" } };
        Assert.Equal(p, RoundTrip(Operation.PayAgainstLock, p));
        var t = new FxTradeInstruction(1, 2, 2, 3, "USD", "KES", 10, 20, 4, 5, 6, 7, 8);
        Assert.Equal(t, RoundTrip(Operation.SubmitFxTrade, t));
        Assert.Equal(new CancelFxTrade(1, 2), RoundTrip(Operation.CancelFxTrade, new CancelFxTrade(1, 2)));
    }

    [Fact]
    public void Fixed_size_items_have_their_documented_size()
    {
        var f = new ExchangeFixture();
        Assert.Equal(CommandBatch.HeaderBytes + 8, ExchangeCommands.Encode(Operation.ConfigureCurrency, new ConfigureCurrency("USD", 2, 0)).Length);
        Assert.Equal(CommandBatch.HeaderBytes + 116, ExchangeCommands.Encode(Operation.PublishQuote, f.Quote(1)).Length);
        Assert.Equal(CommandBatch.HeaderBytes + 88, ExchangeCommands.Encode(Operation.LockQuote, f.LockRequest(1, 1, 1)).Length);
        Assert.Equal(CommandBatch.HeaderBytes + 136, ExchangeCommands.Encode(Operation.SubmitFxTrade, new FxTradeInstruction(1, 2, 2, 3, "USD", "KES", 10, 20, 4, 5, 6, 7, 8)).Length);
    }

    private static byte[] PaymentPayload() => ExchangeCommands.Encode(Operation.PayAgainstLock, Payment(200, 100))[CommandBatch.HeaderBytes..];

    [Fact]
    public void Truncated_payload_throws()
    {
        byte[] payload = PaymentPayload();
        for (int cut = 0; cut < payload.Length; cut += 7)
            Assert.Throws<InvalidDataException>(() => ExchangeCommands.Decode<PayAgainstLock>(payload.AsSpan(0, cut), 1));
    }

    [Fact]
    public void Trailing_bytes_and_excess_count_throw()
    {
        byte[] payload = [.. PaymentPayload(), 0];
        Assert.Throws<InvalidDataException>(() => ExchangeCommands.Decode<PayAgainstLock>(payload, 1));
        Assert.Throws<InvalidDataException>(() => ExchangeCommands.Decode<PayAgainstLock>(PaymentPayload(), 2));
        Assert.Throws<InvalidDataException>(() => ExchangeCommands.Decode<ReleaseLock>(new byte[24], ExchangeCommands.MaxItemsPerCommand + 1));
    }

    [Fact]
    public void Invalid_utf8_and_over_long_strings_throw()
    {
        byte[] payload = PaymentPayload();
        // The originator name starts at byte 40: u16 length then UTF-8.
        byte[] bad = (byte[])payload.Clone();
        bad[42] = 0xC3; bad[43] = 0x28; // invalid continuation byte
        Assert.Throws<InvalidDataException>(() => ExchangeCommands.Decode<PayAgainstLock>(bad, 1));

        byte[] longName = (byte[])payload.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(longName.AsSpan(40), (ushort)(Party.MaxName * 4 + 1));
        Assert.Throws<InvalidDataException>(() => ExchangeCommands.Decode<PayAgainstLock>(longName, 1));

        Assert.Throws<ArgumentException>(() => ExchangeCommands.Encode(Operation.PayAgainstLock,
            Payment(1, 1) with { Originator = Originator with { Name = new string('x', Party.MaxName + 1) } }));
        Assert.ThrowsAny<ArgumentException>(() => ExchangeCommands.Encode(Operation.PayAgainstLock,
            Payment(1, 1) with { Originator = Originator with { Name = "\ud800" } })); // lone surrogate: refuse, never replace
        // 140 characters of 4-byte UTF-8 are within the limit.
        string emoji = string.Concat(Enumerable.Repeat("🚢", Party.MaxName));
        PayAgainstLock wide = Payment(1, 1) with { Originator = Originator with { Name = emoji } };
        Assert.Equal(wide, RoundTrip(Operation.PayAgainstLock, wide));
    }

    [Fact]
    public void Non_zero_padding_and_non_ascii_codes_throw()
    {
        var f = new ExchangeFixture();
        byte[] quote = ExchangeCommands.Encode(Operation.PublishQuote, f.Quote(1))[CommandBatch.HeaderBytes..];
        quote[30] = 1; // padding after the two currency codes
        Assert.Throws<InvalidDataException>(() => ExchangeCommands.Decode<PublishQuote>(quote, 1));
        byte[] config = ExchangeCommands.Encode(Operation.ConfigureCurrency, new ConfigureCurrency("USD", 2, 0))[CommandBatch.HeaderBytes..];
        config[0] = 0xC3;
        Assert.Throws<InvalidDataException>(() => ExchangeCommands.Decode<ConfigureCurrency>(config, 1));
    }

    [Fact]
    public void Engine_rejects_malformed_exchange_command_without_changing_state()
    {
        var f = new ExchangeFixture();
        byte[] command = ExchangeCommands.Encode(Operation.PublishQuote, f.Quote(1), f.Quote(2));
        byte[] truncated = command[..^5];
        BinaryPrimitives.WriteInt32LittleEndian(truncated.AsSpan(8), truncated.Length - CommandBatch.HeaderBytes);
        Assert.Throws<InvalidDataException>(() => f.Engine.Apply(f.Engine.Sequence + 1, f.Now, truncated, null));
        Assert.Equal(0, f.X.QuoteCount);
    }
}
