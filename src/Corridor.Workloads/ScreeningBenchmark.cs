using System.Collections.Immutable;
using System.Diagnostics;
using Corridor.Core.Compliance;

namespace Corridor.Workloads;

/// <summary>Figures from one <see cref="ScreeningBenchmark.Run"/>.</summary>
public sealed record ScreeningBenchmarkResult(
    int WatchListEntries,
    int IndexedNames,
    int Payments,
    int Threads,
    long BuildMs,
    long ScreenMs,
    double PaymentsPerSecond,
    int PaymentsWithHits,
    long TotalHits,
    int PlantedHits,
    int PlantedFound,
    string WatchListHash);

/// <summary>
/// Screening throughput harness for <c>corridor bench screening</c>: a seeded synthetic watch list,
/// seeded payments (originator + beneficiary each; 1 in 100 carries a listed name, respelled), screened
/// and timed. Compliance itself has no clock; this harness reads one only to measure, and hit counts depend on the seed alone.
/// </summary>
public static class ScreeningBenchmark
{
    /// <summary>Bounds on a run.</summary>
    public const int MaxEntries = 2_000_000;
    public const int MaxPayments = 10_000_000;

    /// <summary>One payment in this many carries a listed name.</summary>
    public const int PlantedEvery = 100;

    public static ScreeningBenchmarkResult Run(int watchListEntries = 100_000, int payments = 100_000, int seed = 42, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(watchListEntries, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(watchListEntries, MaxEntries);
        ArgumentOutOfRangeException.ThrowIfLessThan(payments, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payments, MaxPayments);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);

        var list = GenerateWatchList(watchListEntries, (ulong)seed);
        var build = Stopwatch.StartNew();
        var screener = new Screener(list);
        build.Stop();

        var (originators, beneficiaries, planted) = GeneratePayments(list, payments, (ulong)seed ^ 0x5EED_0F_9A7_0000UL);

        var hitsPerPayment = new int[payments];
        var clock = Stopwatch.StartNew();
        if (threads == 1)
        {
            for (int i = 0; i < payments; i++) hitsPerPayment[i] = screener.Screen(originators[i], beneficiaries[i]).Hits.Length;
        }
        else
        {
            // Each payment writes its own slot: results are identical to the single-threaded run.
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                for (int i = t; i < payments; i += threads) hitsPerPayment[i] = screener.Screen(originators[i], beneficiaries[i]).Hits.Length;
            });
        }
        clock.Stop();

        int withHits = 0, plantedFound = 0;
        long total = 0;
        for (int i = 0; i < payments; i++)
        {
            total += hitsPerPayment[i];
            if (hitsPerPayment[i] > 0) withHits++;
            if (planted[i] && hitsPerPayment[i] > 0) plantedFound++;
        }
        int plantedCount = 0;
        foreach (bool p in planted) if (p) plantedCount++;
        double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        return new ScreeningBenchmarkResult(watchListEntries, screener.IndexedNames, payments, threads, build.ElapsedMilliseconds,
            clock.ElapsedMilliseconds, payments / seconds, withHits, total, plantedCount, plantedFound, list.ContentHash);
    }

    /// <summary>A seeded synthetic list: persons (with an alias in 1 of 5) and companies.</summary>
    public static WatchList GenerateWatchList(int entries, ulong seed)
    {
        var names = new SyntheticNames(seed);
        var list = new List<WatchListEntry>(entries);
        for (int i = 0; i < entries; i++)
        {
            bool company = names.Below(5) == 0;
            string primary = company ? names.Company() : names.Person();
            ImmutableArray<string> all = names.Below(5) == 0 ? [primary, company ? names.Company() : names.Person()] : [primary];
            list.Add(new WatchListEntry($"SYN-{i:D7}", company ? WatchListEntryKind.Organisation : WatchListEntryKind.Person,
                all, [], [], "SYNTHETIC"));
        }
        return WatchList.Create("synthetic", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), list);
    }

    private static (PartyInfo[] Originators, PartyInfo[] Beneficiaries, bool[] Planted) GeneratePayments(WatchList list, int payments, ulong seed)
    {
        var names = new SyntheticNames(seed);
        var originators = new PartyInfo[payments];
        var beneficiaries = new PartyInfo[payments];
        var planted = new bool[payments];
        for (int i = 0; i < payments; i++)
        {
            originators[i] = PartyInfo.PersonNamed(names.Person());
            bool plant = names.Below(PlantedEvery) == 0;
            string beneficiary = plant ? Respell(list.Entries[names.Below(list.Entries.Length)].PrimaryName) : names.Any();
            beneficiaries[i] = new PartyInfo(PartyKind.Person, beneficiary);
            planted[i] = plant;
        }
        return (originators, beneficiaries, planted);
    }

    // "Given Surname" → "SURNAME, Given" (word order and case change, punctuation added).
    private static string Respell(string name)
    {
        int space = name.LastIndexOf(' ');
        if (space < 0) return name.ToUpperInvariant();
        return name[(space + 1)..].ToUpperInvariant() + ", " + name[..space];
    }
}
