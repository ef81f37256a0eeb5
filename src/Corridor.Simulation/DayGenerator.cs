using Corridor.Core.Settlement;

namespace Corridor.Simulation;

/// <summary>Parameters of <see cref="DayGenerator.Generate"/>; defaults describe a T2-like large-value day with a retail share.</summary>
public sealed record GeneratorSettings
{
    public int Participants { get; init; } = 100;
    public int Payments { get; init; } = 100_000;
    public ulong Seed { get; init; } = 7;
    /// <summary>Number of currencies (2..4 from <see cref="DayGenerator.CurrencyTable"/>); 1 disables cross-currency flows.</summary>
    public int Currencies { get; init; } = 2;
    /// <summary>Zipf exponent of participant size: weight of the k-th largest ∝ 1/k^s.</summary>
    public double SizeExponent { get; init; } = 1.0;
    /// <summary>Share of customer payments (pacs.008), the rest interbank (pacs.009).</summary>
    public double CustomerShare { get; init; } = 0.8;
    /// <summary>Share of payments that cross currencies (each becomes two legs through an FX dealer).</summary>
    public double CrossCurrencyShare { get; init; } = 0.05;
    /// <summary>Share of interbank payments that are intraday money-market loans, repaid by the borrower later the same day.</summary>
    public double LoanShare { get; init; } = 0.3;
    public int OpenMs { get; init; } = 7 * 3_600_000;
    public int CustomerCutoffMs { get; init; } = 17 * 3_600_000;
    public int CloseMs { get; init; } = 18 * 3_600_000;

    /// <summary>First broken rule as a sentence, or null.</summary>
    public string? Validate()
    {
        if (Participants is < 3 or > PaymentDay.MaxParticipants) return $"participants must be 3..{PaymentDay.MaxParticipants} (got {Participants})";
        if (Payments is < 1 or > PaymentDay.MaxPayments / 2) return $"payments must be 1..{PaymentDay.MaxPayments / 2} (got {Payments})";
        if (Currencies < 1 || Currencies > DayGenerator.CurrencyTable.Length) return $"currencies must be 1..{DayGenerator.CurrencyTable.Length} (got {Currencies})";
        if (SizeExponent is < 0 or > 4) return "size exponent must be 0..4";
        if (CustomerShare is < 0 or > 1 || CrossCurrencyShare is < 0 or > 1 || LoanShare is < 0 or > 1) return "shares must be 0..1";
        if (OpenMs < 0 || OpenMs >= CustomerCutoffMs || CustomerCutoffMs > CloseMs || CloseMs > PaymentDay.MillisecondsPerDay)
            return "times must satisfy 0 ≤ open < customer cut-off ≤ close ≤ 24:00";
        return null;
    }
}

/// <summary>
/// Generates a reproducible payment day: heavy-tailed participant sizes (Zipf), heavy-tailed values (log-normal
/// customer payments, Pareto interbank payments), a two-peak intraday pattern, urgent/high/normal priorities and
/// cross-currency flows settled as two legs through FX dealers, and intraday money-market loans repaid later in the day. Same settings and seed → the same day, bit for bit.
/// </summary>
public static class DayGenerator
{
    /// <summary>Currencies used in order; all have two decimals; rates to the base (first) currency in ppm.</summary>
    public static readonly DayCurrency[] CurrencyTable =
    [
        new("EUR", 1_000_000), new("SEK", 87_000), new("NOK", 85_000), new("DKK", 134_000),
    ];

    // Intraday pattern: a mixture of a morning peak, a pre-cut-off peak and a uniform background.
    private const double MorningPeakShare = 0.35, AfternoonPeakShare = 0.35;
    private const double MorningPeakHour = 9.0, MorningPeakSdHours = 0.75;
    private const double AfternoonPeakBeforeCutoffHours = 0.75, AfternoonPeakSdHours = 0.6;
    // Values in base-currency minor units (cents).
    private const double CustomerMedianMinor = 50_000, CustomerSigma = 1.4;       // median 500.00
    private const double InterbankMinimumMinor = 1_000_000, InterbankAlpha = 1.2; // from 10,000.00, heavy tail
    private const double MaxValueMinor = 5e11;                                    // 5,000,000,000.00 cap

