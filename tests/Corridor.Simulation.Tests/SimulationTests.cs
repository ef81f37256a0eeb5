using System.Xml;
using Corridor.Core.Settlement;
using Corridor.Simulation;
using CsCheck;

namespace Corridor.Simulation.Tests;

public class SimulationTests
{
    private static readonly RuleSet Rtgs = new(RuleKind.Rtgs, 0), Queue = new(RuleKind.Queue, 0), Lsm = new(RuleKind.Lsm, 0),
        Dns = new(RuleKind.Dns, RuleSet.DefaultWindowMs), Hybrid = new(RuleKind.Hybrid, RuleSet.DefaultWindowMs);

    private static RunSummary Run(PaymentDay day, RuleSet rule, double fraction) =>
        DaySimulator.Run(day, LiquidityBounds.Compute(day), rule, fraction).Summary;

    [Fact]
    public void Ring_at_the_lower_bound_settles_only_with_lsm_or_netting()
    {
        PaymentDay day = TestDays.Ring();
        RunSummary rtgs = Run(day, Rtgs, 0), queue = Run(day, Queue, 0), lsm = Run(day, Lsm, 0), dns = Run(day, Dns, 0);
        Assert.Equal(3, rtgs.Unsettled);
        Assert.Equal(3, rtgs.Rejected);
        Assert.Equal(3, queue.Unsettled);           // gridlock: every payment waits for another
        Assert.Equal(0, queue.Rejected);
        Assert.Equal(3, queue.MaxQueued);           // still waiting in the cut-off sample
        Assert.Equal(0, rtgs.MaxQueued);
        Assert.Equal(3, lsm.Settled);               // multilateral LSM resolves it
        Assert.Equal(1, lsm.GridlocksResolved);
        Assert.Equal(0, lsm.LiquidityUsedMinor);
        Assert.Equal(3, dns.Settled);               // the window nets to zero
        Assert.Equal(0, dns.LiquidityUsedMinor);
        Assert.Equal(0, lsm.LiquidityProvidedMinor);
    }

    [Fact]
    public void Ring_at_the_upper_bound_settles_on_arrival_under_every_gross_rule()
    {
        PaymentDay day = TestDays.Ring();
        foreach (RuleSet rule in new[] { Rtgs, Queue, Lsm })
        {
            RunSummary s = Run(day, rule, 1);
            Assert.Equal(3, s.Settled);
            Assert.Equal(10_000, s.LiquidityProvidedMinor);
            Assert.Equal(10_000, s.LiquidityUsedMinor);
            Assert.Equal(0, s.DelaySecondsValueWeighted);
            Assert.Equal(0, s.MaxQueued);
        }
        RunSummary hybrid = Run(day, Hybrid, 1); // normal payments go to the window, which nets the ring to zero
        Assert.Equal(3, hybrid.Settled);
        Assert.Equal(0, hybrid.LiquidityUsedMinor);
        Assert.Equal(3, hybrid.MaxQueued);
    }

    [Fact]
    public void Bilateral_gridlock_needs_offsetting()
    {
        // A→B 100 then B→A 80 in the same batch, at the lower bound (A holds 20, B nothing): each waits for the other.
        PaymentDay day = TestDays.Build(2, (0, 1, 10_000), (1, 0, 8_000));
        RunSummary queue = Run(day, Queue, 0);
        Assert.Equal(0, queue.Settled);
        Assert.Equal(2, queue.Unsettled);
        Assert.Equal(18_000, queue.UnsettledValueMinor);
        RunSummary lsm = Run(day, Lsm, 0);
        Assert.Equal(2, lsm.Settled);               // offsetting on entry settles the pair for A's net 20
        Assert.Equal(2_000, lsm.LiquidityUsedMinor);
        Assert.Equal(2_000, lsm.LowerBoundMinor);
        Assert.Equal(10_000, lsm.UpperBoundMinor);
        Assert.Equal(0, lsm.GridlocksResolved);     // bilateral offsetting on entry, no multilateral run needed
    }

    [Fact]
    public void Delay_spans_batches_when_liquidity_arrives_later()
    {
        // B→A 80 at 09:00 and A→B 100 at 10:30 (A funded 20 at the lower bound): B needs 80 up front (its UB), at the
        // lower bound B has 0, so B's payment waits until A's arrives 90 minutes later (then both settle by offsetting).
        int[] time = [9 * 3_600_000, 10 * 3_600_000 + 30 * 60_000];
        var day = new PaymentDay(["A", "B"], [new DayCurrency("EUR", 1_000_000)], time, [1, 0], [0, 1], [0, 0], [8_000, 10_000],
            [PaymentPriority.Normal, PaymentPriority.Normal], [PaymentKind.Interbank, PaymentKind.Interbank]);
        RunSummary lsm = Run(day, Lsm, 0);
        Assert.Equal(2, lsm.Settled);
        Assert.InRange(lsm.DelaySecondsValueWeighted, 0.4 * 5_400 - 60, 0.5 * 5_400); // 8,000 of 18,000 waited 90 min
        Assert.Equal(1, lsm.MaxQueued);
        RunSummary rtgs = Run(day, Rtgs, 0);
        Assert.Equal(2, rtgs.Rejected); // neither could settle in its own batch: B holds nothing, A only 20
    }

