namespace Corridor.Simulation;

/// <summary>
/// Figures of one run (one rule set at one liquidity level). Values are in base-currency minor units
/// (<see cref="DayCurrency.RateToBasePpm"/>); times are engine time.
/// </summary>
public sealed record RunSummary(
    string Rule, int Point, double Fraction,
    long LiquidityProvidedMinor, long LiquidityUsedMinor, long LowerBoundMinor, long UpperBoundMinor,
    int Payments, int Settled, long SettledValueMinor, int Unsettled, long UnsettledValueMinor, int Rejected,
    double DelaySecondsValueWeighted, int MaxQueued, int GridlocksResolved, int LsmRuns, double Seconds)
{
    /// <summary>Liquidity used as a share of the upper bound (1.0 = what settling everything on arrival needs).</summary>
    public double UsedToUpper => UpperBoundMinor == 0 ? 0 : (double)LiquidityUsedMinor / UpperBoundMinor;

    /// <summary>The same figures with the wall-clock time zeroed (reproducibility comparisons).</summary>
    public RunSummary WithoutTiming() => this with { Seconds = 0 };
}

/// <summary>Payments waiting (queued or in an open netting window) at one instant of the day.</summary>
public readonly record struct QueueSample(int TimeMs, int Count, long ValueMinor);

/// <summary>One run: its summary and its queue length over the day.</summary>
public sealed record SimulationRun(RunSummary Summary, QueueSample[] Queue);

/// <summary>Every run of a what-if analysis, in rule order then liquidity point order.</summary>
public sealed record AnalysisReport(
    int Participants, int Payments, string[] Currencies, long LowerBoundMinor, long UpperBoundMinor, double[] Fractions,
    IReadOnlyList<string> Rules, IReadOnlyList<SimulationRun> Runs, double Seconds);
