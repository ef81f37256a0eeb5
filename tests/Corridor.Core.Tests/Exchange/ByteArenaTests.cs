using Corridor.Core.Exchange;
using CsCheck;

namespace Corridor.Core.Tests.Exchange;

/// <summary>
/// The arena that keeps PvP payments' journaled bytes: every slice reads back what was copied into it, however many copies
/// follow (a slice never changes), and no chunk grows past its bound unless one byte string needs more.
/// </summary>
public sealed class ByteArenaTests
{
    [Fact]
    public void Every_slice_keeps_its_bytes_while_others_are_added() =>
        Gen.Byte.Array[0, 3_000].Array[1, 400].Sample(strings =>
        {
            var arena = new ByteArena();
            var slices = new List<ReadOnlyMemory<byte>>(strings.Length);
            foreach (byte[] s in strings) slices.Add(arena.Copy(s));
            for (int i = 0; i < strings.Length; i++) Assert.True(slices[i].Span.SequenceEqual(strings[i]), $"slice {i} changed");
        }, iter: 200);

    [Fact]
    public void Chunks_start_small_and_stop_doubling_at_their_bound()
    {
        var arena = new ByteArena();
        ReadOnlyMemory<byte> first = arena.Copy(new byte[100]);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(first, out ArraySegment<byte> a));
        Assert.Equal(ByteArena.FirstChunkBytes, a.Array!.Length);

        int largest = 0;
        for (int i = 0; i < 2_000; i++)
        {
            System.Runtime.InteropServices.MemoryMarshal.TryGetArray(arena.Copy(new byte[1_000]), out ArraySegment<byte> s);
            largest = Math.Max(largest, s.Array!.Length);
        }
        Assert.Equal(ByteArena.MaxChunkBytes, largest);

        var huge = new byte[ByteArena.MaxChunkBytes + 1];
        huge[^1] = 7;
        ReadOnlyMemory<byte> big = arena.Copy(huge);
        Assert.Equal(huge.Length, big.Length);
        Assert.Equal(7, big.Span[^1]);
        Assert.True(arena.Copy([]).IsEmpty);
    }
}
