using System.Globalization;
using System.Text;

namespace Corridor.Simulation;

/// <summary>Writes a what-if analysis to a directory: summary.csv, queue.csv and the charts tradeoff, unsettled, queue-p{k} as PNG and SVG.</summary>
public static class ReportWriter
{
    public const string SummaryHeader =
        "rule,point,fraction,liquidity_provided_minor,liquidity_used_minor,lower_bound_minor,upper_bound_minor,used_to_upper,payments,settled,settled_value_minor,unsettled,unsettled_value_minor,rejected,delay_seconds_value_weighted,max_queued,gridlocks_resolved,lsm_runs,seconds";

    /// <summary>Writes every file; returns the paths written.</summary>
    public static List<string> WriteAll(AnalysisReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        void Write(string name, string content)
        {
            string path = Path.Combine(directory, name);
            File.WriteAllText(path, content, new UTF8Encoding(false));
            written.Add(path);
        }
        Write("summary.csv", SummaryCsv(report));
        Write("queue.csv", QueueCsv(report));
        written.AddRange(ReportChart.Save(TradeOffChart(report), Path.Combine(directory, "tradeoff")));
        written.AddRange(ReportChart.Save(UnsettledChart(report), Path.Combine(directory, "unsettled")));
        for (int k = 0; k < report.Fractions.Length; k++) written.AddRange(ReportChart.Save(QueueChart(report, k), Path.Combine(directory, $"queue-p{k}")));
        return written;
    }

    public static string SummaryCsv(AnalysisReport report)
    {
        var sb = new StringBuilder();
        sb.AppendLine(SummaryHeader);
        foreach (SimulationRun run in report.Runs)
        {
            RunSummary s = run.Summary;
            sb.AppendLine(string.Join(',', s.Rule, I(s.Point), D(s.Fraction), I(s.LiquidityProvidedMinor), I(s.LiquidityUsedMinor), I(s.LowerBoundMinor),
                I(s.UpperBoundMinor), D(s.UsedToUpper), I(s.Payments), I(s.Settled), I(s.SettledValueMinor), I(s.Unsettled), I(s.UnsettledValueMinor),
                I(s.Rejected), D(s.DelaySecondsValueWeighted), I(s.MaxQueued), I(s.GridlocksResolved), I(s.LsmRuns), D(s.Seconds)));
        }
        return sb.ToString();
    }

    public static string QueueCsv(AnalysisReport report)
    {
        var sb = new StringBuilder();
        sb.AppendLine("rule,point,fraction,time,queued,queued_value_minor");
        foreach (SimulationRun run in report.Runs)
            foreach (QueueSample q in run.Queue)
                sb.AppendLine(string.Join(',', run.Summary.Rule, I(run.Summary.Point), D(run.Summary.Fraction), DayCsv.FormatTime(q.TimeMs)[..5], I(q.Count), I(q.ValueMinor)));
        return sb.ToString();
    }

    /// <summary>Liquidity provided (share of the upper bound) against value-weighted delay, one line per rule.</summary>
    public static ScottPlot.Plot TradeOffChart(AnalysisReport report)
    {
        var series = new List<ChartSeries>();
        foreach (string rule in report.Rules)
        {
            var points = new List<(double, double)>();
            foreach (SimulationRun run in report.Runs)
                if (run.Summary.Rule == rule)
                    points.Add((report.UpperBoundMinor == 0 ? run.Summary.Fraction : (double)run.Summary.LiquidityProvidedMinor / report.UpperBoundMinor,
                        run.Summary.DelaySecondsValueWeighted / 60.0));
            series.Add(new ChartSeries(rule, points));
        }
        return ReportChart.LineChart("Liquidity–delay trade-off", "opening liquidity / upper bound", "value-weighted settlement delay (min)", series,
            v => v.ToString("0.00", CultureInfo.InvariantCulture));
    }

    /// <summary>Share of the day's value unsettled at the cut-off against liquidity provided, one line per rule.</summary>
    public static ScottPlot.Plot UnsettledChart(AnalysisReport report)
    {
        var series = new List<ChartSeries>();
        foreach (string rule in report.Rules)
        {
            var points = new List<(double, double)>();
            foreach (SimulationRun run in report.Runs)
            {
                RunSummary s = run.Summary;
                if (s.Rule != rule) continue;
                long total = s.SettledValueMinor + s.UnsettledValueMinor;
                points.Add((report.UpperBoundMinor == 0 ? s.Fraction : (double)s.LiquidityProvidedMinor / report.UpperBoundMinor,
                    total == 0 ? 0 : 100.0 * s.UnsettledValueMinor / total));
            }
            series.Add(new ChartSeries(rule, points));
        }
        return ReportChart.LineChart("Value unsettled at the cut-off", "opening liquidity / upper bound", "unsettled value (% of the day)", series,
            v => v.ToString("0.00", CultureInfo.InvariantCulture));
    }

    /// <summary>Payments waiting over the day at liquidity point <paramref name="point"/>, one line per rule.</summary>
    public static ScottPlot.Plot QueueChart(AnalysisReport report, int point)
    {
        var series = new List<ChartSeries>();
        foreach (SimulationRun run in report.Runs)
        {
            if (run.Summary.Point != point) continue;
            var points = new List<(double, double)>();
            foreach (QueueSample q in run.Queue) points.Add((q.TimeMs / 3_600_000.0, q.Count));
            series.Add(new ChartSeries(run.Summary.Rule, points));
        }
        string f = report.Fractions[point].ToString("0.##", CultureInfo.InvariantCulture);
        return ReportChart.LineChart($"Payments waiting over the day (liquidity LB + {f}·(UB − LB))", "time of day (h)", "payments queued or in a window", series,
            v => $"{(int)v:D2}:{(int)Math.Round((v - Math.Floor(v)) * 60) % 60:D2}");
    }

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
    private static string D(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);
}
