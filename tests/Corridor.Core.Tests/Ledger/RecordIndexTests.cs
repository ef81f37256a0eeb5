using CsCheck;
using Corridor.Core.Engine;
using Corridor.Core.Ledger;

namespace Corridor.Core.Tests.Ledger;

public class RecordIndexTests
{
    private sealed record Item(UInt128 Id);

    [Fact]
    public void Finds_every_record_by_its_id_as_a_dictionary_would_through_the_tables_growth()
    {
        // Up to 3 × a full page of the id table: the table grows (moving its slots a few per add) while records are added.
        Gen.Select(Gen.UInt[1, 200_000], Gen.Int[0, 3 * (int)(IdIndex.PageLength * IdIndex.MaxLoad)]).Sample((seed, count) =>
        {
            var list = new RecordList<Item>();
            var index = new RecordIndex<Item>(list);
            var model = new Dictionary<UInt128, Item>();
            var random = new Random((int)seed);
            for (int i = 0; i < count; i++)
            {
                UInt128 id = new((ulong)random.Next(0, 3), (ulong)random.NextInt64(1, long.MaxValue)); // high words collide too
                if (model.ContainsKey(id)) continue;
                var item = new Item(id);
                list.Add(item);
                index.Add(id, item);
                model[id] = item;
            }
            Assert.Equal(model.Count, index.Count);
            foreach (var (id, item) in model)
            {
                Assert.True(index.TryGetValue(id, out Item? found));
                Assert.Same(item, found);
                Assert.Same(item, index[id]);
                Assert.True(index.ContainsKey(id));
            }
            for (int i = 0; i < 100; i++)
            {
                UInt128 unknown = new(7, (ulong)random.NextInt64(1, long.MaxValue));
                Assert.False(index.TryGetValue(unknown, out _));
                Assert.Throws<KeyNotFoundException>(() => index[unknown]);
            }
        }, iter: 20);
    }

    [Fact]
    public void Refuses_zero_an_id_twice_and_a_record_that_is_not_the_one_just_appended()
    {
        var list = new RecordList<Item>();
        var index = new RecordIndex<Item>(list);
        var first = new Item(1);
        Assert.Throws<InvalidOperationException>(() => index.Add(1, first)); // not in the list yet
        list.Add(first);
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Add(UInt128.Zero, first));
        index.Add(1, first);
        var second = new Item(2);
        list.Add(second);
        Assert.Throws<InvalidOperationException>(() => index.Add(2, first)); // not the record just appended
        Assert.Throws<InvalidOperationException>(() => index.Add(1, second)); // id 1 is indexed
        index.Add(2, second);
        Assert.Equal(2, index.Count);
        Assert.False(index.TryGetValue(UInt128.Zero, out _));
        Assert.Same(second, index[2]);
    }
}
