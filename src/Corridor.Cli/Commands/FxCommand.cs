using System.CommandLine;
using System.Text.Json;
using Corridor.Client;
using Corridor.Server;

namespace Corridor.Cli.Commands;

/// <summary><c>corridor fx ...</c>: cross-currency settlement against a running node's HTTP API (quotes, locks, PvP payments).</summary>
public static class FxCommand
{
    /// <summary>Largest JSON file read for a party, trade reference or payment body (the API's own body bound).</summary>
    public const int MaxJsonFileBytes = 64 * 1024;


    public static Command Create()
    {
        var quote = new Command("quote", "FX quotes: publish (as provider), find the best, withdraw.") { Publish(), Best(), Withdraw() };
        return new Command("fx", "Cross-currency settlement: quotes, locks and payment-versus-payment payments with trade references.")
        {
            quote, Lock(), Release(), Pay(), Payment(),
        };
    }

    // ───────────── quotes ─────────────

    private static Command Publish()
    {
        var id = new Option<string>("--id") { Description = "Quote id (decimal or 0x-hex, 128-bit).", Required = true };
        var from = new Option<string>("--from") { Description = "Source currency (ISO 4217 or configured), e.g. USD.", Required = true };
        var to = new Option<string>("--to") { Description = "Destination currency, e.g. KES.", Required = true };
        var rate = new Option<string>("--rate") { Description = "Destination major units per source major unit, exact: 129.35 or 12935/100.", Required = true };
        var min = new Option<long>("--min") { Description = "Smallest source amount, minor units.", Required = true };
        var max = new Option<long>("--max") { Description = "Largest source amount, minor units.", Required = true };
        var valid = new Option<int>("--valid-seconds") { Description = "Lockable from now for this many seconds (≤ 86,400).", DefaultValueFactory = _ => 3600 };
        var sourceAccount = new Option<string>("--source-account") { Description = "Provider's account credited with the payer's leg (source currency).", Required = true };
        var destinationAccount = new Option<string>("--destination-account") { Description = "Provider's account debited for the payee's leg (destination currency).", Required = true };
        var maxLock = new Option<uint>("--max-lock-seconds") { Description = "Longest a payer may hold a lock on this quote (1…3600).", DefaultValueFactory = _ => 60 };
        var provider = new Option<ulong>("--provider") { Description = "Provider participant id (operator only; default: the caller)." };
        var command = new Command("publish", "Publish a quote as FX provider (the caller's participant).")
        {
            id, from, to, rate, min, max, valid, sourceAccount, destinationAccount, maxLock, provider,
        };
        ApiConnection connection = ApiConnection.Add(command, "corridor fx");
        command.SetAction(async (parse, cancel) =>
        {
            if (!FxRateDto.TryParse(parse.GetValue(rate)!, out FxRateDto r))
            {
                await Console.Error.WriteLineAsync($"corridor fx: --rate {parse.GetValue(rate)} is not an exact rate (129.35 or 12935/100)");
                return 2;
            }
            ulong until = (ulong)DateTimeOffset.UtcNow.AddSeconds(parse.GetValue(valid)).ToUnixTimeMilliseconds() * 1_000_000;
            var request = new PublishQuoteRequest(parse.GetValue(id)!, parse.GetValue(from)!, parse.GetValue(to)!, r, parse.GetValue(min), parse.GetValue(max), until,
                parse.GetValue(sourceAccount)!, parse.GetValue(destinationAccount)!, parse.GetValue(maxLock), Provider: parse.GetValue(provider));
            return await connection.Call(parse, c => c.PublishQuoteAsync(request, cancel));
        });
        return command;
    }

    private static Command Best()
    {
        var from = new Option<string>("--from") { Description = "Source currency, e.g. USD.", Required = true };
        var to = new Option<string>("--to") { Description = "Destination currency, e.g. KES.", Required = true };
        var source = new Option<long?>("--source-amount") { Description = "Amount the payer pays, source minor units." };
        var destination = new Option<long?>("--destination-amount") { Description = "Amount the payee receives, destination minor units." };
        var command = new Command("best", "Find the best lockable quote now for one amount (give exactly one of --source-amount, --destination-amount).")
        {
            from, to, source, destination,
        };
        ApiConnection connection = ApiConnection.Add(command, "corridor fx");
        command.SetAction(async (parse, cancel) =>
        {
            long? s = parse.GetValue(source), d = parse.GetValue(destination);
            if (s is null == d is null)
            {
                await Console.Error.WriteLineAsync("corridor fx quote best: give exactly one of --source-amount or --destination-amount");
                return 2;
            }
            return await connection.Call(parse, c => c.FindBestQuoteAsync(parse.GetValue(from)!, parse.GetValue(to)!, s ?? d!.Value, s is null ? "destination" : "source", cancel));
        });
        return command;
    }

    private static Command Withdraw()
    {
        var id = new Option<string>("--id") { Description = "Quote id.", Required = true };
        var command = new Command("withdraw", "Withdraw a quote you published (existing locks stay valid until paid or expired).") { id };
        ApiConnection connection = ApiConnection.Add(command, "corridor fx");
        command.SetAction((parse, cancel) => connection.Call(parse, c => c.WithdrawQuoteAsync(parse.GetValue(id)!, cancel)));
        return command;
    }

    // ───────────── locks ─────────────

