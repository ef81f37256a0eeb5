using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Corridor.Core.Settlement;
using Corridor.Iso20022;
using Corridor.Iso20022.Model;
using Corridor.Storage.Journal;
using Corridor.Storage.ReadModel;

namespace Corridor.Cli.Commands;

/// <summary>
/// <c>corridor statement</c>: a settlement account's end-of-day statement, served from the read model
/// (SQLite <c>&lt;data&gt;/readmodel.db</c> or PostgreSQL), which is first caught up with the journal.
/// </summary>
public static class StatementCommand
{
    public static Command Create()
    {
        var accountArg = new Argument<string>("account-id") { Description = "Settlement account id (decimal, or hex with 0x)." };
        var day = new Option<string>("--day") { Description = "Business day, yyyy-mm-dd.", Required = true };
        var format = new Option<string>("--format") { Description = "csv, json or camt053 (ISO 20022 camt.053.001.08).", DefaultValueFactory = _ => "csv" };
        var data = new Option<string>("--data", "-d") { Description = "Data directory (journal, readmodel.db).", DefaultValueFactory = _ => DataDirectory.DefaultPath };
        var readModel = new Option<string?>("--read-model-connection") { Description = "PostgreSQL read model (Npgsql connection string); default: SQLite <data>/readmodel.db." };
        var currency = new Option<string?>("--currency")
        {
            Description = "ISO 4217 code written in camt.053; default: the ledger's ISO 4217 numeric code (ledger 978 = EUR), else XXX.",
        };
        var noCatchUp = new Option<bool>("--no-catch-up") { Description = "Answer from the read model as it is, without projecting new journal batches first." };
        var journalOptions = new JournalChoice.Options();
        var command = new Command("statement", "Print a settlement account's statement for one business day, from the read model.")
        {
            accountArg, day, format, data, readModel, currency, noCatchUp,
        };
        journalOptions.AddTo(command);
        command.SetAction(parse =>
        {
            if (!TryParseId(parse.GetValue(accountArg)!, out UInt128 accountId)) { Console.Error.WriteLine("corridor statement: account id must be a decimal or 0x-hex 128-bit number"); return 2; }
            if (!DateOnly.TryParseExact(parse.GetValue(day), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
            { Console.Error.WriteLine("corridor statement: --day must be yyyy-mm-dd"); return 2; }
            string kind = parse.GetValue(format)!;
            if (kind is not ("csv" or "json" or "camt053")) { Console.Error.WriteLine("corridor statement: --format must be csv, json or camt053"); return 2; }
            JournalChoice journal = journalOptions.Get(parse);
            if (journal.Validate() is { } invalid) { Console.Error.WriteLine($"corridor statement: {invalid}"); return 2; }
            var dir = new DataDirectory(Path.GetFullPath(parse.GetValue(data)!));
            string? readModelConnection = parse.GetValue(readModel);

            using IReadModel model = readModelConnection is null ? SqliteReadModel.Open(dir.ReadModelPath) : PostgresReadModel.Open(readModelConnection);
            if (!parse.GetValue(noCatchUp))
            {
                try { CatchUp(journal, dir, model); }
                catch (JournalCorruptException e) { Console.Error.WriteLine($"corridor statement: {e.Message}"); return 3; }
                catch (InvalidOperationException e)
                {
                    // A running node's projector wrote the same batch first: its read model is current enough.
                    Console.Error.WriteLine($"corridor statement: not catching up ({e.Message}); answering from the read model as it is");
                }
            }
            uint businessDate = (uint)(date.Year * 10_000 + date.Month * 100 + date.Day);
            AccountStatement? statement = model.GetStatement(accountId, businessDate);
            if (statement is null)
            {
                Console.Error.WriteLine($"corridor statement: no statement of account {accountId} for {date:yyyy-MM-dd} (the day has not ended, or the account is not a settlement account)");
                return 1;
            }
            string output = kind switch
            {
                "json" => Json(statement),
                "camt053" => Encoding.UTF8.GetString(Camt053(statement, parse.GetValue(currency) ?? CurrencyOf(statement.Ledger),
                    model.GetStatementPayments(accountId, businessDate))),
                _ => Csv(statement),
            };
            Console.Out.Write(output);
            if (!output.EndsWith('\n')) Console.Out.WriteLine();
            return 0;
        });
        return command;
    }

    private static void CatchUp(JournalChoice choice, DataDirectory dir, IReadModel model)
    {
        if (!choice.IsPostgres && !Directory.Exists(dir.JournalPath)) return;
        using IJournal journal = choice.OpenReadOnly(dir.JournalPath);
        string snapshots = choice.IsPostgres ? dir.PostgresSnapshotsPath : dir.SnapshotsPath;
        new Projector(journal, model, Directory.Exists(snapshots) ? new SnapshotStore(snapshots) : null).CatchUp();
    }

    /// <summary>ISO 4217 ledgers (numeric code as ledger) name their currency; other ledgers get XXX ("no currency").</summary>
    private static string CurrencyOf(uint ledger) =>
        new Corridor.Core.Currencies.CurrencyRegistry().TryGetByLedger(ledger, out Corridor.Core.Currencies.CurrencyInfo info) ? info.Code : "XXX";

    private static bool TryParseId(string text, out UInt128 id) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? UInt128.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out id)
            : UInt128.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);