    public static PaymentDay Generate(GeneratorSettings settings)
    {
        string? error = settings.Validate();
        if (error != null) throw new ArgumentException(error, nameof(settings));
        var random = new Xoshiro256(settings.Seed);
        int participants = settings.Participants;
        DayCurrency[] currencies = CurrencyTable[..settings.Currencies];
        Array.Sort(currencies, (x, y) => string.CompareOrdinal(x.Code, y.Code)); // the order a CSV load gives back

        // Participant k (0 = largest) has weight 1/(k+1)^s; home currency round-robin so every currency has large banks.
        var cumulative = new double[participants];
        double total = 0;
        for (int k = 0; k < participants; k++) { total += 1.0 / Math.Pow(k + 1, settings.SizeExponent); cumulative[k] = total; }
        var home = new int[participants];
        for (int k = 0; k < participants; k++) home[k] = k % currencies.Length;
        var names = new string[participants];
        for (int k = 0; k < participants; k++) names[k] = $"P{k + 1:D4}";

        int capacity = settings.Payments;
        var time = new List<int>(capacity); var payer = new List<int>(capacity); var payee = new List<int>(capacity);
        var currency = new List<byte>(capacity); var amount = new List<long>(capacity);
        var priority = new List<PaymentPriority>(capacity); var kind = new List<PaymentKind>(capacity);

        // Exactly settings.Payments payments: a two-leg flow (cross-currency, loan and repayment) is made only while two fit.
        while (time.Count < settings.Payments)
        {
            bool roomForTwo = settings.Payments - time.Count >= 2;
            bool customer = random.NextDouble() < settings.CustomerShare;
            PaymentKind k = customer ? PaymentKind.Customer : PaymentKind.Interbank;
            int t = NextTime(ref random, settings, customer);
            int from = Pick(ref random, cumulative, total);
            int to;
            do to = Pick(ref random, cumulative, total); while (to == from);
            double baseValue = customer ? random.NextLogNormal(CustomerMedianMinor, CustomerSigma) : random.NextPareto(InterbankMinimumMinor, InterbankAlpha);
            baseValue = Math.Clamp(Math.Round(baseValue), 1, MaxValueMinor);
            PaymentPriority p = customer ? PaymentPriority.Normal : NextInterbankPriority(ref random);

            int c = home[from];
            bool cross = currencies.Length > 1 && random.NextDouble() < settings.CrossCurrencyShare && roomForTwo;
            if (cross)
            {
                // Payer pays its dealer in its home currency; the payee's dealer pays the payee in another currency.
                int target = home[to] != c ? home[to] : (c + 1 + random.NextInt(currencies.Length - 1)) % currencies.Length;
                int dealerFrom = c, dealerTo = target; // participant k < currencies is the largest bank of currency k
                if (from != dealerFrom && to != dealerTo)
                {
                    Add(t, from, dealerFrom, c, FromBase(baseValue, currencies[c]), p, k);
                    Add(t, dealerTo, to, target, FromBase(baseValue, currencies[target]), p, k);
                    continue;
                }
            }
            long value = FromBase(baseValue, currencies[c]);
            Add(t, from, to, c, value, p, k);
            if (!customer && roomForTwo && random.NextDouble() < settings.LoanShare)
            {
                // Repayment with interest at 3% a year for the hours lent, no later than the close.
                int repayAt = t + 1 + random.NextInt(Math.Max(1, settings.CloseMs - t - 1));
                long interest = (long)((Int128)value * 3 * (repayAt - t) / (100L * 365 * PaymentDay.MillisecondsPerDay));
                Add(Math.Min(repayAt, settings.CloseMs - 1), to, from, c, value + interest, PaymentPriority.High, PaymentKind.Interbank);
            }
        }
        return PaymentDay.FromUnsorted(names, currencies, [.. time], [.. payer], [.. payee], [.. currency], [.. amount], [.. priority], [.. kind]);

        void Add(int t, int from, int to, int c, long value, PaymentPriority p, PaymentKind k)
        {
            time.Add(t); payer.Add(from); payee.Add(to); currency.Add((byte)c); amount.Add(value); priority.Add(p); kind.Add(k);
        }
    }

    private static long FromBase(double baseMinor, DayCurrency c) => Math.Max(1, (long)Math.Round(baseMinor * 1_000_000 / c.RateToBasePpm));

    private static PaymentPriority NextInterbankPriority(ref Xoshiro256 random)
    {
        double u = random.NextDouble();
        return u < 0.10 ? PaymentPriority.Urgent : u < 0.40 ? PaymentPriority.High : PaymentPriority.Normal;
    }

    private static int Pick(ref Xoshiro256 random, double[] cumulative, double total)
    {
        double u = random.NextDouble() * total;
        int i = Array.BinarySearch(cumulative, u);
        if (i < 0) i = ~i;
        return Math.Min(i, cumulative.Length - 1);
    }

    /// <summary>Submission time from the mixture; customer payments fall before the customer cut-off.</summary>
    private static int NextTime(ref Xoshiro256 random, GeneratorSettings s, bool customer)
    {
        int end = customer ? s.CustomerCutoffMs : s.CloseMs;
        for (int attempt = 0; attempt < 16; attempt++)
        {
            double u = random.NextDouble();
            double ms = u < MorningPeakShare
                ? (MorningPeakHour + MorningPeakSdHours * random.NextNormal()) * 3_600_000
                : u < MorningPeakShare + AfternoonPeakShare
                    ? (end / 3_600_000.0 - AfternoonPeakBeforeCutoffHours + AfternoonPeakSdHours * random.NextNormal()) * 3_600_000
                    : s.OpenMs + random.NextDouble() * (end - s.OpenMs);
            if (ms >= s.OpenMs && ms < end) return (int)ms;
        }
        return s.OpenMs + random.NextInt(end - s.OpenMs);
    }
}
