using CsCheck;
using Corridor.Core.Ledger;

namespace Corridor.Core.Tests.Ledger;

public class IdIndexTests
{
    /// <summary>Ids that fill a table of one page (65,536 slots) to its limit: the next add grows it.</summary>
    private const int Full = (int)(IdIndex.PageLength * IdIndex.MaxLoad);

    [Fact]
    public void Zero_is_never_found_and_cannot_be_added()
    {
        var index = new IdIndex();
        Assert.False(index.TryGetValue(UInt128.Zero, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Add(UInt128.Zero, 1));
        Assert.False(index.Remove(UInt128.Zero));
    }

    [Fact]
    public void Behaves_like_a_dictionary_under_adds_removes_and_growth()
    {
        Gen.Select(Gen.UInt[1, 3_000], Gen.Bool).Array[0, 4_000].Sample(ops =>
        {
            var index = new IdIndex();
            var model = new Dictionary<UInt128, int>();
            int value = 0;
            foreach (var (raw, add) in ops)
            {
                UInt128 key = new(raw % 7, raw); // collide high words too
                if (add && !model.ContainsKey(key)) { index.Add(key, value); model[key] = value++; }
                else if (!add) Assert.Equal(model.Remove(key), index.Remove(key));
            }
            Assert.Equal(model.Count, index.Count);
            foreach (var (k, v) in model) { Assert.True(index.TryGetValue(k, out int got)); Assert.Equal(v, got); }
            for (uint raw = 1; raw <= 3_000; raw += 7)
            {
                UInt128 key = new(raw % 7, raw);
                Assert.Equal(model.ContainsKey(key), index.TryGetValue(key, out _));
            }
        }, iter: 100);
    }

    [Fact]
    public void A_large_table_grows_without_a_pause_and_stays_a_dictionary_while_its_ids_move()
    {
        // 49,152 ids (75 %) fill a table of 65,536 slots (a page): the next add starts the move into 131,072 slots, a slice per add.
        Gen.Select(Gen.UInt[1, Full + 20_000], Gen.Int[0, 3]).Array[0, 4_000].Sample(ops =>
        {
            var index = new IdIndex();
            var model = new Dictionary<UInt128, int>();
            for (uint i = 1; i <= Full; i++) { index.Add(new UInt128(i % 3, i), (int)i); model[new UInt128(i % 3, i)] = (int)i; }
            Assert.Equal(65_536, index.Capacity);
            int value = 1_000_000;
            foreach (var (raw, op) in ops)
            {
                UInt128 key = new(raw % 3, raw); // an id of the old table (raw ≤ Full) or a new one
                if (op < 2 && !model.ContainsKey(key)) { index.Add(key, value); model[key] = value++; }
                else if (op == 2) Assert.Equal(model.Remove(key), index.Remove(key));
                else Assert.Equal(model.TryGetValue(key, out int expected) ? expected : -1, index.TryGetValue(key, out int got) ? got : -1);
                Assert.Equal(model.Count, index.Count);
            }
            Assert.True(model.Count <= Full || index.Capacity == 131_072);
            foreach (var (k, v) in model) { Assert.True(index.TryGetValue(k, out int got)); Assert.Equal(v, got); }
            IdIndex.IdIndexView view = index.Freeze(); // the move finishes first: the view is the whole table
            Assert.Equal(model.Count, view.Count);
            view.Release();
            foreach (var (k, v) in model) { Assert.True(index.TryGetValue(k, out int got)); Assert.Equal(v, got); }
        }, iter: 20);
    }

    [Fact]
    public void A_table_of_four_pages_grows_into_memory_prepared_ahead_and_stays_a_dictionary_under_a_frozen_view()
    {
        // 262,144 slots (four pages): at 180,224 ids (68.75 %) the doubled table's memory is asked for, zeroed and faulted in
        // ahead; at 196,608 (75 %) the table moves into it. A view frozen in between keeps its bytes while that happens.
        const int Prepared = (int)(IdIndex.PreparedMinimumCapacity * IdIndex.PrepareLoad), Grows = (int)(IdIndex.PreparedMinimumCapacity * IdIndex.MaxLoad);
        long populatedBefore = Corridor.Core.Engine.FreshPages.PopulatedBytes;
        Gen.Select(Gen.UInt[1, Grows + 40_000], Gen.Int[0, 3]).Array[0, 3_000].Sample(ops =>
        {
            var index = new IdIndex();
            var model = new Dictionary<UInt128, int>();
            for (uint i = 1; i <= Prepared + 1_000; i++) { index.Add(new UInt128(i % 3, i), (int)i); model[new UInt128(i % 3, i)] = (int)i; }
            Assert.Equal(IdIndex.PreparedMinimumCapacity, index.Capacity);
            IdIndex.IdIndexView view = index.Freeze();
            byte[] frozen = Bytes(view);
            int value = 1_000_000;
            foreach (var (raw, op) in ops)
            {
                UInt128 key = new(raw % 3, raw);
                if (op < 2 && !model.ContainsKey(key)) { index.Add(key, value); model[key] = value++; }
                else if (op == 2) Assert.Equal(model.Remove(key), index.Remove(key));
                else Assert.Equal(model.TryGetValue(key, out int expected) ? expected : -1, index.TryGetValue(key, out int got) ? got : -1);
            }
            Assert.Equal(frozen, Bytes(view));
            view.Release();
            for (uint i = 1; model.Count <= Grows + 1_000; i++) // past the limit: the table grows into the prepared memory
            {
                UInt128 key = new(9, i);
                index.Add(key, (int)i);
                model[key] = (int)i;
            }
            Assert.Equal(2 * IdIndex.PreparedMinimumCapacity, index.Capacity);
            Assert.Equal(model.Count, index.Count);
            foreach (var (k, v) in model) { Assert.True(index.TryGetValue(k, out int got)); Assert.Equal(v, got); }
            IdIndex.IdIndexView now = index.View();
            Assert.Equal(model.Count, now.Count);
            now.Release();
        }, iter: 6);
        if (Corridor.Core.Engine.FreshPages.Active) // the doubled tables' memory was faulted in by the populating thread
        {
            long expected = 2L * IdIndex.PreparedMinimumCapacity * IdIndex.SlotBytes;
            DateTime until = DateTime.UtcNow.AddSeconds(30);
            while (Corridor.Core.Engine.FreshPages.PopulatedBytes - populatedBefore < expected && DateTime.UtcNow < until) Thread.Sleep(5);
            Assert.True(Corridor.Core.Engine.FreshPages.PopulatedBytes - populatedBefore >= expected);
        }
    }

    [Fact]
    public void Ids_deferred_in_one_call_are_found_with_their_values_and_one_already_in_the_table_refuses_them_all()
    {
        // A delta restore defers the ids since its base in one call, checked against the table in slot order.
        Gen.Select(Gen.Int[Full / 2, Full], Gen.UInt.Array[1, 3_000], Gen.Int[-1, 2_999]).Sample((inTable, raw, repeat) =>
        {
            var index = new IdIndex();
            for (uint i = 1; i <= inTable; i++) index.Add(new UInt128(1, i), (int)i);
            UInt128[] keys = raw.Distinct().Select(r => new UInt128(2, r)).ToArray();
            if (repeat >= 0 && repeat < keys.Length) // one of them is an id of the table already: refused, nothing added
            {
                keys[repeat] = new UInt128(1, (ulong)(repeat % inTable) + 1);
                Assert.Throws<InvalidOperationException>(() => index.AddDeferred(keys, 1_000_000));
                Assert.Equal(inTable, index.Count);
                return;
            }
            index.AddDeferred(keys, 1_000_000);
            Assert.Equal(inTable + keys.Length, index.Count);
            for (int k = 0; k < keys.Length; k++) { Assert.True(index.TryGetValue(keys[k], out int got)); Assert.Equal(1_000_000 + k, got); }
            for (uint i = 1; i <= inTable; i += 97) { Assert.True(index.TryGetValue(new UInt128(1, i), out int got)); Assert.Equal((int)i, got); }
            for (uint i = 1; i <= 2_000; i++) index.Add(new UInt128(3, i), (int)i); // later adds move the deferred ids into the table
            IdIndex.IdIndexView view = index.Freeze();
            Assert.Equal(inTable + keys.Length + 2_000, view.Count);
            view.Release();
            for (int k = 0; k < keys.Length; k++) { Assert.True(index.TryGetValue(keys[k], out int got)); Assert.Equal(1_000_000 + k, got); }
        }, iter: 40);
    }

    [Fact]
    public void Ids_added_while_frozen_past_a_page_of_slots_are_all_kept_through_the_release_and_the_moves()
    {
        // The side table that takes the adds of a long freeze grows past a page itself (at Full + 1 ids; Full + 679 leave its
        // move unfinished): it must grow at once (its owner moves its slots as they lie), or the ids its own growth had not yet
        // moved would be lost from the index and from the next view.
        var index = new IdIndex();
        var model = new Dictionary<UInt128, int>();
        for (uint i = 1; i <= 1_000; i++) { index.Add(new UInt128(1, i), (int)i); model[new UInt128(1, i)] = (int)i; }
        IdIndex.IdIndexView frozen = index.Freeze();
        for (uint i = 1; i <= Full + 679; i++) { index.Add(new UInt128(2, i), (int)i); model[new UInt128(2, i)] = (int)i; }
        IdIndex.IdIndexView merged = index.View(); // while frozen: a copy of the table with the side table's ids in it
        Assert.Equal(model.Count, merged.Count);
        merged.Release();
        frozen.Release();
        for (uint i = 1; i <= 3_000; i++) { index.Add(new UInt128(3, i), (int)i); model[new UInt128(3, i)] = (int)i; Assert.Equal(model.Count, index.Count); }
        foreach (var (k, v) in model) { Assert.True(index.TryGetValue(k, out int got)); Assert.Equal(v, got); }
        IdIndex.IdIndexView view = index.Freeze();
        Assert.Equal(model.Count, view.Count);
        var loaded = new IdIndex();
        byte[] bytes = Bytes(view);
        int offset = 0;
        loaded.Load(view.Capacity, view.Count, page => { bytes.AsSpan(offset, page.Length).CopyTo(page); offset += page.Length; });
        view.Release();
        foreach (var (k, v) in model) { Assert.True(loaded.TryGetValue(k, out int got)); Assert.Equal(v, got); }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_table_that_fills_while_a_side_table_is_still_moving_grows_without_losing_an_id(bool deferred)
    {
        // A delta restore's ids since the base (deferred) or a freeze's adds sit in a side table, moved a slice per add; the
        // table reaches its limit before they are all moved: the old table becomes the side table and the rest go to the new one.
        Gen.Int[1, 2_500].Sample(pending =>
        {
            var index = new IdIndex();
            var model = new Dictionary<UInt128, int>();
            void Add(UInt128 key, int value) { index.Add(key, value); model[key] = value; }
            for (uint i = 1; i <= Full - 1_321; i++) Add(new UInt128(1, i), (int)i);
            IdIndex.IdIndexView? frozen = deferred ? null : index.Freeze();
            for (uint i = 1; i <= pending; i++)
            {
                if (deferred) { index.AddDeferred([new UInt128(2, i)], (int)i); model[new UInt128(2, i)] = (int)i; }
                else Add(new UInt128(2, i), (int)i);
            }
            frozen?.Release();
            for (uint i = 1; i <= 3_000; i++)
            {
                Add(new UInt128(3, i), (int)i);
                Assert.Equal(model.Count, index.Count);
                if (i % 7 == 0) Assert.True(index.Remove(new UInt128(3, i - 1)) && model.Remove(new UInt128(3, i - 1)));
            }
            Assert.Equal(131_072, index.Capacity);
            foreach (var (k, v) in model) { Assert.True(index.TryGetValue(k, out int got)); Assert.Equal(v, got); }
            IdIndex.IdIndexView view = index.Freeze();
            Assert.Equal(model.Count, view.Count);
            view.Release();
        }, iter: 25);
    }

    [Fact]
    public void A_frozen_view_keeps_the_table_while_the_index_changes_and_loads_back_to_the_same_map()
    {
        Gen.Select(Gen.UInt[1, 120_000], Gen.Bool).Array[0, 3_000].Sample(ops =>
        {
            var index = new IdIndex();
            var model = new Dictionary<UInt128, int>();
            for (uint i = 1; i <= 45_000; i++) { index.Add(new UInt128(i % 5, i), (int)i); model[new UInt128(i % 5, i)] = (int)i; } // 2 pages of slots
            IdIndex.IdIndexView view = index.Freeze();
            byte[] before = Bytes(view);
            var frozen = new Dictionary<UInt128, int>(model);
            int value = 1_000_000;
            foreach (var (raw, add) in ops)
            {
                UInt128 key = new(raw % 5, raw);
                if (add && !model.ContainsKey(key)) { index.Add(key, value); model[key] = value++; }
                else if (!add) Assert.Equal(model.Remove(key), index.Remove(key));
            }
            for (uint i = 45_001; i <= 80_000; i++) { index.Add(new UInt128(7, i), (int)i); model[new UInt128(7, i)] = (int)i; } // past the view's load
            Assert.Equal(model.Count, index.Count);
            foreach (var (k, v) in model) { Assert.True(index.TryGetValue(k, out int got)); Assert.Equal(v, got); }
            Assert.Equal(before, Bytes(view));
            view.Release();
            // Released: the side table's ids move into the table a slice per add, while ids come and go.
            foreach (var (raw, add) in ops)
            {
                UInt128 key = new(raw % 5 + 10, raw);
                if (add && !model.ContainsKey(key)) { index.Add(key, value); model[key] = value++; }
                else if (!add) Assert.Equal(model.Remove(key), index.Remove(key));
                Assert.Equal(model.Count, index.Count);
            }
            IdIndex.IdIndexView now = index.View();
            Assert.Equal(model.Count, now.Count);
            now.Release();

            var loaded = new IdIndex();
            int offset = 0;
            loaded.Load(view.Capacity, view.Count, page => { before.AsSpan(offset, page.Length).CopyTo(page); offset += page.Length; });
            Assert.Equal(frozen.Count, loaded.Count);
            foreach (var (k, v) in frozen) { Assert.True(loaded.TryGetValue(k, out int got)); Assert.Equal(v, got); }
            Assert.False(loaded.ContainsKey(new UInt128(7, 45_001)));
            Assert.Equal(model.Count, index.Count);
            foreach (var (k, v) in model) { Assert.True(index.TryGetValue(k, out int got)); Assert.Equal(v, got); }
        }, iter: 8);
    }

    [Fact]
    public unsafe void An_attached_table_is_used_where_it_lies_and_copied_before_a_write_while_frozen()
    {
        var index = new IdIndex();
        for (uint i = 1; i <= 45_000; i++) index.Add(new UInt128(0, i), (int)i);
        byte[] bytes = Bytes(index.View());
        byte* memory = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)bytes.Length);
        try
        {
            bytes.CopyTo(new Span<byte>(memory, bytes.Length));
            var attached = new IdIndex();
            attached.AttachMapped(index.Capacity, index.Count, memory, new object());
            for (uint i = 1; i <= 45_000; i++) { Assert.True(attached.TryGetValue(new UInt128(0, i), out int v)); Assert.Equal((int)i, v); }
            IdIndex.IdIndexView view = attached.Freeze();
            for (uint i = 1; i <= 10_000; i++) Assert.True(attached.Remove(new UInt128(0, i)));
            Assert.Equal(bytes, new ReadOnlySpan<byte>(memory, bytes.Length).ToArray()); // written while frozen: pages copied first
            Assert.Equal(bytes, Bytes(view));
            view.Release();
            attached.Add(new UInt128(9, 9), 9); // not frozen any more: written in place
            Assert.True(attached.TryGetValue(new UInt128(9, 9), out _));
            Assert.False(attached.ContainsKey(new UInt128(0, 1)));
            Assert.Equal(35_001, attached.Count);
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.Free(memory);
        }
    }

    private static byte[] Bytes(IdIndex.IdIndexView view)
    {
        var all = new List<byte>();
        for (int p = 0; p < view.PageCount; p++) all.AddRange(view.PageBytes(p).ToArray());
        return [.. all];
    }
}
