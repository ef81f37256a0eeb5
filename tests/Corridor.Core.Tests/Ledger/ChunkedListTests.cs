using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Corridor.Core.Ledger;

namespace Corridor.Core.Tests.Ledger;

public class ChunkedListTests
{
    [Fact]
    public unsafe void Attached_items_are_read_where_they_lie_and_a_frozen_view_keeps_them_while_the_owner_writes()
    {
        const int Count = 3 * ChunkedList<long>.ChunkLength + 1_000; // three whole chunks and a partial one
        long* memory = (long*)NativeMemory.Alloc(Count, sizeof(long));
        try
        {
            for (int i = 0; i < Count; i++) memory[i] = i;
            var list = new ChunkedList<long>();
            list.AttachMapped(Count, (byte*)memory, new object());
            Assert.Equal(Count, list.Count);
            for (int i = 0; i < Count; i += 997) Assert.Equal(i, list[i]);
            Assert.True(Unsafe.AreSame(ref Unsafe.AsRef(in list[5]), ref memory[5])); // a whole chunk: the memory itself
            Assert.False(Unsafe.AreSame(ref Unsafe.AsRef(in list[Count - 1]), ref memory[Count - 1])); // the partial one: a copy

            list.Mut(1) = -1; // no view: written in place
            Assert.Equal(-1, memory[1]);

            ChunkedView<long> view = list.Freeze();
            list.Mut(2) = -2;
            list.Mut(ChunkedList<long>.ChunkLength + 2) = -3;
            for (int i = 0; i < 70_000; i++) list.Add() = 1_000_000 + i; // appends into the partial chunk's copy, then new chunks
            Assert.Equal(2, memory[2]); // chunk copied before the write: the frozen items stay
            Assert.Equal(2, view[2]);
            Assert.Equal(ChunkedList<long>.ChunkLength + 2, view[ChunkedList<long>.ChunkLength + 2]);
            Assert.Equal(Count, view.Count);
            Assert.Equal(-2, list[2]);
            Assert.Equal(-3, list[ChunkedList<long>.ChunkLength + 2]);
            Assert.Equal(1_000_000 + 69_999, list[list.Count - 1]);
            long sum = 0;
            for (int c = 0; c < view.ChunkCount; c++) foreach (long v in view.Segment(c)) sum += v;
            Assert.Equal((long)Count * (Count - 1) / 2 - 1 - 1, sum); // item 1 was -1 before the freeze
            view.Release();
        }
        finally
        {
            NativeMemory.Free(memory);
        }
    }

    [Fact]
    public void A_small_first_chunk_grows_and_a_view_keeps_the_old_one()
    {
        var list = new ChunkedList<int>();
        for (int i = 0; i < 300; i++) list.Add() = i;
        ChunkedView<int> view = list.Freeze();
        for (int i = 300; i < 70_000; i++) list.Add() = i;
        list.Mut(0) = -1;
        Assert.Equal(300, view.Count);
        Assert.Equal(0, view[0]);
        Assert.Equal(299, view[299]);
        Assert.Equal(-1, list[0]);
        Assert.Equal(69_999, list[69_999]);
        view.Release();
    }
}
