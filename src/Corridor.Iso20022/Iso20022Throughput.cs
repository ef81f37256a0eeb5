using System.Diagnostics;

namespace Corridor.Iso20022;

/// <summary>Micro-benchmark the CLI bench calls: parse + XSD-validate + business rules over copies of one message.</summary>
public static class Iso20022Throughput
{
    /// <summary>Largest run accepted, to keep a mistaken call bounded.</summary>
    public const int MaxCount = 10_000_000;

    /// <summary>Parses and validates <paramref name="message"/> <paramref name="count"/> times on the calling thread; returns messages per second.</summary>
    /// <exception cref="InvalidOperationException">The message does not parse or fails the business rules.</exception>
    public static double Measure(ReadOnlySpan<byte> message, int count, bool businessRules = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxCount);
        Iso20022Codec.Warm();
        var first = Iso20022Codec.Parse(message);
        if (!first.IsSuccess) throw new InvalidOperationException("benchmark message does not parse: " + string.Join("; ", first.Errors));
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            var r = Iso20022Codec.Parse(message);
            if (!r.IsSuccess) throw new InvalidOperationException("parse failed during benchmark");
            if (businessRules && Validation.BusinessRules.Check(r.Message!).Count != 0)
                throw new InvalidOperationException("benchmark message fails the business rules");
        }
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return count / seconds;
    }
}
