using System.Text.Json;
using Spectre.Console;

namespace Corridor.Cli.Bench;

/// <summary>How benchmarks report: a readable table, or one JSON object as the last line.</summary>
internal static class BenchOutput
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static void Report(string title, IReadOnlyList<KeyValuePair<string, object>> fields, bool json)
    {
        // Every figure carries the conditions it was measured under: the load on the machine as the run ended and whether
        // the heap asked for huge pages (a tenth of bench pvp's throughput on the project's VM; docs/operations.md) and whether
        // the engine's fresh memory was faulted in ahead of it (FreshPages; docs/operations.md).
        fields = [.. fields, new("load_average", LoadAverage()), new("heap_huge_pages", HugePagesState()), new("fresh_pages", Corridor.Core.Engine.FreshPages.Describe())];
        if (json)
        {
            var map = new Dictionary<string, object>();
            foreach (var (k, v) in fields) map[k] = v;
            Console.WriteLine(JsonSerializer.Serialize(map, Json));
            return;
        }
        var table = new Table().Title(title).AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        foreach (var (k, v) in fields) table.AddRow(Markup.Escape(k), Markup.Escape(Format(v)));
        AnsiConsole.Write(table);
    }

    private static string Format(object v) => v switch
    {
        double d => d.ToString(d >= 100 ? "N0" : "N3", System.Globalization.CultureInfo.InvariantCulture),
        long l => l.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
        int i => i.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    /// <summary>"asked (host madvise)", "off (host madvise)", …: this process's ask for huge pages for its heap and the host's policy.</summary>
    public static string HugePagesState()
    {
        string host = Corridor.Storage.Files.HugePages.HostPolicy() ?? "none";
        return Program.HeapPages switch
        {
            null => $"off (host {host})",
            { Applied: true } => $"asked (host {host})",
            { } failed => $"not asked: {failed.Failure} (host {host})",
        };
    }

    /// <summary>The machine's load average over 1, 5 and 15 minutes (figures are quoted with it), or "unknown".</summary>
    public static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
        catch (UnauthorizedAccessException) { return "unknown"; }
    }

    public static double Percentile(List<double> sorted, double q)
    {
        if (sorted.Count == 0) return 0;
        int rank = (int)Math.Ceiling(q * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }
}
