using CsCheck;
using Corridor.Core.Ledger;

namespace Corridor.Core.Tests.Ledger;

public class IdIndexTests
{
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
}