    internal static string Csv(AccountStatement s)
    {
        var b = new StringBuilder();
        string day = Day(s.BusinessDate);
        b.Append("record,business_date,account_id,timestamp_ns,transfer_id,payment_id,credit_debit,amount_minor,counterparty,code,balance_minor\n");
        b.Append(CultureInfo.InvariantCulture, $"opening,{day},{s.AccountId},,,,,,,,{s.OpeningBalanceMinor}\n");
        long balance = s.OpeningBalanceMinor;
        foreach (StatementEntry e in s.Entries)
        {
            balance += e.IsCredit ? e.AmountMinor : -e.AmountMinor;
            b.Append(CultureInfo.InvariantCulture,
                $"entry,{day},{s.AccountId},{e.TimestampNs},{e.TransferId},{e.PaymentId},{(e.IsCredit ? "CRDT" : "DBIT")},{e.AmountMinor},{e.Counterparty},{e.Code},{balance}\n");
        }
        b.Append(CultureInfo.InvariantCulture, $"closing,{day},{s.AccountId},,,,,,,,{s.ClosingBalanceMinor}\n");
        if (s.Truncated) b.Append("# truncated: the statement holds its first entries only\n");
        return b.ToString();
    }

    /// <summary>The engine's yyyymmdd as the one date format of the CLI and the API (ISO 8601).</summary>
    private static string Day(uint yyyymmdd) =>
        Corridor.Server.Http.BusinessDates.ToDate(yyyymmdd)?.ToString(Corridor.Server.Http.BusinessDates.Format, CultureInfo.InvariantCulture) ?? "";

    internal static string Json(AccountStatement s)
    {
        var entries = new List<object>(s.Entries.Count);
        foreach (StatementEntry e in s.Entries)
            entries.Add(new
            {
                timestamp_ns = e.TimestampNs, transfer_id = e.TransferId.ToString(CultureInfo.InvariantCulture),
                payment_id = e.PaymentId.ToString(CultureInfo.InvariantCulture), credit_debit = e.IsCredit ? "CRDT" : "DBIT",
                amount_minor = e.AmountMinor, counterparty = e.Counterparty, code = e.Code,
            });
        return JsonSerializer.Serialize(new
        {
            account_id = s.AccountId.ToString(CultureInfo.InvariantCulture), business_date = Day(s.BusinessDate), participant = s.Participant,
            ledger = s.Ledger, opening_balance_minor = s.OpeningBalanceMinor, closing_balance_minor = s.ClosingBalanceMinor,
            truncated = s.Truncated, entries,
        });
    }

    /// <summary>The statement as camt.053, built exactly as the server's GET /v1/iso20022/camt053 builds it (ids as 0x-hex, Max35Text).</summary>
    internal static byte[] Camt053(AccountStatement s, string currency, IReadOnlyDictionary<UInt128, PaymentRow> payments) =>
        Iso20022Codec.BuildAccountReport(AccountReportKind.Statement053,
            Corridor.Server.Endpoints.OutboundMessageEndpoints.Camt053(s, currency, DateTimeOffset.UtcNow, payments), indent: true);

    private static DateTimeOffset ToTime(ulong ns) => DateTimeOffset.UnixEpoch.AddTicks((long)(ns / 100));
}
