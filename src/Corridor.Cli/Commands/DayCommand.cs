using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Corridor.Core.Settlement;
using Corridor.Storage.Journal;
using Corridor.Storage.Node;

namespace Corridor.Cli.Commands;

/// <summary><c>corridor day ...</c>: the operating day (business date, phase, payment counts, queues).</summary>
public static class DayCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data", "-d") { Description = "Data directory of a stopped node (a running node holds the journal lock).", DefaultValueFactory = _ => DataDirectory.DefaultPath };
        var json = new Option<bool>("--json") { Description = "Print the status as one JSON object." };
        var status = new Command("status", "Show the operating day as of the last durable batch: business date, phase, payments by status, queued value per currency.")
        {
            data, json,
        };
        status.SetAction(async parse =>
        {
            var dir = new DataDirectory(Path.GetFullPath(parse.GetValue(data)!));
            if (!Directory.Exists(dir.JournalPath))
            {
                await Console.Error.WriteLineAsync($"corridor day status: no journal in {dir.Root}");
                return 2;
            }
            DayStatus day;
            try
            {
                using Node node = dir.StartNode(new NodeOptions { SnapshotOnStop = false });
                day = await node.QueryAsync(engine => engine.GetDayStatus());
            }
            catch (Exception e) when (e is IOException or JournalCorruptException)
            {
                await Console.Error.WriteLineAsync($"corridor day status: cannot open {dir.Root}: {e.Message}");
                return 3;
            }
            string date = day.BusinessDate == 0 ? "none" : DateTime.ParseExact(day.BusinessDate.ToString(CultureInfo.InvariantCulture), "yyyyMMdd", CultureInfo.InvariantCulture).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    business_date = date,
                    phase = day.Phase.ToString(),
                    submitted = day.Submitted, settled = day.Settled, queued = day.Queued, scheduled = day.Scheduled,
                    rejected = day.Rejected, revoked = day.Revoked, in_window = day.InWindow, held = day.Held, cross_currency = day.CrossCurrency,
                    queued_totals = day.QueuedTotals,
                }));
                return 0;
            }
            Console.WriteLine($"business date  {date}");
            Console.WriteLine($"phase          {day.Phase}");
            Console.WriteLine($"payments       {day.Submitted} submitted: {day.Settled} settled, {day.Queued} queued, {day.Scheduled} scheduled, {day.InWindow} in netting windows, {day.Held} held, {day.Rejected} rejected, {day.Revoked} revoked ({day.CrossCurrency} cross-currency)");
            foreach (QueuedTotal q in day.QueuedTotals) Console.WriteLine($"queued         {q}");
            return 0;
        });
        return new Command("day", "The operating day: start of day, cut-offs, end of day.") { status, Schedule() };
    }

    /// <summary><c>corridor day schedule</c>: shows or sets the standing cut-off schedule of a running node (PUT/GET /v1/day/schedule).</summary>
    private static Command Schedule()
    {
        const string prefix = "corridor day schedule";
        var customer = new Option<string?>("--customer-cutoff") { Description = "Customer cut-off, time of day HH:MM[:SS] in the --utc-offset zone (e.g. 16:00)." };
        var interbank = new Option<string?>("--interbank-cutoff") { Description = "Interbank cut-off, HH:MM[:SS], after the customer cut-off (e.g. 17:00)." };
        var endOfDay = new Option<string?>("--end-of-day") { Description = "End of day (statements, credit repaid), HH:MM[:SS], after the interbank cut-off (e.g. 18:00)." };
        var offset = new Option<string?>("--utc-offset") { Description = "The operator's offset from UTC: +HH:MM, -HH:MM or Z (e.g. +03:00)." };
        var remove = new Option<bool>("--remove") { Description = "Remove the schedule: phases move only when an operator moves them." };
        var command = new Command("schedule",
            "Show the cut-off schedule, or set it with all four of --customer-cutoff, --interbank-cutoff, --end-of-day and --utc-offset. "
            + "The engine moves the day at each time of every business day exactly as 'customer_cutoff', 'interbank_cutoff' and 'end_of_day' by hand would "
            + "(queued payments are rejected at the cut-offs); a time already passed for the open day takes effect at once. Needs an operator token to set.")
        {
            customer, interbank, endOfDay, offset, remove,
        };
        ApiConnection connection = ApiConnection.Add(command, prefix);
        command.SetAction(async parse =>
        {
            string?[] times = [parse.GetValue(customer), parse.GetValue(interbank), parse.GetValue(endOfDay), parse.GetValue(offset)];
            bool any = Array.Exists(times, t => t is not null), all = Array.TrueForAll(times, t => t is not null);
            if (parse.GetValue(remove) ? any : any && !all)
            {
                await Console.Error.WriteLineAsync($"{prefix}: give all four of --customer-cutoff, --interbank-cutoff, --end-of-day, --utc-offset; or --remove alone; or nothing to show the schedule");
                return 2;
            }
            if (!any && !parse.GetValue(remove)) return await connection.Call(parse, client => client.GetDayScheduleAsync());
            return await connection.Call(parse, client => client.SetDayScheduleAsync(new Corridor.Client.SetDayScheduleRequest(times[0], times[1], times[2], times[3])));
        });
        return command;
    }
}
