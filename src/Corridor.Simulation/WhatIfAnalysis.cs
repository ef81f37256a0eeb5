namespace Corridor.Simulation;

/// <summary>Runs one day under every rule set at every liquidity level between the lower and the upper bound.</summary>
public static class WhatIfAnalysis
{
    public const int MinPoints = 2;
    public const int MaxPoints = 50;

    /// <summary>Fractions 0, 1/(k−1), …, 1 of the way from the lower to the upper bound.</summary>
    public static double[] Fractions(int points)
    {
        if (points is < MinPoints or > MaxPoints) throw new ArgumentOutOfRangeException(nameof(points), $"liquidity points must be {MinPoints}..{MaxPoints}");
        var f = new double[points];
        for (int k = 0; k < points; k++) f[k] = (double)k / (points - 1);
        return f;
    }

    /// <summary>
    /// Runs rules × points (independent engines; up to <paramref name="parallelism"/> at once). Results come back in
    /// rule order then point order whatever the parallelism. <paramref name="progress"/> receives payments submitted
    /// so far over all runs (thread-safe total).
    /// </summary>
    public static AnalysisReport Run(PaymentDay day, IReadOnlyList<RuleSet> rules, int points, SimulationOptions? options = null,
        int parallelism = 1, Action<long>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        double[] fractions = Fractions(points);
        LiquidityBounds bounds = LiquidityBounds.Compute(day);
        var runs = new SimulationRun[rules.Count * points];
        long done = 0;
        var lastReported = new long[runs.Length];
        Parallel.For(0, runs.Length, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, job =>
        {
            RuleSet rule = rules[job / points];
            int point = job % points;
            runs[job] = DaySimulator.Run(day, bounds, rule, fractions[point], point, options, submitted =>
            {
                long delta = submitted - lastReported[job];
                lastReported[job] = submitted;
                progress?.Invoke(Interlocked.Add(ref done, delta));
            });
        });
        var names = new List<string>(rules.Count);
        foreach (RuleSet r in rules) names.Add(r.Name);
        var codes = new string[day.Currencies.Length];
        for (int c = 0; c < codes.Length; c++) codes[c] = day.Currencies[c].Code;
        return new AnalysisReport(day.Participants, day.Payments, codes, bounds.TotalLowerBase(day), bounds.TotalUpperBase(day), fractions,
            names, runs, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
    }
}
