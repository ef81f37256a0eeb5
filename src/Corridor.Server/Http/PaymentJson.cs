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
                    if (!TryReadPayment(ref r, out SubmitPaymentRequest? p)) return false;
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
            if (!r.Read() || !TryReadPayment(ref r, out SubmitPaymentRequest? p) || r.Read()) return false;
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

    private static bool TryReadPayment(ref Utf8JsonReader r, out SubmitPaymentRequest? payment)
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
            else if (r.ValueTextEquals("originator"u8)) ok = !Seen(ref seen, 10) && r.Read() && TryReadParty(ref r, out originator);
            else if (r.ValueTextEquals("beneficiary"u8)) ok = !Seen(ref seen, 11) && r.Read() && TryReadParty(ref r, out beneficiary);
            else if (r.ValueTextEquals("trade_reference"u8)) ok = !Seen(ref seen, 12) && r.Read() && TryReadTrade(ref r, out trade);
            else if (r.ValueTextEquals("references"u8)) ok = !Seen(ref seen, 13) && r.Read() && TryReadReferences(ref r, out references);
            else ok = false;
            if (!ok) return false;
        }
        if ((seen & 0b1111) != 0b1111) return false; // id, payee, ledger and amount are required
        payment = new SubmitPaymentRequest(id, payee, ledger, amount, priority, kind, payer, earliest, latest, window, originator, beneficiary, trade, references);
        return true;
    }

    private static bool TryReadParty(ref Utf8JsonReader r, out FxPartyDto? party)
    {
        party = null;
        if (r.TokenType == JsonTokenType.Null) return true; // optional: absent
        if (r.TokenType != JsonTokenType.StartObject) return false;
        string name = "", street = "", building = "", postCode = "", town = "", subDivision = "", country = "", account = "", scheme = "", identifier = "";
        string? birthDate = null;
        int seen = 0;
        while (Next(ref r))
        {
            bool ok;
            if (r.ValueTextEquals("name"u8)) ok = !Seen(ref seen, 0) && TryString(ref r, out name);
            else if (r.ValueTextEquals("street_name"u8)) ok = !Seen(ref seen, 1) && TryString(ref r, out street);
            else if (r.ValueTextEquals("building_number"u8)) ok = !Seen(ref seen, 2) && TryString(ref r, out building);
            else if (r.ValueTextEquals("post_code"u8)) ok = !Seen(ref seen, 3) && TryString(ref r, out postCode);
            else if (r.ValueTextEquals("town_name"u8)) ok = !Seen(ref seen, 4) && TryString(ref r, out town);
            else if (r.ValueTextEquals("country_sub_division"u8)) ok = !Seen(ref seen, 5) && TryString(ref r, out subDivision);
            else if (r.ValueTextEquals("country"u8)) ok = !Seen(ref seen, 6) && TryString(ref r, out country);
            else if (r.ValueTextEquals("account"u8)) ok = !Seen(ref seen, 7) && TryString(ref r, out account);
            else if (r.ValueTextEquals("id_scheme"u8)) ok = !Seen(ref seen, 8) && TryString(ref r, out scheme);
            else if (r.ValueTextEquals("identifier"u8)) ok = !Seen(ref seen, 9) && TryString(ref r, out identifier);
            else if (r.ValueTextEquals("date_of_birth"u8)) ok = !Seen(ref seen, 10) && TryOptionalString(ref r, out birthDate);
            else if (r.ValueTextEquals("place_of_birth"u8)) ok = !Seen(ref seen, 11) && r.Read() && r.TokenType == JsonTokenType.Null; // a place: the serializer reads it
            else ok = false;
            if (!ok) return false;
        }
        party = new FxPartyDto(name, street, building, postCode, town, subDivision, country, account, scheme, identifier, birthDate);
        return true;
    }

    private static bool TryReadTrade(ref Utf8JsonReader r, out FxTradeReferenceDto? trade)
    {
        trade = null;
        if (r.TokenType == JsonTokenType.Null) return true; // optional: absent
        if (r.TokenType != JsonTokenType.StartObject) return false;
        string invoice = "", contract = "", letterOfCredit = "", goods = "", hs = "", incoterms = "", place = "";
        DateOnly? invoiceDate = null;
        int seen = 0;
        while (Next(ref r))
        {
            bool ok;
            if (r.ValueTextEquals("invoice_number"u8)) ok = !Seen(ref seen, 0) && TryString(ref r, out invoice);
            else if (r.ValueTextEquals("invoice_date"u8))
            {
                DateOnly date = default;
                string? text = null;
                ok = !Seen(ref seen, 1) && TryOptionalString(ref r, out text)
                    && (text is null || (text.Length == 10 && DateOnly.TryParseExact(text, "yyyy'-'MM'-'dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date)));
                invoiceDate = text is null ? null : date;
            }
            else if (r.ValueTextEquals("contract_reference"u8)) ok = !Seen(ref seen, 2) && TryString(ref r, out contract);
            else if (r.ValueTextEquals("letter_of_credit_reference"u8)) ok = !Seen(ref seen, 3) && TryString(ref r, out letterOfCredit);
            else if (r.ValueTextEquals("goods_description"u8)) ok = !Seen(ref seen, 4) && TryString(ref r, out goods);
            else if (r.ValueTextEquals("hs_code"u8)) ok = !Seen(ref seen, 5) && TryString(ref r, out hs);
            else if (r.ValueTextEquals("incoterms"u8)) ok = !Seen(ref seen, 6) && TryString(ref r, out incoterms);
            else if (r.ValueTextEquals("incoterms_place"u8)) ok = !Seen(ref seen, 7) && TryString(ref r, out place);
            else ok = false;
            if (!ok) return false;
        }
        trade = new FxTradeReferenceDto(invoice, invoiceDate, contract, letterOfCredit, goods, hs, incoterms, place);
        return true;
    }

    private static bool TryReadReferences(ref Utf8JsonReader r, out PaymentReferencesDto? references)
    {
        references = null;
        if (r.TokenType == JsonTokenType.Null) return true; // optional: absent
        if (r.TokenType != JsonTokenType.StartObject) return false;
        string msg = "", instr = "", endToEnd = "", tx = "", uetr = "";
        int seen = 0;
        while (Next(ref r))
        {
            bool ok;
            if (r.ValueTextEquals("msg_id"u8)) ok = !Seen(ref seen, 0) && TryString(ref r, out msg);
            else if (r.ValueTextEquals("instr_id"u8)) ok = !Seen(ref seen, 1) && TryString(ref r, out instr);
            else if (r.ValueTextEquals("end_to_end_id"u8)) ok = !Seen(ref seen, 2) && TryString(ref r, out endToEnd);
            else if (r.ValueTextEquals("tx_id"u8)) ok = !Seen(ref seen, 3) && TryString(ref r, out tx);
            else if (r.ValueTextEquals("uetr"u8)) ok = !Seen(ref seen, 4) && TryString(ref r, out uetr);
            else ok = false;
            if (!ok) return false;
        }
        references = new PaymentReferencesDto(msg, instr, endToEnd, tx, uetr);
        return true;
    }
}
