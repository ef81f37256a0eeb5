namespace Corridor.Workloads;

/// <summary>Deterministic SplitMix64 generator for benchmark scenarios (never used inside the engine).</summary>
public struct ScenarioRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E37_79B9_7F4A_7C15;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in 0..<paramref name="bound"/>−1 (bound &gt; 0).</summary>
    public int NextInt(int bound) => (int)((Next() >> 33) % (ulong)bound);
}
