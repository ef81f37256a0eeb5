using System.Collections.Immutable;
using Corridor.Core.Compliance;
using Corridor.Workloads;
using CsCheck;
using Xunit;

namespace Corridor.Core.Tests.Compliance;

public class ScreeningPropertyTests
{
    private const string NameChars = "abcdefghijklmnopqrstuvwxyzABCXYZ éüßøłñ-'.,абвгдежзийклмнопрстуфхцчшщыэюяАБВЁіїєґ김이박정은민준서연αβγδΩ";

    private static readonly Gen<string> AnyName = Gen.OneOf(
        Gen.ULong.Select(seed => new SyntheticNames(seed).Any()),
        Gen.String[Gen.Char[NameChars], 1, 40]);

    [Fact]
    public void A_name_always_matches_itself_at_100() =>
        AnyName.Sample(name =>
        {
            if (NameNormalizer.Normalize(name).Length == 0) return;
            Assert.Equal(100, NameMatcher.Score(name, name));
            var screener = new Screener(WatchList.Create("self", "1", [ScreeningTests.Person("SELF", name)]));
            var hit = Assert.Single(screener.ScreenName(name));
            Assert.Equal(100, hit.Score);
        }, iter: 300, threads: 1);

    [Fact]
    public void Normalization_is_idempotent() =>
        AnyName.Sample(name =>
        {
            string once = NameNormalizer.Normalize(name);
            Assert.Equal(once, NameNormalizer.Normalize(once));
        }, iter: 500, threads: 1);

    [Fact]
    public void Screening_is_deterministic_and_independent_of_entry_order() =>
        Gen.Select(Gen.ULong, Gen.ULong, Gen.Int[5, 60]).Sample(t =>
        {
            var (listSeed, shuffleSeed, size) = t;
            var names = new SyntheticNames(listSeed);
            var entries = new List<WatchListEntry>();
            for (int i = 0; i < size; i++) entries.Add(ScreeningTests.Person($"E{i}", names.Any(), names.Any()));
            var shuffled = entries.ToArray();
            var rng = new SyntheticNames(shuffleSeed);
            for (int i = shuffled.Length - 1; i > 0; i--)
            {
                int j = rng.Below(i + 1);
                (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
            }
            var a = new Screener(WatchList.Create("l", "1", entries), threshold: 70);
            var b = new Screener(WatchList.Create("l", "1", shuffled), threshold: 70);
            Assert.Equal(a.WatchList.ContentHash, b.WatchList.ContentHash);
            // Queries: every listed name (respelled) plus fresh names.
            var queries = new List<string>();
            foreach (var e in entries) queries.Add(e.PrimaryName.ToUpperInvariant());
            for (int i = 0; i < 20; i++) queries.Add(names.Any());
            foreach (var q in queries)
            {
                var originator = PartyInfo.PersonNamed(q);
                var beneficiary = PartyInfo.PersonNamed(queries[(queries.IndexOf(q) + 1) % queries.Count]);
                var ra = a.Screen(originator, beneficiary);
                var rb = b.Screen(originator, beneficiary);
                Assert.Equal(ra.Status, rb.Status);
                Assert.Equal(ra.Hits.ToArray(), rb.Hits.ToArray());
                Assert.Equal(ra.Hits.ToArray(), a.Screen(originator, beneficiary).Hits.ToArray());
            }
            foreach (var e in entries) Assert.Contains(a.ScreenName(e.PrimaryName), h => h.EntryId == e.Id && h.Score == 100);
        }, iter: 40, threads: 1);

    [Fact]
    public void Benchmark_is_deterministic_for_a_seed()
    {
        var first = ScreeningBenchmark.Run(watchListEntries: 2_000, payments: 500, seed: 7);
        var second = ScreeningBenchmark.Run(watchListEntries: 2_000, payments: 500, seed: 7, threads: 2);
        Assert.Equal(first.WatchListHash, second.WatchListHash);
        Assert.Equal(first.TotalHits, second.TotalHits);
        Assert.Equal(first.PaymentsWithHits, second.PaymentsWithHits);
        Assert.Equal(first.PlantedHits, first.PlantedFound);
        Assert.True(first.PaymentsPerSecond > 0);
    }
}