    [Fact]
    public void Same_day_same_rules_give_identical_summaries()
    {
        PaymentDay day = DayGenerator.Generate(new GeneratorSettings { Participants = 25, Payments = 3_000, Seed = 11 });
        RuleSet[] rules = [Rtgs, Queue, Lsm, Dns, Hybrid];
        AnalysisReport a = WhatIfAnalysis.Run(day, rules, 3);
        AnalysisReport b = WhatIfAnalysis.Run(DayGenerator.Generate(new GeneratorSettings { Participants = 25, Payments = 3_000, Seed = 11 }), rules, 3, parallelism: 2);
        Assert.Equal(a.Runs.Select(r => r.Summary.WithoutTiming()), b.Runs.Select(r => r.Summary.WithoutTiming()));
        Assert.Equal(ReportWriter.QueueCsv(a), ReportWriter.QueueCsv(b));
        AnalysisReport c = WhatIfAnalysis.Run(DayGenerator.Generate(new GeneratorSettings { Participants = 25, Payments = 3_000, Seed = 12 }), rules, 3);
        Assert.NotEqual(a.Runs.Select(r => r.Summary.WithoutTiming()), c.Runs.Select(r => r.Summary.WithoutTiming()));
    }

    [Fact]
    public void Generated_day_settles_fully_at_the_upper_bound_and_lsm_at_the_lower()
    {
        PaymentDay day = DayGenerator.Generate(new GeneratorSettings { Participants = 30, Payments = 4_000, Seed = 2 });
        foreach (RuleSet rule in new[] { Rtgs, Queue, Lsm })
        {
            RunSummary s = Run(day, rule, 1);
            Assert.Equal(day.Payments, s.Settled);
            Assert.Equal(0, s.DelaySecondsValueWeighted);
        }
        RunSummary atLower = Run(day, Lsm, 0);
        Assert.Equal(day.Payments, atLower.Settled);
        Assert.True(atLower.LiquidityUsedMinor <= atLower.LiquidityProvidedMinor);
    }

    [Fact]
    public void Dns_windows_net_to_zero_and_settle()
    {
        PaymentDay day = DayGenerator.Generate(new GeneratorSettings { Participants = 20, Payments = 2_000, Seed = 4, Currencies = 2 });
        int windows = 0;
        DaySimulator.Run(day, LiquidityBounds.Compute(day), new RuleSet(RuleKind.Dns, 60 * 60_000), 1, 0, null, null, engine =>
        {
            for (int k = 0; k < 24; k++)
                for (int c = 0; c < day.Currencies.Length; c++)
                {
                    WindowInfo? w = engine.Settlement.GetWindow(DaySimulator.WindowId(k, c));
                    if (w == null) continue;
                    windows++;
                    Assert.Equal(WindowStatus.Settled, w.Status);
                    Int128 sum = 0;
                    foreach (NetPosition p in w.NetPositions) sum += p.NetMinor;
                    Assert.Equal((Int128)0, sum);
                    Assert.Empty(w.ExcludedParticipants);
                }
            Assert.Equal(day.Payments, engine.Settlement.GetDayStatus().Settled);
        });
        Assert.InRange(windows, 2 * 8, 2 * 12); // 07:00–18:00 in hourly windows per currency
    }

    private static readonly Gen<PaymentDay> SmallDays =
        from participants in Gen.Int[2, 6]
        from payments in Gen.Int[1, 30].SelectMany(n => Gen.Select(Gen.Int[0, 5], Gen.Int[0, 5], Gen.Long[1, 1_000], Gen.Int[0, 7_200_000], Gen.Int[0, 2]).Array[n])
        select MakeDay(participants, payments);

