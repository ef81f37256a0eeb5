using System.Globalization;
using System.Text.Json;
using Corridor.Client;

namespace Corridor.Server.Http;

/// <summary>
/// A fast reader of the payment request bodies (<c>POST /v1/payments</c>, <c>POST /v1/payments/batch</c>) for the shape clients
/// send: every field spelled as the contract writes it, each at most once, <c>null</c> only where the contract allows it,
/// numbers as JSON numbers, dates as
/// <c>yyyy-MM-dd</c>. It builds the same objects <see cref="JsonSerializer"/> builds with <see cref="CorridorJson.Options"/>,
/// without the parameterised-constructor machinery (≈ 3.5 µs and 2.8 KB per payment there). Anything else — an unknown or
/// repeated field, a null where none is allowed, a missing required field, a wrong type, malformed JSON, a place of birth — it declines
/// (returns false), and <see cref="RequestBody"/> reads the body with the serializer, which answers exactly as before: the
/// errors and their codes come only from there.
/// </summary>
internal static class PaymentJson
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 16, CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false };

    public static bool TryReadBatch(ReadOnlySpan<byte> json, out PaymentBatchRequest? batch)
    {
        batch = null;
        try
        {
            var r = new Utf8JsonReader(json, ReaderOptions);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) return false;
            SubmitPaymentRequest[]? payments = null;
            while (Next(ref r))
            {
                if (!r.ValueTextEquals("payments"u8) || payments is not null) return false;
                if (!r.Read() || r.TokenType != JsonTokenType.StartArray) return false;
                var list = new List<SubmitPaymentRequest>();
                while (true)
                {
                    if (!r.Read()) return false;
                    if (r.TokenType == JsonTokenType.EndArray) break;
                    if (!TryReadPayment(json, ref r, out SubmitPaymentRequest? p)) return false;
                    list.Add(p!);
                }
                payments = [.. list];
            }
            if (payments is null || r.Read()) return false; // required; nothing after the object
            batch = new PaymentBatchRequest(payments);
            return true;
        }
        catch (JsonException) { return false; }
    }

    public static bool TryReadPayment(ReadOnlySpan<byte> json, out SubmitPaymentRequest? payment)
    {
        payment = null;
        try
        {
            var r = new Utf8JsonReader(json, ReaderOptions);
            if (!r.Read() || !TryReadPayment(json, ref r, out SubmitPaymentRequest? p) || r.Read()) return false;
            payment = p;
            return true;
        }
        catch (JsonException) { return false; }
    }

    /// <summary>Moves to the next property name of the object being read; false at its end.</summary>
    private static bool Next(ref Utf8JsonReader r)
    {
        if (!r.Read()) throw new JsonException("unexpected end");
        if (r.TokenType == JsonTokenType.EndObject) return false;
        if (r.TokenType != JsonTokenType.PropertyName) throw new JsonException("property name expected");
        return true;
    }

    private static bool Seen(ref int seen, int bit)
    {
        if ((seen & (1 << bit)) != 0) return true;
        seen |= 1 << bit;
        return false;
    }

    private static bool TryString(ref Utf8JsonReader r, out string value)
    {
        value = "";
        if (!r.Read() || r.TokenType != JsonTokenType.String) return false;
        value = r.GetString()!;
        return true;
    }

    /// <summary>A string, or null where the contract's type allows it.</summary>
    private static bool TryOptionalString(ref Utf8JsonReader r, out string? value)
    {
        value = null;
        if (!r.Read()) return false;
        if (r.TokenType == JsonTokenType.Null) return true;
        if (r.TokenType != JsonTokenType.String) return false;
        value = r.GetString()!;
        return true;
    }

    private static bool TryReadPayment(ReadOnlySpan<byte> json, ref Utf8JsonReader r, out SubmitPaymentRequest? payment)
    {
        payment = null;
        if (r.TokenType != JsonTokenType.StartObject) return false;
        string id = "", priority = "normal", kind = "customer";
        ulong payee = 0, payer = 0, earliest = 0, latest = 0, window = 0;
        uint ledger = 0;
        long amount = 0;
        FxPartyDto? originator = null, beneficiary = null;
        FxTradeReferenceDto? trade = null;
        PaymentReferencesDto? references = null;
        int seen = 0;
        while (Next(ref r))
        {
            bool ok;
            if (r.ValueTextEquals("id"u8)) ok = !Seen(ref seen, 0) && TryString(ref r, out id);
            else if (r.ValueTextEquals("payee"u8)) ok = !Seen(ref seen, 1) && r.Read() && r.TokenType == JsonTokenType.Number && r.TryGetUInt64(out payee);
            else if (r.ValueTextEquals("ledger"u8)) ok = !Seen(ref seen, 2) && r.Read() && r.TokenType == JsonTokenType.Number && r.TryGetUInt32(out ledger);
            else if (r.ValueTextEquals("amount"u8)) ok = !Seen(ref seen, 3) && r.Read() && r.TokenType == JsonTokenType.Number && r.TryGetInt64(out amount);
            else if (r.ValueTextEquals("priority"u8)) ok = !Seen(ref seen, 4) && TryString(ref r, out priority);
            else if (r.ValueTextEquals("kind"u8)) ok = !Seen(ref seen, 5) && TryString(ref r, out kind);
            else if (r.ValueTextEquals("payer"u8)) ok = !Seen(ref seen, 6) && r.Read() && r.TokenType == JsonTokenType.Number && r.TryGetUInt64(out payer);
            else if (r.ValueTextEquals("earliest_ns"u8)) ok = !Seen(ref seen, 7) && r.Read() && r.TokenType == JsonTokenType.Number && r.TryGetUInt64(out earliest);
            else if (r.ValueTextEquals("latest_ns"u8)) ok = !Seen(ref seen, 8) && r.Read() && r.TokenType == JsonTokenType.Number && r.TryGetUInt64(out latest);
            else if (r.ValueTextEquals("window_id"u8)) ok = !Seen(ref seen, 9) && r.Read() && r.TokenType == JsonTokenType.Number && r.TryGetUInt64(out window);
            else if (r.ValueTextEquals("originator"u8)) ok = !Seen(ref seen, 10) && r.Read() && TryReadParty(json, ref r, out originator);
            else if (r.ValueTextEquals("beneficiary"u8)) ok = !Seen(ref seen, 11) && r.Read() && TryReadParty(json, ref r, out beneficiary);
            else if (r.ValueTextEquals("trade_reference"u8)) ok = !Seen(ref seen, 12) && r.Read() && TryReadTrade(ref r, out trade);
            else if (r.ValueTextEquals("references"u8)) ok = !Seen(ref seen, 13) && r.Read() && TryReadReferences(ref r, out references);
            else ok = false;
            if (!ok) return false;
        }
        if ((seen & 0b1111) != 0b1111) return false; // id, payee, ledger and amount are required
        payment = new SubmitPaymentRequest(id, payee, ledger, amount, priority, kind, payer, earliest, latest, window, originator, beneficiary, trade, references);
        return true;
    }

    private static readonly byte[][] PartyFields = Names("name", "street_name", "building_number", "post_code", "town_name", "country_sub_division",
        "country", "account", "id_scheme", "identifier", "date_of_birth", "place_of_birth");
    private const int PartyNullable = 1 << 10 | 1 << 11; // date_of_birth; place_of_birth only as null (a place: the serializer reads it)

    private static readonly byte[][] TradeFields = Names("invoice_number", "invoice_date", "contract_reference", "letter_of_credit_reference",
        "goods_description", "hs_code", "incoterms", "incoterms_place");
    private const int TradeNullable = 1 << 1; // invoice_date
    // What repeats from payment to payment of a trade (the invoice's date, the contract, goods, HS code, Incoterms and place),
    // unlike the invoice and letter-of-credit numbers: read once per distinct value on this thread (see TryRepeatedString).
    private const int TradeRepeating = 1 << 1 | 1 << 2 | 1 << 4 | 1 << 5 | 1 << 6 | 1 << 7;

    private static readonly byte[][] ReferenceFields = Names("msg_id", "instr_id", "end_to_end_id", "tx_id", "uetr");

    private static byte[][] Names(params string[] names) => [.. names.Select(System.Text.Encoding.UTF8.GetBytes)];

    /// <summary>The string fields of one nested object, on the stack (the most any of them has).</summary>
    [System.Runtime.CompilerServices.InlineArray(12)]
    private struct Fields
    {
        private string? _first;
    }

    /// <summary>
    /// An optional object whose fields are all strings, in the contract's spelling <paramref name="names"/>, each at most once;
    /// those in <paramref name="nullable"/> may be null (and are null when absent), the others are "" when absent. False: declined.
    /// </summary>
    private static bool TryReadStrings(ref Utf8JsonReader r, byte[][] names, int nullable, scoped Span<string?> values, out bool present, int repeating = 0)
    {
        present = false;
        if (r.TokenType == JsonTokenType.Null) return true; // optional: absent
        if (r.TokenType != JsonTokenType.StartObject) return false;
        for (int i = 0; i < names.Length; i++) values[i] = (nullable & (1 << i)) != 0 ? null : "";
        int seen = 0, next = 0;
        while (Next(ref r))
        {
            // Look from the field after the last one: clients write them in the contract's order, so the first try matches.
            int field = next, tried = 0;
            while (tried < names.Length && !r.ValueTextEquals(names[field])) { field = field + 1 == names.Length ? 0 : field + 1; tried++; }
            if (tried == names.Length || Seen(ref seen, field)) return false;
            next = field + 1 == names.Length ? 0 : field + 1;
            bool isNullable = (nullable & (1 << field)) != 0;
            bool ok;
            if ((repeating & (1 << field)) != 0) ok = TryRepeatedString(ref r, isNullable, out values[field]);
            else if (isNullable) ok = TryOptionalString(ref r, out values[field]);
            else
            {
                ok = TryString(ref r, out string text);
                values[field] = text;
            }
            if (!ok) return false;
        }
        present = true;
        return true;
    }

    /// <summary>
    /// A string (or null, where <paramref name="nullable"/>) that repeats from payment to payment: a value without escapes and of
    /// valid UTF-8 is made once per distinct encoding on this thread (<see cref="Corridor.Core.Exchange.RecentDecodes{T}"/>);
    /// any other is read by the reader itself, so what is read, and what is refused, is exactly <see cref="TryString"/>'s.
    /// </summary>
    private static bool TryRepeatedString(ref Utf8JsonReader r, bool nullable, out string? value)
    {
        value = nullable ? null : "";
        if (!r.Read()) return false;
        if (r.TokenType == JsonTokenType.Null) return nullable;
        if (r.TokenType != JsonTokenType.String) return false;
        ReadOnlySpan<byte> raw = r.ValueSpan;
        value = !r.ValueIsEscaped && !r.HasValueSequence && raw.Length <= MaxRepeatedBytes && System.Text.Unicode.Utf8.IsValid(raw)
            ? Corridor.Core.Exchange.RecentDecodes<string>.Get(raw, static bytes => System.Text.Encoding.UTF8.GetString(bytes))
            : r.GetString()!;
        return true;
    }

    private const int MaxRepeatedBytes = 256; // longer texts are rarely repeated byte for byte

    /// <summary>A party object as read from its bytes: the party, or declined (<see cref="Ok"/> false).</summary>
    private sealed record ReadParty(FxPartyDto? Party, bool Ok);

    /// <summary>
    /// A party (or null). Parties repeat from payment to payment — a bank's customers pay again and again — so an object is
    /// read once per distinct encoding on this thread (<see cref="Corridor.Core.Exchange.RecentDecodes{T}"/>: the same bytes,
    /// compared byte for byte, give the same immutable object); what is read never depends on it, only what is allocated.
    /// </summary>
    private static bool TryReadParty(ReadOnlySpan<byte> json, ref Utf8JsonReader r, out FxPartyDto? party)
    {
        if (r.TokenType != JsonTokenType.StartObject) return TryReadPartyFields(ref r, out party); // null, or declined
        Utf8JsonReader end = r;
        if (!end.TrySkip()) { party = null; return false; }
        ReadParty read = Corridor.Core.Exchange.RecentDecodes<ReadParty>.Get(json[(int)r.TokenStartIndex..(int)end.BytesConsumed], static encoded =>
        {
            var one = new Utf8JsonReader(encoded, ReaderOptions);
            FxPartyDto? p = null;
            bool ok = one.Read() && TryReadPartyFields(ref one, out p) && !one.Read();
            return new ReadParty(ok ? p : null, ok);
        });
        r = end;
        party = read.Party;
        return read.Ok;
    }

    private static bool TryReadPartyFields(ref Utf8JsonReader r, out FxPartyDto? party)
    {
        party = null;
        var fields = new Fields();
        Span<string?> f = fields;
        if (!TryReadStrings(ref r, PartyFields, PartyNullable, f, out bool present) || (present && f[11] is not null)) return false;
        if (present) party = new FxPartyDto(f[0]!, f[1]!, f[2]!, f[3]!, f[4]!, f[5]!, f[6]!, f[7]!, f[8]!, f[9]!, f[10]);
        return true;
    }

    private static bool TryReadTrade(ref Utf8JsonReader r, out FxTradeReferenceDto? trade)
    {
        trade = null;
        var fields = new Fields();
        Span<string?> f = fields;
        if (!TryReadStrings(ref r, TradeFields, TradeNullable, f, out bool present, TradeRepeating)) return false;
        if (!present) return true;
        DateOnly date = default;
        if (f[1] is { } text && (text.Length != 10 || !DateOnly.TryParseExact(text, "yyyy'-'MM'-'dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date)))
            return false;
        trade = new FxTradeReferenceDto(f[0]!, f[1] is null ? null : date, f[2]!, f[3]!, f[4]!, f[5]!, f[6]!, f[7]!);
        return true;
    }

    private static bool TryReadReferences(ref Utf8JsonReader r, out PaymentReferencesDto? references)
    {
        references = null;
        var fields = new Fields();
        Span<string?> f = fields;
        if (!TryReadStrings(ref r, ReferenceFields, 0, f, out bool present)) return false;
        if (present) references = new PaymentReferencesDto(f[0]!, f[1]!, f[2]!, f[3]!, f[4]!);
        return true;
    }
}
