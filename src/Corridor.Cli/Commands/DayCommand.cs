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
        return new Command("day", "The operating day: start of day, cut-offs, end of day.") { status };
    }
}
