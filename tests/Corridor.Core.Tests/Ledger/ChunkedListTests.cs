using System.Runtime.CompilerServices;
using CsCheck;
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

    /// <summary>
    /// A list restored from a snapshot (<see cref="ChunkedList{T}.AddUninitialized"/>, its first chunk sized to what it holds) or
    /// built by appends, then any mix of appends, writes, undone tails and freezes: a frozen view always reads exactly the items
    /// of its moment (a chunk copied on write copies only the items in use), and the list reads the model's.
    /// </summary>
    [Fact]
    public void A_frozen_view_keeps_its_items_whatever_the_owner_does_after()
    {
        Gen.Select(Gen.Int[0, 3_000], Gen.Select(Gen.Int[0, 5], Gen.Int[0, 1_000_000]).Array[1, 300]).Sample((restored, ops) =>
        {
            var list = new ChunkedList<long>();
            var model = new List<long>();
            list.AddUninitialized(restored);
            for (int c = 0; c < list.ChunkCount; c++)
            {
                Span<long> span = list.ChunkSpan(c);
                for (int i = 0; i < span.Length; i++) span[i] = (c << ChunkedList<long>.ChunkShift) + i;
            }
            for (int i = 0; i < restored; i++) model.Add(i);
            ChunkedView<long>? view = null;
            long[] frozen = [];
            long next = 10_000_000;
            foreach ((int kind, int arg) in ops)
            {
                switch (kind)
                {
                    case 0: // appends, sometimes past a chunk's end
                        for (int k = arg % (arg % 7 == 0 ? 70_000 : 50); k >= 0; k--) { list.Add() = next; model.Add(next++); }
                        break;
                    case 1 when model.Count > 0: // a write to an item
                        int at = arg % model.Count;
                        list.Mut(at) = -next;
                        model[at] = -next++;
                        break;
                    case 2 when model.Count > frozen.Length: // a failed chain's tail undone (only items of the batch being applied: after the freeze)
                        int keep = Math.Max(view is null ? 0 : frozen.Length, model.Count - 1 - arg % 20);
                        list.Truncate(keep);
                        model.RemoveRange(keep, model.Count - keep);
                        break;
                    case 3: // a snapshot's freeze, or its release
                        if (view is null) { view = list.Freeze(); frozen = model.ToArray(); }
                        else { Check(view, frozen); view.Release(); view = null; frozen = []; }
                        break;
                }
            }
            if (view is not null)
            {
                if (frozen.Length > 0) Assert.Throws<InvalidOperationException>(() => list.Truncate(frozen.Length - 1)); // never below a view in use
                Check(view, frozen);
                view.Release();
            }
            Assert.Equal(model.Count, list.Count);
            for (int i = 0; i < model.Count; i++) Assert.Equal(model[i], list[i]);
        }, iter: 200);

        static void Check(ChunkedView<long> view, long[] frozen)
        {
            Assert.Equal(frozen.Length, view.Count);
            for (int i = 0; i < frozen.Length; i++) Assert.Equal(frozen[i], view[i]);
        }
    }
}