    private static PaymentDay MakeDay(int participants, (int, int, long, int, int)[] raw)
    {
        var rows = raw.Select(r => (Payer: r.Item1 % participants, Payee: r.Item2 % participants, r.Item3, Time: 8 * 3_600_000 + r.Item4, Priority: (PaymentPriority)r.Item5))
            .Select(r => r.Payer == r.Payee ? r with { Payee = (r.Payee + 1) % participants } : r).ToArray();
        var names = Enumerable.Range(0, participants).Select(i => "P" + i).ToArray();
        return PaymentDay.FromUnsorted(names, [new DayCurrency("EUR", 1_000_000)], rows.Select(r => r.Time).ToArray(), rows.Select(r => r.Payer).ToArray(),
            rows.Select(r => r.Payee).ToArray(), new byte[rows.Length], rows.Select(r => r.Item3).ToArray(), rows.Select(r => r.Priority).ToArray(),
            rows.Select(_ => PaymentKind.Interbank).ToArray());
    }

    private static readonly double[] Fractions = [0.0, 0.5, 1.0];

    [Fact]
    public void Lsm_never_needs_more_liquidity_than_rtgs_or_queues()
    {
        // LSM settles everything already at the lower bound; wherever queues or pure RTGS settle everything, so does LSM;
        // at the upper bound every gross rule settles everything; nothing ever uses more liquidity than it was given.
        SmallDays.Sample(day =>
        {
            LiquidityBounds bounds = LiquidityBounds.Compute(day);
            foreach (double f in Fractions)
            {
                RunSummary lsm = DaySimulator.Run(day, bounds, Lsm, f).Summary;
                RunSummary queue = DaySimulator.Run(day, bounds, Queue, f).Summary;
                RunSummary rtgs = DaySimulator.Run(day, bounds, Rtgs, f).Summary;
                Assert.Equal(day.Payments, lsm.Settled);
                Assert.True(lsm.Settled >= queue.Settled && lsm.Settled >= rtgs.Settled);
                foreach (RunSummary s in new[] { lsm, queue, rtgs }) Assert.True(s.LiquidityUsedMinor <= s.LiquidityProvidedMinor);
                if (f == 1.0) Assert.True(queue.Settled == day.Payments && rtgs.Settled == day.Payments);
            }
        }, iter: 150);
    }

    [Fact]
    public void Hybrid_settles_urgent_payments_gross_with_lsm()
    {
        PaymentDay urgentRing = TestDays.Build(3, PaymentPriority.Urgent, (0, 1, 10_000), (1, 2, 10_000), (2, 0, 10_000));
        RunSummary atLower = Run(urgentRing, Hybrid, 0);
        Assert.Equal(3, atLower.Settled);
        Assert.Equal(1, atLower.GridlocksResolved); // settled gross by the LSM, not in a window
        RunSummary atUpper = Run(urgentRing, Hybrid, 1);
        Assert.Equal(10_000, atUpper.LiquidityUsedMinor);
        Assert.Equal(0, atUpper.DelaySecondsValueWeighted);
    }

    [Fact]
    public void Csv_day_runs_like_the_generated_one()
    {
        PaymentDay day = DayGenerator.Generate(new GeneratorSettings { Participants = 12, Payments = 800, Seed = 21 });
        var csv = new StringWriter();
        DayCsv.Write(day, csv);
        PaymentDay loaded = DayCsv.Read(new StringReader(csv.ToString()));
        RuleSet[] rules = [Queue, Dns];
        AnalysisReport a = WhatIfAnalysis.Run(day, rules, 2), b = WhatIfAnalysis.Run(loaded, rules, 2);
        Assert.Equal(a.Runs.Select(r => r.Summary.WithoutTiming()), b.Runs.Select(r => r.Summary.WithoutTiming()));
    }

    [Fact]
    public void Window_must_be_a_multiple_of_the_batch_interval()
    {
        PaymentDay day = TestDays.Ring();
        var options = new SimulationOptions { BatchMs = 7_000 };
        Assert.Throws<ArgumentException>(() => DaySimulator.Run(day, LiquidityBounds.Compute(day), Dns, 0, 0, options));
        Assert.Throws<ArgumentOutOfRangeException>(() => DaySimulator.Run(day, LiquidityBounds.Compute(day), Lsm, 1.5));
        Assert.NotNull(new SimulationOptions { BatchMs = 500 }.Validate());
    }

    [Fact]
    public void Queue_series_covers_the_day_and_ends_at_the_cut_off()
    {
        PaymentDay day = DayGenerator.Generate(new GeneratorSettings { Participants = 20, Payments = 3_000, Seed = 13 });
        SimulationRun run = DaySimulator.Run(day, LiquidityBounds.Compute(day), Queue, 0);
        Assert.Equal(7 * 3_600_000, run.Queue[0].TimeMs);
        for (int i = 1; i < run.Queue.Length; i++) Assert.True(run.Queue[i].TimeMs > run.Queue[i - 1].TimeMs);
        Assert.Equal(run.Summary.Unsettled - run.Summary.Rejected, run.Queue[^1].Count); // still queued at the cut-off
        Assert.Equal(run.Queue.Max(q => q.Count), run.Summary.MaxQueued);
        Assert.True(run.Summary.MaxQueued > 0);
    }

