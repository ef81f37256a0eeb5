using System.Collections.Concurrent;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Corridor.Cli.Federation;
using Corridor.Client;
using Corridor.Server.Federation;
using Spectre.Console;

namespace Corridor.Cli.Commands;

/// <summary>
/// <c>corridor demo</c>: two sovereign nodes on loopback (RUB and CNY) settle one trade payment together, and the command
/// prints both sides' balances before and after and the ISO 20022 messages the link exchanged, byte for byte as sent.
/// </summary>
public static partial class DemoCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data", "-d") { Description = "Directory for the two nodes' data (node-a-rub, node-b-cny; must be empty or absent). Default: a temporary directory, deleted afterwards." };
        var amount = new Option<decimal>("--amount") { Description = "RUB the payer bank sends (0.01 … 100,000.00).", DefaultValueFactory = _ => 10_000m };
        var command = new Command("demo",
            "Start two Corridor nodes on loopback — node A settles RUB (Bank of Russia), node B settles CNY (People's Bank of China) — " +
            "link them over mutual TLS with throwaway pinned certificates, send one trade payment from Volga Bank (A) to Harbin Bank (B) " +
            "through FX Bank's quote, wait until both sides settled, print balances before and after and the pacs.008/pacs.002 exchanged, and stop both nodes.")
        { data, amount };
        command.SetAction(async (parse, cancel) =>
        {
            decimal rub = parse.GetValue(amount);
            if (rub is < 0.01m or > 100_000m || decimal.Round(rub, 2) != rub)
            { await Console.Error.WriteLineAsync("corridor demo: --amount must be 0.01 … 100000.00 RUB with at most two decimals"); return 2; }
            string? given = parse.GetValue(data);
            if (given is not null && Directory.Exists(given) && Directory.EnumerateFileSystemEntries(given).Any())
            { await Console.Error.WriteLineAsync($"corridor demo: --data {Path.GetFullPath(given)} is not empty; give an empty or new directory"); return 2; }
            string root = given is null ? Directory.CreateTempSubdirectory("corridor-demo-").FullName : Directory.CreateDirectory(given).FullName;
            try { return await RunAsync((long)(rub * 100), root, keep: given is not null, cancel); }
            finally { if (given is null) TryDelete(root); }
        });
        return command;
    }

    private const long PayerRub = 1_000_000_00, ProviderCny = 500_000_00;

    private static async Task<int> RunAsync(long rubMinor, string root, bool keep, CancellationToken cancel)
    {
        var wire = new ConcurrentQueue<WireMessage>();
        Console.WriteLine("corridor demo: starting two nodes on loopback …");
        await using LocalFederation f = await LocalFederation.StartAsync(
            new LocalFederation.Settings(root, PayerRub, ProviderCny, TwoNodeWorld.MaxQuoteRub, 4, SnapshotOnStop: keep, wire.Enqueue), cancel);
        Console.WriteLine($"  node A  RUB  Bank of Russia          API {f.A.Addresses[0]}  peer endpoint {f.PeerUrlA}  certificate sha256 {f.FingerprintA[..16]}…");
        Console.WriteLine($"  node B  CNY  People's Bank of China  API {f.B.Addresses[0]}  peer endpoint {f.PeerUrlB}  certificate sha256 {f.FingerprintB[..16]}…");
        Console.WriteLine($"  A pins B as peer {TwoNodeWorld.PeerBOnA}, B pins A as peer {TwoNodeWorld.PeerAOnB}; FX Bank quotes RUB→CNY at {TwoNodeWorld.RateNumerator}/{TwoNodeWorld.RateDenominator} on B");

        long[] before = await BalancesAsync(f, cancel);
        string uetr = Guid.NewGuid().ToString("D");
        CrossNodePaymentRequest request = TwoNodeWorld.Payment("0x501", uetr, rubMinor);
        Console.WriteLine();
        Console.WriteLine($"payment 0x501 (UETR {uetr}): Volga Bank on A pays {Money(rubMinor)} RUB → Harbin Bank on B receives {Money(request.DestinationAmount)} CNY");
        Console.WriteLine($"  originator {request.Originator.Name} ({request.Originator.Country}), beneficiary {request.Beneficiary.Name} ({request.Beneficiary.Country}), " +
            $"invoice {request.Trade!.InvoiceNumber}, contract {request.Trade.ContractReference}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        ApiResult<CrossNodePaymentDto> sent = await f.Parties.PayerOnA.SendToPeerAsync(request, cancel);
        if (!sent.Ok)
        { await Console.Error.WriteLineAsync($"corridor demo: node A refused the payment: HTTP {(int)sent.Status} {sent.Problem?.Code}: {sent.Problem?.Detail}"); return 1; }
        Console.WriteLine($"  node A: {sent.Value!.Status} (the payer's RUB held until B decides)");
        string? final = await f.FinalAsync("0x501", uetr, TimeSpan.FromSeconds(60), cancel);
        CrossNodePaymentDto onA = (await f.OperatorA.GetCrossNodePaymentAsync("0x501", cancel)).Unwrap();
        ApiResult<CrossNodePaymentDto> onB = await f.OperatorB.GetCrossNodePaymentAsync(uetr, cancel);
        Console.WriteLine($"  node A: {onA.Status}{(onA.PeerReasonCode is null ? "" : $" ({onA.PeerReasonCode} {onA.PeerReason})")}");
        Console.WriteLine($"  node B: {(onB.Ok ? onB.Value!.Status : "unknown")}");
        if (final == "settled") Console.WriteLine($"  settled on both nodes in {clock.Elapsed.TotalMilliseconds:F0} ms");

        long[] after = await BalancesAsync(f, cancel);
        Console.WriteLine();
        var table = new Table().AddColumn("node").AddColumn("account").AddColumn(new TableColumn("before").RightAligned())
            .AddColumn(new TableColumn("after").RightAligned()).AddColumn(new TableColumn("change").RightAligned());
        string[] names = ["A (RUB)|Volga Bank " + TwoNodeWorld.PayerAccount, "A (RUB)|FX Bank " + TwoNodeWorld.ProviderRubAccount,
            "B (CNY)|FX Bank " + TwoNodeWorld.ProviderCnyAccount, "B (CNY)|Harbin Bank " + TwoNodeWorld.PayeeAccount];
        for (int i = 0; i < names.Length; i++)
        {
            string[] n = names[i].Split('|');
            table.AddRow(n[0], n[1], Money(before[i]), Money(after[i]), (after[i] >= before[i] ? "+" : "") + Money(after[i] - before[i]));
        }
        AnsiConsole.Write(table);

        Console.WriteLine();
        Console.WriteLine("ISO 20022 messages on the link A ↔ B (mutual TLS), exactly as sent:");
        foreach (WireMessage m in wire)
        {
            string xml = Encoding.UTF8.GetString(m.Xml);
            Match type = MessageType().Match(xml);
            Console.WriteLine($"--- {(m.Sent ? "A → B" : "B → A")} {(type.Success ? type.Value : "(unknown message)")} ({m.Xml.Length} bytes)");
            Console.WriteLine(xml);
        }
        Console.WriteLine();
        Console.WriteLine(keep ? $"corridor demo: stopping both nodes; their data stays in {root}" : "corridor demo: stopping both nodes and deleting their temporary data");
        if (final != "settled") { await Console.Error.WriteLineAsync($"corridor demo: the payment did not settle on both nodes within 60 s (A: {onA.Status})"); return 1; }
        return 0;
    }

    /// <summary>Volga Bank and FX Bank on A (RUB), FX Bank and Harbin Bank on B (CNY), posted, minor units.</summary>
    private static async Task<long[]> BalancesAsync(LocalFederation f, CancellationToken c) =>
    [
        await TwoNodeWorld.BalanceAsync(f.OperatorA, TwoNodeWorld.PayerAccount, c), await TwoNodeWorld.BalanceAsync(f.OperatorA, TwoNodeWorld.ProviderRubAccount, c),
        await TwoNodeWorld.BalanceAsync(f.OperatorB, TwoNodeWorld.ProviderCnyAccount, c), await TwoNodeWorld.BalanceAsync(f.OperatorB, TwoNodeWorld.PayeeAccount, c),
    ];

    private static string Money(long minor) => (minor / 100m).ToString("N2", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"pacs\.\d{3}\.\d{3}\.\d{2}")]
    private static partial Regex MessageType();

    private static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { Console.Error.WriteLine($"corridor demo: could not delete {dir}: {e.Message}"); }
    }
}
