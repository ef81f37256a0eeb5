using Corridor.Core.Settlement;

namespace Corridor.Simulation;

/// <summary>One currency of a simulated day; <see cref="RateToBasePpm"/> converts its minor units to base-currency minor units for reports only.</summary>
public readonly record struct DayCurrency(string Code, long RateToBasePpm);

/// <summary>
/// A payment day as struct-of-arrays, sorted by submission time (ties keep input order). Participants and
/// currencies are indexes into <see cref="ParticipantNames"/> and <see cref="Currencies"/>. Immutable once built.
/// </summary>
public sealed class PaymentDay
{
    /// <summary>Largest day the simulator accepts (bounds memory: a few hundred bytes per payment per run).</summary>
    public const int MaxPayments = 20_000_000;
    public const int MaxParticipants = 10_000;
    public const int MaxCurrencies = 16;
    public const int MillisecondsPerDay = 86_400_000;

    public PaymentDay(string[] participantNames, DayCurrency[] currencies, int[] timeMs, int[] payer, int[] payee, byte[] currency,
        long[] amountMinor, PaymentPriority[] priority, PaymentKind[] kind)
    {
        int n = timeMs.Length;
        if (payer.Length != n || payee.Length != n || currency.Length != n || amountMinor.Length != n || priority.Length != n || kind.Length != n)
            throw new ArgumentException("payment columns must have the same length");
        if (n > MaxPayments) throw new ArgumentException($"{n} payments exceed the limit of {MaxPayments}");
        if (participantNames.Length is < 2 or > MaxParticipants) throw new ArgumentException($"a day needs 2..{MaxParticipants} participants, got {participantNames.Length}");
        if (currencies.Length is < 1 or > MaxCurrencies) throw new ArgumentException($"a day needs 1..{MaxCurrencies} currencies, got {currencies.Length}");
        for (int i = 0; i < n; i++)
        {
            if ((uint)payer[i] >= (uint)participantNames.Length || (uint)payee[i] >= (uint)participantNames.Length || payer[i] == payee[i])
                throw new ArgumentException($"payment {i}: invalid payer/payee");
            if (currency[i] >= currencies.Length) throw new ArgumentException($"payment {i}: invalid currency");
            if (amountMinor[i] is <= 0 or > SettlementState.MaxAmountMinor) throw new ArgumentException($"payment {i}: amount out of range");
            if ((uint)timeMs[i] >= MillisecondsPerDay) throw new ArgumentException($"payment {i}: time out of the day");
            if (i > 0 && timeMs[i] < timeMs[i - 1]) throw new ArgumentException($"payment {i}: payments must be sorted by time");
        }
        ParticipantNames = participantNames; Currencies = currencies; TimeMs = timeMs; Payer = payer; Payee = payee;
        Currency = currency; AmountMinor = amountMinor; Priority = priority; Kind = kind;
    }

    public string[] ParticipantNames { get; }
    public DayCurrency[] Currencies { get; }
    public int Participants => ParticipantNames.Length;
    public int Payments => TimeMs.Length;
    /// <summary>Submission time, milliseconds since midnight of the business day.</summary>
    public int[] TimeMs { get; }
    public int[] Payer { get; }
    public int[] Payee { get; }
    public byte[] Currency { get; }
    public long[] AmountMinor { get; }
    public PaymentPriority[] Priority { get; }
    public PaymentKind[] Kind { get; }

    /// <summary>Value of payment <paramref name="i"/> in base-currency minor units (reports only).</summary>
    public long BaseValue(int i) => ToBase(AmountMinor[i], Currency[i]);

    public long ToBase(long amountMinor, int currency) => (long)((Int128)amountMinor * Currencies[currency].RateToBasePpm / 1_000_000);

    /// <summary>Sorts payments given in any order by time (stable) and builds the day.</summary>
    public static PaymentDay FromUnsorted(string[] participantNames, DayCurrency[] currencies, int[] timeMs, int[] payer, int[] payee,
        byte[] currency, long[] amountMinor, PaymentPriority[] priority, PaymentKind[] kind)
    {
        int n = timeMs.Length;
        var keys = new long[n];
        var order = new int[n];
        for (int i = 0; i < n; i++) { keys[i] = ((long)timeMs[i] << 32) | (uint)i; order[i] = i; }
        Array.Sort(keys, order);
        return new PaymentDay(participantNames, currencies, Permute(timeMs, order), Permute(payer, order), Permute(payee, order),
            Permute(currency, order), Permute(amountMinor, order), Permute(priority, order), Permute(kind, order));
    }

    private static T[] Permute<T>(T[] values, int[] order)
    {
        var result = new T[values.Length];
        for (int i = 0; i < order.Length; i++) result[i] = values[order[i]];
        return result;
    }

    /// <summary>Digest of the whole day (reproducibility checks).</summary>
    public UInt128 ComputeHash()
    {
        var hash = new System.IO.Hashing.XxHash128();
        foreach (string name in ParticipantNames) hash.Append(System.Text.Encoding.UTF8.GetBytes(name + "\n"));
        foreach (DayCurrency c in Currencies) hash.Append(System.Text.Encoding.UTF8.GetBytes($"{c.Code}:{c.RateToBasePpm}\n"));
        hash.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(TimeMs.AsSpan()));
        hash.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Payer.AsSpan()));
        hash.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Payee.AsSpan()));
        hash.Append(Currency);
        hash.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(AmountMinor.AsSpan()));
        hash.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Priority.AsSpan()));
        hash.Append(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Kind.AsSpan()));
        return hash.GetCurrentHashAsUInt128();
    }
}
