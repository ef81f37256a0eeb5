using System.Diagnostics;

namespace Corridor.Iso20022;

/// <summary>Outcome of a throughput run: wall-clock and process CPU time for <see cref="Messages"/> parses.</summary>
public readonly record struct ThroughputResult(int Messages, double WallSeconds, double CpuSeconds)
{
    /// <summary>Messages per wall-clock second on the calling thread.</summary>
    public double MessagesPerSecond => Messages / WallSeconds;

    /// <summary>Messages per CPU second of the whole process (GC and JIT included): the per-core figure, robust to a busy machine.</summary>
    public double MessagesPerCpuSecond => CpuSeconds > 0 ? Messages / CpuSeconds : double.PositiveInfinity;
}

/// <summary>Micro-benchmark the CLI bench calls: parse + XSD-validate (+ business rules) over copies of one message, on one thread.</summary>
public static class Iso20022Throughput
{
    /// <summary>Largest run accepted, to keep a mistaken call bounded.</summary>
    public const int MaxCount = 10_000_000;

    /// <summary>Warm-up iterations before timing (JIT tiering, schema compilation).</summary>
    public const int WarmupCount = 2_000;

    /// <summary>Parses and validates <paramref name="message"/> <paramref name="count"/> times; returns messages per wall-clock second.</summary>
    /// <exception cref="InvalidOperationException">The message does not parse or fails the business rules.</exception>
    public static double Measure(ReadOnlySpan<byte> message, int count, bool businessRules = true)
        => Run(message, count, businessRules).MessagesPerSecond;

    /// <summary>Same as <see cref="Measure"/> with wall-clock and CPU time reported separately.</summary>
    public static ThroughputResult Run(ReadOnlySpan<byte> message, int count, bool businessRules = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxCount);
        Iso20022Codec.Warm();
        var first = Iso20022Codec.Parse(message);
        if (!first.IsSuccess) throw new InvalidOperationException("benchmark message does not parse: " + string.Join("; ", first.Errors));
        if (businessRules && Validation.BusinessRules.Check(first.Message!) is { Count: > 0 } issues)
            throw new InvalidOperationException("benchmark message fails the business rules: " + string.Join("; ", issues));
        Loop(message, Math.Min(count, WarmupCount), businessRules);
        using var process = Process.GetCurrentProcess();
        TimeSpan cpuStart = process.TotalProcessorTime;
        long start = Stopwatch.GetTimestamp();
        Loop(message, count, businessRules);
        double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpuStart).TotalSeconds;
        return new ThroughputResult(count, wall, cpu);
    }

    private static void Loop(ReadOnlySpan<byte> message, int count, bool businessRules)
    {
        for (int i = 0; i < count; i++)
        {
            var r = Iso20022Codec.Parse(message);
            if (!r.IsSuccess) throw new InvalidOperationException("parse failed during benchmark");
            if (businessRules && Validation.BusinessRules.Check(r.Message!).Count != 0)
                throw new InvalidOperationException("benchmark message fails the business rules");
        }
    }
}
