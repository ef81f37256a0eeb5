namespace Corridor.Simulation;

/// <summary>
/// xoshiro256** (Blackman and Vigna, 2018), seeded through SplitMix64: a fixed, documented algorithm, so a seed
/// gives the same day on every platform and .NET version (System.Random's algorithm is unspecified).
/// </summary>
public struct Xoshiro256
{
    private ulong _s0, _s1, _s2, _s3;

    public Xoshiro256(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x); _s1 = SplitMix(ref x); _s2 = SplitMix(ref x); _s3 = SplitMix(ref x);
    }

    /// <summary>Raw state (tests against the reference implementation; the state must not be all zero).</summary>
    internal Xoshiro256(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        if ((s0 | s1 | s2 | s3) == 0) throw new ArgumentException("xoshiro state must not be all zero");
        _s0 = s0; _s1 = s1; _s2 = s2; _s3 = s3;
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E37_79B9_7F4A_7C15;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in (0, 1]: safe for logarithms.</summary>
    public double NextDoubleNonZero() => ((NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));

    /// <summary>Uniform in 0..bound−1 (Lemire's multiply-shift; bias below 2^-32 for the bounds used here).</summary>
    public int NextInt(int bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        return (int)(((NextUInt64() >> 32) * (ulong)bound) >> 32);
    }

    /// <summary>Standard normal by Box–Muller (one of the pair; simple and deterministic).</summary>
    public double NextNormal()
    {
        double u1 = NextDoubleNonZero(), u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Pareto (type I) with scale <paramref name="minimum"/> and shape <paramref name="alpha"/>.</summary>
    public double NextPareto(double minimum, double alpha) => minimum / Math.Pow(NextDoubleNonZero(), 1.0 / alpha);

    /// <summary>Log-normal with the given median and log-scale sigma.</summary>
    public double NextLogNormal(double median, double sigma) => median * Math.Exp(sigma * NextNormal());
}
