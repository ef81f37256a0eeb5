using Corridor.Core.Settlement;
using Corridor.Simulation;

namespace Corridor.Simulation.Tests;

public class GeneratorTests
{
    private static readonly GeneratorSettings Small = new() { Participants = 30, Payments = 5_000, Seed = 7, Currencies = 3 };

    [Fact]
    public void Same_seed_gives_the_identical_day()
    {
        PaymentDay a = DayGenerator.Generate(Small), b = DayGenerator.Generate(Small);
        Assert.Equal(a.ComputeHash(), b.ComputeHash());
        Assert.Equal(a.AmountMinor, b.AmountMinor);
        Assert.Equal(a.TimeMs, b.TimeMs);
    }

    [Fact]
    public void Different_seed_gives_a_different_day()
    {
        PaymentDay a = DayGenerator.Generate(Small), b = DayGenerator.Generate(Small with { Seed = 8 });
        Assert.NotEqual(a.ComputeHash(), b.ComputeHash());
    }

    [Fact]
    public void Xoshiro_matches_the_reference_algorithm_and_is_seed_stable()
    {
        // Reference xoshiro256** (Blackman & Vigna, xoshiro256starstar.c) from state {1, 2, 3, 4}, worked by hand.
        var reference = new Xoshiro256(1, 2, 3, 4);
        Assert.Equal(11_520UL, reference.NextUInt64());
        Assert.Equal(0UL, reference.NextUInt64());
        Assert.Equal(1_509_978_240UL, reference.NextUInt64());

        var r1 = new Xoshiro256(42);
        var r2 = new Xoshiro256(42);
        for (int i = 0; i < 1000; i++) Assert.Equal(r1.NextUInt64(), r2.NextUInt64());
        var r = new Xoshiro256(1);
        for (int i = 0; i < 10_000; i++)
        {
            double u = r.NextDouble();
            Assert.InRange(u, 0.0, 1.0 - double.Epsilon);
            Assert.InRange(r.NextInt(7), 0, 6);
        }
    }

    [Fact]
    public void Day_has_the_requested_shape()
    {
        PaymentDay day = DayGenerator.Generate(Small);
        Assert.Equal(Small.Payments, day.Payments);
        Assert.Equal(30, day.Participants);
        Assert.Equal(["EUR", "NOK", "SEK"], day.Currencies.Select(c => c.Code));
        for (int i = 1; i < day.Payments; i++) Assert.True(day.TimeMs[i] >= day.TimeMs[i - 1]);
        int customers = 0, crossCurrencyLegs = 0, urgent = 0;
        for (int i = 0; i < day.Payments; i++)
        {
            Assert.InRange(day.TimeMs[i], Small.OpenMs, Small.CloseMs - 1);
            if (day.Kind[i] == PaymentKind.Customer) { customers++; Assert.True(day.TimeMs[i] < Small.CustomerCutoffMs); }
            if (day.Priority[i] == PaymentPriority.Urgent) urgent++;
            if (day.Currency[i] != 0) crossCurrencyLegs++;
        }
        Assert.InRange(customers, day.Payments / 2, day.Payments);
        Assert.True(urgent > 0);
        Assert.True(crossCurrencyLegs > 0);
    }

    [Fact]
    public void Sizes_and_values_are_heavy_tailed()
    {
        PaymentDay day = DayGenerator.Generate(Small with { Payments = 20_000, Currencies = 1 });
        var sent = new long[day.Participants];
        for (int i = 0; i < day.Payments; i++) sent[day.Payer[i]]++;
        long top3 = sent.OrderDescending().Take(3).Sum();
        Assert.True(top3 > day.Payments / 3, $"three largest send {top3} of {day.Payments}");
        long[] values = day.AmountMinor.Order().ToArray();
        long median = values[values.Length / 2], p999 = values[values.Length * 999 / 1000];
        Assert.True(p999 > 100 * median, $"median {median}, 99.9th percentile {p999}");
    }

    [Fact]
    public void Morning_and_pre_cutoff_peaks_exceed_midday()
    {
        PaymentDay day = DayGenerator.Generate(Small with { Payments = 20_000 });
        var perHour = new int[24];
        foreach (int t in day.TimeMs) perHour[t / 3_600_000]++;
        Assert.True(perHour[9] > perHour[12] && perHour[16] > perHour[12], string.Join(",", perHour));
    }

    [Fact]
    public void Invalid_settings_are_refused()
    {
        Assert.NotNull(Small with { Participants = 2 } is var s1 ? s1.Validate() : null);
        Assert.NotNull((Small with { Currencies = 5 }).Validate());
        Assert.NotNull((Small with { Payments = 0 }).Validate());
        Assert.Throws<ArgumentException>(() => DayGenerator.Generate(Small with { CustomerShare = 2 }));
    }
}
