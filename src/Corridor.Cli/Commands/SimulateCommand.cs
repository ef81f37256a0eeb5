using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Corridor.Simulation;
using Spectre.Console;

namespace Corridor.Cli.Commands;

/// <summary><c>corridor simulate</c>: what-if liquidity analysis of one payment day under several settlement rule sets (compare BoF-PSS2).</summary>
public static class SimulateCommand
{
    public static Command Create()
    {
        var participants = new Option<int>("--participants") { Description = "Participants of the generated day (3..10000).", DefaultValueFactory = _ => 100 };
        var payments = new Option<int>("--payments") { Description = "Payments of the generated day, exactly (1..10000000; a cross-currency flow or a loan and its repayment count as two).", DefaultValueFactory = _ => 100_000 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the day generator (xoshiro256**).", DefaultValueFactory = _ => 7 };
        var currencies = new Option<int>("--currencies") { Description = "Currencies of the generated day (1..4: EUR, SEK, NOK, DKK).", DefaultValueFactory = _ => 2 };
        var output = new Option<string>("--out") { Description = "Report directory (summary.csv, queue.csv, tradeoff.svg, unsettled.svg, queue-p*.svg, day.csv with --save-day).", DefaultValueFactory = _ => "report" };
        var rules = new Option<string>("--rules") { Description = "Comma-separated rule sets: rtgs, queue, lsm, dns:<n>m, hybrid:<n>m.", DefaultValueFactory = _ => "rtgs,queue,lsm,dns:30m,hybrid:30m" };
        var points = new Option<int>("--liquidity-points") { Description = "Liquidity levels from the lower to the upper bound (2..50).", DefaultValueFactory = _ => 5 };
        var fromCsv = new Option<string?>("--from-csv") { Description = "Load the day from this CSV instead of generating it." };
        var saveDay = new Option<bool>("--save-day") { Description = "Also write the simulated day as <out>/day.csv." };
        var batchSeconds = new Option<int>("--batch-seconds") { Description = "Engine batch interval in simulated seconds (1..3600).", DefaultValueFactory = _ => 60 };
        var lsmSeconds = new Option<int>("--lsm-seconds") { Description = "LSM cycle of the lsm and hybrid rules in simulated seconds (1..3600).", DefaultValueFactory = _ => 60 };
        var parallel = new Option<int>("--parallel") { Description = "Runs at once (each its own engine); default 1 on a shared machine.", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print the summary as one JSON object on the last line (no progress bar, no table)." };
        var command = new Command("simulate", "What-if liquidity analysis: replay one payment day through the real engine under several rule sets and liquidity levels.")
        {
            participants, payments, seed, currencies, output, rules, points, fromCsv, saveDay, batchSeconds, lsmSeconds, parallel, json,
        };
        command.Subcommands.Add(SimulateFaultsCommand.Create());
        command.Subcommands.Add(SimulateFederationCommand.Create());
        command.SetAction(parse =>
        {
            if (parse.GetValue(fromCsv) != null)
                foreach (Option generatorOption in new Option[] { participants, payments, seed, currencies })
                    if (parse.GetResult(generatorOption) is { Implicit: false })
                        return Fail($"{generatorOption.Name} describes a generated day and cannot be combined with --from-csv");
            return Run(
            parse.GetValue(participants), parse.GetValue(payments), parse.GetValue(seed), parse.GetValue(currencies), parse.GetValue(output)!,
            parse.GetValue(rules)!, parse.GetValue(points), parse.GetValue(fromCsv), parse.GetValue(saveDay), parse.GetValue(batchSeconds), parse.GetValue(lsmSeconds),
            parse.GetValue(parallel), parse.GetValue(json));
        });
        return command;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"corridor simulate: {message}");
        return 2;
    }

    private static int Run(int participants, int payments, ulong seed, int currencies, string output, string rulesText, int points,
        string? fromCsv, bool saveDay, int batchSeconds, int lsmSeconds, int parallel, bool json)
    {
        if (!RuleSet.TryParseList(rulesText, out List<RuleSet> rules, out string? ruleError)) return Fail(ruleError!);
        if (points is < WhatIfAnalysis.MinPoints or > WhatIfAnalysis.MaxPoints)
            return Fail($"--liquidity-points must be {WhatIfAnalysis.MinPoints}..{WhatIfAnalysis.MaxPoints} (got {points})");
        if (parallel is < 1 or > 64) return Fail($"--parallel must be 1..64 (got {parallel})");
        if (string.IsNullOrWhiteSpace(output)) return Fail("--out must name a directory");
        if (File.Exists(output)) return Fail($"--out '{output}' is a file, not a directory");
        if (batchSeconds is < 1 or > 3600) return Fail($"--batch-seconds must be 1..3600 (got {batchSeconds})");
        if (lsmSeconds is < 1 or > 3600) return Fail($"--lsm-seconds must be 1..3600 (got {lsmSeconds})");
        var options = new SimulationOptions { BatchMs = batchSeconds * 1000, LsmIntervalMs = lsmSeconds * 1000 };
        foreach (RuleSet r in rules)
            if (r.UsesWindows && r.WindowMs % options.BatchMs != 0)
                return Fail($"rule '{r.Name}': the window must be a multiple of --batch-seconds ({batchSeconds} s)");

        PaymentDay day;
        var startedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        if (fromCsv != null)
        {
            if (!File.Exists(fromCsv)) return Fail($"--from-csv '{fromCsv}' does not exist");
            try { day = DayCsv.Load(fromCsv); }
            catch (DayCsvException e) { return Fail($"{fromCsv}: {e.Message}"); }
        }
        else
        {
            var settings = new GeneratorSettings { Participants = participants, Payments = payments, Seed = seed, Currencies = currencies };
            string? error = settings.Validate();
            if (error != null) return Fail(error.Replace("participants must", "--participants must").Replace("payments must", "--payments must").Replace("currencies must", "--currencies must"));
            day = DayGenerator.Generate(settings);
        }
        double generateSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(startedAt).TotalSeconds;
        if (day.Payments == 0) return Fail("the day has no payments");

        AnalysisReport report;
        long totalPayments = (long)day.Payments * rules.Count * points;
        if (json) report = WhatIfAnalysis.Run(day, rules, points, options, parallel);
        else
        {
            report = null!;
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    ProgressTask task = ctx.AddTask($"{rules.Count} rule sets × {points} liquidity levels × {day.Payments:N0} payments", maxValue: totalPayments);
                    report = WhatIfAnalysis.Run(day, rules, points, options, parallel, done => task.Value = done);
                    task.Value = totalPayments;
                });
        }
        List<string> written = ReportWriter.WriteAll(report, output);
        if (saveDay)
        {
            string dayPath = Path.Combine(output, "day.csv");
            DayCsv.Save(day, dayPath);
            written.Add(dayPath);
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(ToJson(report, day, generateSeconds, written)));
            return 0;
        }
        var table = new Table().Title($"corridor simulate: {day.Participants} participants, {day.Payments:N0} payments, {string.Join('/', report.Currencies)}; " +
            $"lower bound {Money(report.LowerBoundMinor)}, upper bound {Money(report.UpperBoundMinor)} (base currency)");
        foreach (string h in new[] { "rule", "f", "liquidity", "used", "used/UB", "settled", "unsettled (value)", "delay min", "max queue", "gridlocks", "s" })
            table.AddColumn(new TableColumn(h).RightAligned());
        foreach (SimulationRun run in report.Runs)
        {
            RunSummary s = run.Summary;
            table.AddRow(Markup.Escape(s.Rule), s.Fraction.ToString("0.00", CultureInfo.InvariantCulture), Money(s.LiquidityProvidedMinor), Money(s.LiquidityUsedMinor), s.UsedToUpper.ToString("0.000", CultureInfo.InvariantCulture),
                $"{100.0 * s.Settled / s.Payments:0.00}%", $"{s.Unsettled:N0} ({Money(s.UnsettledValueMinor)})",
                (s.DelaySecondsValueWeighted / 60).ToString("0.0", CultureInfo.InvariantCulture), s.MaxQueued.ToString("N0", CultureInfo.InvariantCulture),
                s.GridlocksResolved.ToString(CultureInfo.InvariantCulture), s.Seconds.ToString("0.00", CultureInfo.InvariantCulture));
        }
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 160; // logs: no 80-column wrapping of the table
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"generated/loaded in {generateSeconds:0.00} s; simulated in {report.Seconds:0.00} s; wrote {Markup.Escape(string.Join(", ", written.ConvertAll(Path.GetFileName)))} to {Markup.Escape(output)}");
        return 0;
    }

    /// <summary>Base-currency major units, compact (two-decimal currencies: minor / 100).</summary>
    private static string Money(long minor) => ReportChart.Format(minor / 100.0);

    private static Dictionary<string, object> ToJson(AnalysisReport report, PaymentDay day, double generateSeconds, List<string> written)
    {
        var runs = new List<Dictionary<string, object>>();
        foreach (SimulationRun run in report.Runs)
        {
            RunSummary s = run.Summary;
            runs.Add(new Dictionary<string, object>
            {
                ["rule"] = s.Rule, ["point"] = s.Point, ["fraction"] = s.Fraction,
                ["liquidity_provided_minor"] = s.LiquidityProvidedMinor, ["liquidity_used_minor"] = s.LiquidityUsedMinor, ["used_to_upper"] = Math.Round(s.UsedToUpper, 6),
                ["settled"] = s.Settled, ["settled_value_minor"] = s.SettledValueMinor, ["unsettled"] = s.Unsettled, ["unsettled_value_minor"] = s.UnsettledValueMinor,
                ["rejected"] = s.Rejected, ["delay_seconds_value_weighted"] = Math.Round(s.DelaySecondsValueWeighted, 3), ["max_queued"] = s.MaxQueued,
                ["gridlocks_resolved"] = s.GridlocksResolved, ["lsm_runs"] = s.LsmRuns, ["seconds"] = Math.Round(s.Seconds, 3),
                ["payments_per_second"] = Math.Round(s.Payments / Math.Max(s.Seconds, 1e-9)),
            });
        }
        return new Dictionary<string, object>
        {
            ["command"] = "simulate", ["participants"] = day.Participants, ["payments"] = day.Payments, ["currencies"] = report.Currencies,
            ["day_hash"] = day.ComputeHash().ToString("x32"), ["lower_bound_minor"] = report.LowerBoundMinor, ["upper_bound_minor"] = report.UpperBoundMinor,
            ["rules"] = report.Rules, ["fractions"] = report.Fractions, ["generate_seconds"] = Math.Round(generateSeconds, 3),
            ["simulate_seconds"] = Math.Round(report.Seconds, 3), ["files"] = written, ["runs"] = runs,
        };
    }
}
