using Corridor.Core.Engine;
using Corridor.Workloads;
using CsCheck;
using Xunit;

namespace Corridor.Core.Tests.Exchange;

/// <summary>
/// A snapshot of a state full of payment records: what is serialised at capture spans many 1 MiB segments
/// (<see cref="SegmentedBuffer"/>), and the captured image writes, hashes and restores exactly as the engine's own snapshot.
/// </summary>
public class PaymentStateSnapshotTests
{
    [Fact]
    public void A_captured_image_of_thousands_of_payments_writes_the_engines_snapshot_and_restores_its_state()
    {
        Engine.Engine engine = PvpBenchmark.SettledEngine(6_000, seed: 3);
        Engine.Engine.EngineSnapshot image = engine.CaptureSnapshot();
        var captured = new MemoryStream();
        try
        {
            Assert.Equal(engine.ComputeStateHash(), image.ComputeStateHash());
            image.WriteTo(captured);
        }
        finally { image.Release(); }
        var direct = new MemoryStream();
        engine.WriteSnapshot(direct);
        Assert.True(captured.Length > 4 * SegmentedBuffer.SegmentBytes, $"{captured.Length} bytes: too few payments to cross segments");
        Assert.Equal(direct.ToArray(), captured.ToArray());
        captured.Position = 0;
        Engine.Engine restored = Engine.Engine.ReadSnapshot(captured, out UInt128 hash);
        Assert.Equal(engine.ComputeStateHash(), hash);
        Assert.Equal(engine.StateHashHex(), restored.StateHashHex());
    }

    [Fact]
    public void Segments_hold_the_bytes_written_shared_and_deferred_in_order_whatever_the_sizes_of_the_writes() =>
        Gen.Int[0, 3 * SegmentedBuffer.SegmentBytes / 2].Array[1, 6].Sample(sizes =>
        {
            var buffer = new SegmentedBuffer();
            var expected = new MemoryStream();
            byte next = 0;
            foreach (int size in sizes)
            {
                var chunk = new byte[size];
                for (int i = 0; i < size; i++) chunk[i] = next++;
                if (size == 1) buffer.WriteByte(chunk[0]);
                else if (size % 3 == 0) buffer.WriteShared(chunk); // referred to, not copied
                else if (size % 5 == 0) buffer.Defer(size, w => w.Write(chunk)); // written later, when read (a frozen capture's records)
                else buffer.Write(chunk);
                expected.Write(chunk);
            }
            var actual = new MemoryStream();
            foreach (ReadOnlyMemory<byte> segment in buffer.Segments)
            {
                Assert.True(segment.Length > 0);
                actual.Write(segment.Span);
            }
            Assert.Equal(expected.Length, buffer.Length);
            Assert.Equal(expected.ToArray(), actual.ToArray());
            var again = new MemoryStream(); // read twice (the file, then the state hash): deferred pieces are written once
            foreach (ReadOnlyMemory<byte> segment in buffer.Segments) again.Write(segment.Span);
            Assert.Equal(expected.ToArray(), again.ToArray());
        }, iter: 40, threads: 1);

    [Fact]
    public void A_deferred_piece_that_writes_another_length_than_announced_is_refused()
    {
        var buffer = new SegmentedBuffer();
        buffer.Defer(3, w => w.Write(7L));
        Assert.Throws<InvalidOperationException>(() => { foreach (ReadOnlyMemory<byte> _ in buffer.Segments) { } });
    }
}