    [Fact]
    public void Every_netting_window_of_a_random_day_nets_to_zero()
    {
        SmallDays.Sample(day =>
        {
            foreach (double f in Fractions)
                DaySimulator.Run(day, LiquidityBounds.Compute(day), new RuleSet(RuleKind.Dns, 15 * 60_000), f, 0, null, null, engine =>
                {
                    int inWindows = 0;
                    for (int k = 0; k < 96; k++)
                    {
                        WindowInfo? w = engine.Settlement.GetWindow(DaySimulator.WindowId(k, 0));
                        if (w == null) continue;
                        Assert.Equal(WindowStatus.Settled, w.Status);
                        Int128 sum = 0;
                        foreach (NetPosition p in w.NetPositions) sum += p.NetMinor;
                        Assert.Equal((Int128)0, sum);
                        inWindows += w.PaymentCount;
                    }
                    Assert.Equal(day.Payments, inWindows);
                });
        }, iter: 60);
    }

    [Fact]
    public void Any_seed_reproduces_its_day()
    {
        Gen.ULong.Sample(seed =>
        {
            var settings = new GeneratorSettings { Participants = 8, Payments = 300, Seed = seed, Currencies = 2 };
            Assert.Equal(DayGenerator.Generate(settings).ComputeHash(), DayGenerator.Generate(settings).ComputeHash());
        }, iter: 50);
    }

    [Fact]
    public void Charts_are_png_and_svg_with_title_labelled_axes_and_a_legend()
    {
        PaymentDay day = DayGenerator.Generate(new GeneratorSettings { Participants = 15, Payments = 1_500, Seed = 9 });
        AnalysisReport report = WhatIfAnalysis.Run(day, [Rtgs, Queue, Lsm, Dns, Hybrid], 3);
        string dir = Path.Combine(Path.GetTempPath(), $"corridor-report-{Guid.NewGuid():N}");
        try
        {
            List<string> files = ReportWriter.WriteAll(report, dir);
            Assert.Equal(2 + 2 * (2 + 3), files.Count);
            foreach (string png in files.Where(f => f.EndsWith(".png", StringComparison.Ordinal)))
            {
                byte[] bytes = File.ReadAllBytes(png);
                Assert.True(bytes.AsSpan(0, 8).SequenceEqual((byte[])[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]), png);
                Assert.Equal((ReportChart.WidthPixels, ReportChart.HeightPixels),
                    (System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20))));
                Assert.True(File.Exists(Path.ChangeExtension(png, ".svg")), png);
            }
            string[] texts = SvgTexts(Path.Combine(dir, "tradeoff.svg"));
            Assert.Contains("Liquidity–delay trade-off", texts);
            Assert.Contains("opening liquidity / upper bound", texts);
            Assert.Contains("value-weighted settlement delay (min)", texts);
            foreach (string rule in report.Rules) Assert.Contains(rule, texts); // the legend names every rule
            Assert.Contains("time of day (h)", SvgTexts(Path.Combine(dir, "queue-p1.svg")));
            Assert.Contains("unsettled value (% of the day)", SvgTexts(Path.Combine(dir, "unsettled.svg")));
            string[] summary = File.ReadAllLines(Path.Combine(dir, "summary.csv"));
            Assert.Equal(ReportWriter.SummaryHeader, summary[0]);
            Assert.Equal(1 + 5 * 3, summary.Length);
            Assert.StartsWith("rule,point,fraction,time,queued", File.ReadLines(Path.Combine(dir, "queue.csv")).First());
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>The text elements of an SVG file, trimmed (its root must be an SVG element; DTDs are refused).</summary>
    private static string[] SvgTexts(string path)
    {
        using var reader = XmlReader.Create(path, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit });
        var doc = new XmlDocument();
        doc.Load(reader);
        Assert.Equal(("svg", "http://www.w3.org/2000/svg"), (doc.DocumentElement!.LocalName, doc.DocumentElement.NamespaceURI));
        return doc.GetElementsByTagName("text").Cast<XmlNode>().Select(n => n.InnerText.Trim()).ToArray();
    }

    [Fact]
    public void Chart_text_is_escaped()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"corridor-chart-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            ReportChart.Save(ReportChart.LineChart("a < b & c", "x", "y", [new ChartSeries("<rule>", [(0, 1), (1, 2)])]), Path.Combine(dir, "c"));
            string[] texts = SvgTexts(Path.Combine(dir, "c.svg"));
            Assert.Contains("a < b & c", texts);
            Assert.Contains("<rule>", texts);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