    private static Command Lock()
    {
        var id = new Option<string>("--id") { Description = "Lock id.", Required = true };
        var quote = new Option<string>("--quote") { Description = "Quote id (see `fx quote best`).", Required = true };
        var payerAccount = new Option<string>("--payer-account") { Description = "Your account in the source currency.", Required = true };
        var payeeAccount = new Option<string>("--payee-account") { Description = "The payee's account in the destination currency.", Required = true };
        var amount = new Option<long>("--amount") { Description = "Minor units, of the source (default) or destination side.", Required = true };
        var side = new Option<string>("--side") { Description = "source: you fix what you pay; destination: you fix what the payee receives.", DefaultValueFactory = _ => "source" };
        side.AcceptOnlyFromAmong("source", "destination");
        var seconds = new Option<uint>("--seconds") { Description = "How long the provider's liquidity is held (≤ the quote's max lock seconds).", DefaultValueFactory = _ => 30 };
        var command = new Command("lock", "Lock a quote for one payment: reserves the provider's destination-currency liquidity.")
        {
            id, quote, payerAccount, payeeAccount, amount, side, seconds,
        };
        ApiConnection connection = ApiConnection.Add(command, "corridor fx");
        command.SetAction((parse, cancel) => connection.Call(parse, c => c.LockQuoteAsync(new LockQuoteRequest(parse.GetValue(id)!, parse.GetValue(quote)!,
            parse.GetValue(payerAccount)!, parse.GetValue(payeeAccount)!, parse.GetValue(amount), parse.GetValue(seconds), parse.GetValue(side)!), cancel)));
        return command;
    }

    private static Command Release()
    {
        var id = new Option<string>("--id") { Description = "Lock id.", Required = true };
        var command = new Command("release", "Give a lock back before paying (voids the provider's reservation).") { id };
        ApiConnection connection = ApiConnection.Add(command, "corridor fx");
        command.SetAction((parse, cancel) => connection.Call(parse, c => c.ReleaseLockAsync(parse.GetValue(id)!, cancel)));
        return command;
    }

    // ───────────── payments ─────────────

    private static Command Pay()
    {
        var body = new Option<FileInfo?>("--body") { Description = "JSON file holding the whole payment body (id, lock_id, originator, beneficiary, trade); the other options are then not used." };
        var id = new Option<string?>("--id") { Description = "Payment id." };
        var lockId = new Option<string?>("--lock") { Description = "Lock id to pay against." };
        var originator = new Option<FileInfo?>("--originator-json") { Description = "JSON file: originator (name, town_name, country, account, id_scheme, identifier, street_name, …)." };
        var beneficiary = new Option<FileInfo?>("--beneficiary-json") { Description = "JSON file: beneficiary, same fields." };
        var trade = new Option<FileInfo?>("--trade-json") { Description = "JSON file: trade reference (invoice_number, invoice_date, letter_of_credit_reference or contract_reference, goods_description, hs_code, incoterms, incoterms_place)." };
        var command = new Command("pay", "Pay against a lock: both legs settle (payment-versus-payment) or neither. Party and trade data are sent exactly as in the files.")
        {
            body, id, lockId, originator, beneficiary, trade,
        };
        ApiConnection connection = ApiConnection.Add(command, "corridor fx");
        command.SetAction(async (parse, cancel) =>
        {
            PayAgainstLockRequest? request;
            try
            {
                FileInfo? whole = parse.GetValue(body);
                if (whole is not null) request = Read<PayAgainstLockRequest>(whole);
                else
                {
                    string? paymentId = parse.GetValue(id), lockText = parse.GetValue(lockId);
                    FileInfo? o = parse.GetValue(originator), b = parse.GetValue(beneficiary), t = parse.GetValue(trade);
                    if (paymentId is null || lockText is null || o is null || b is null || t is null)
                    {
                        await Console.Error.WriteLineAsync("corridor fx pay: give --body FILE, or all of --id, --lock, --originator-json, --beneficiary-json, --trade-json");
                        return 2;
                    }
                    request = new PayAgainstLockRequest(paymentId, lockText, Read<FxPartyDto>(o), Read<FxPartyDto>(b), Read<FxTradeReferenceDto>(t));
                }
            }
            catch (Exception e) when (e is IOException or JsonException or InvalidDataException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"corridor fx pay: {e.Message}");
                return 2;
            }
            return await connection.Call(parse, c => c.PayAgainstLockAsync(request, cancel));
        });
        return command;
    }

    /// <summary>Reads one strictly-typed JSON file (the API's dialect: snake_case, unknown fields refused).</summary>
    private static T Read<T>(FileInfo file) where T : class
    {
        if (!file.Exists) throw new IOException($"{file.FullName} does not exist");
        if (file.Length > MaxJsonFileBytes) throw new InvalidDataException($"{file.FullName} is larger than {MaxJsonFileBytes} bytes");
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllBytes(file.FullName), CorridorJson.Options)
                ?? throw new InvalidDataException($"{file.FullName}: the JSON is null");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file.FullName}: {e.Message}", e);
        }
    }

    private static Command Payment()
    {
        var id = new Argument<string>("id") { Description = "Payment id (decimal or 0x-hex)." };
        var command = new Command("payment", "Show a cross-currency payment: status, amounts, legs, parties and trade references.") { id };
        ApiConnection connection = ApiConnection.Add(command, "corridor fx");
        command.SetAction((parse, cancel) => connection.Call(parse, c => c.GetFxPaymentAsync(parse.GetValue(id)!, cancel)));
        return command;
    }
}
