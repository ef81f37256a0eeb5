using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Corridor.Client;

// Wire contracts of the cross-currency (FX) part of the API v1: currencies, quotes, locks, PvP payments with
// parties and trade references, bilateral FX trades. Amounts are integer minor units; 128-bit ids are strings.

/// <summary>Operator: make a currency usable. <c>Ledger</c> 0 = its ISO 4217 numeric code.</summary>
public sealed record ConfigureCurrencyRequest(string Code, int Exponent, uint Ledger = 0);

public sealed record CurrencyDto(string Code, ushort Numeric, int Exponent, uint Ledger, bool OperatorConfigured);

/// <summary>
/// An exact rational rate: one major unit of the source buys Numerator/Denominator major units of the destination.
/// On the wire either <c>{"numerator":12935,"denominator":100}</c> or a decimal string <c>"129.35"</c> (≤ 9 fractional
/// digits, parsed exactly); answers always use the object form.
/// </summary>
[JsonConverter(typeof(FxRateJsonConverter))]
public sealed record FxRateDto(long Numerator, long Denominator)
{
    /// <summary>Most fractional digits of a decimal rate string.</summary>
    public const int MaxDecimals = 9;

    /// <summary>Exact parse of <c>digits[.digits]</c> (ASCII, ≤ 9 fractional digits) or <c>numerator/denominator</c>.</summary>
    public static bool TryParse(string text, out FxRateDto rate)
    {
        rate = new FxRateDto(0, 0);
        int slash = text.IndexOf('/');
        if (slash >= 0)
        {
            if (!TryDigits(text.AsSpan(0, slash), out long n) || !TryDigits(text.AsSpan(slash + 1), out long d) || n == 0 || d == 0) return false;
            rate = new FxRateDto(n, d);
            return true;
        }
        int point = text.IndexOf('.');
        ReadOnlySpan<char> whole = point < 0 ? text : text.AsSpan(0, point);
        ReadOnlySpan<char> fraction = point < 0 ? default : text.AsSpan(point + 1);
        if (whole.IsEmpty || (point >= 0 && (fraction.IsEmpty || fraction.Length > MaxDecimals))) return false;
        if (!TryDigits(string.Concat(whole, fraction), out long numerator) || numerator == 0) return false;
        long denominator = 1;
        for (int i = 0; i < fraction.Length; i++) denominator *= 10;
        rate = new FxRateDto(numerator, denominator);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<char> s, out long value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 19) return false;
        foreach (char c in s) if (!char.IsAsciiDigit(c)) return false;
        return long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}

/// <summary>Strict reader of <see cref="FxRateDto"/>: the object form with exactly its two integer members, or a decimal string.</summary>
public sealed class FxRateJsonConverter : JsonConverter<FxRateDto>
{
    public override FxRateDto Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            string text = reader.GetString()!;
            if (!FxRateDto.TryParse(text, out FxRateDto rate))
                throw Error(reader, $"rate \"{(text.Length > 40 ? text[..40] : text)}\" could not be converted: use a decimal like \"129.35\" (≤ 9 decimals) or {{\"numerator\":…,\"denominator\":…}}");
            return rate;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
            throw Error(reader, "rate could not be converted: expected an object or a decimal string");
        long? numerator = null, denominator = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            string name = reader.GetString()!;
            reader.Read();
            if (name is not ("numerator" or "denominator")) throw Error(reader, $"The JSON property '{name}' could not be mapped to rate");
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long v))
                throw Error(reader, $"rate.{name} could not be converted: expected an integer");
            if (name == "numerator") { if (numerator is not null) throw Error(reader, "Duplicate property 'numerator'"); numerator = v; }
            else { if (denominator is not null) throw Error(reader, "Duplicate property 'denominator'"); denominator = v; }
        }
        if (numerator is null || denominator is null) throw Error(reader, "rate is missing required properties: numerator, denominator");
        return new FxRateDto(numerator.Value, denominator.Value);
    }

    // Path and position make the server's problem mapping see a typed-value error (request.invalid_type / unknown_field), not broken JSON.
    private static JsonException Error(in Utf8JsonReader reader, string message) => new(message, "$.rate", 0, reader.TokenStartIndex);

    public override void Write(Utf8JsonWriter writer, FxRateDto value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteNumber("numerator", value.Numerator);
        writer.WriteNumber("denominator", value.Denominator);
        writer.WriteEndObject();
    }
}

/// <summary>
/// FX provider (the caller; the operator names <c>Provider</c>): offer SourceCurrency → DestinationCurrency at Rate for
/// source amounts MinSourceAmount..MaxSourceAmount, lockable while ValidFromNs ≤ t &lt; ValidUntilNs (ValidFromNs 0 = now).
/// </summary>
public sealed record PublishQuoteRequest(
    string Id, string SourceCurrency, string DestinationCurrency, FxRateDto Rate, long MinSourceAmount, long MaxSourceAmount,
    ulong ValidUntilNs, string ProviderSourceAccountId, string ProviderDestinationAccountId, uint MaxLockSeconds,
    ulong ValidFromNs = 0, ulong Provider = 0);

/// <summary>Status: active, withdrawn, expired.</summary>
public sealed record QuoteDto(
    string Id, ulong Provider, string SourceCurrency, string DestinationCurrency, FxRateDto Rate, long MinSourceAmount, long MaxSourceAmount,
    ulong ValidFromNs, ulong ValidUntilNs, string ProviderSourceAccountId, string ProviderDestinationAccountId, uint MaxLockSeconds,
    string Status, ulong PublishedAt);

/// <summary>The best lockable quote now and the amounts a lock would fix.</summary>
public sealed record BestQuoteDto(string QuoteId, ulong Provider, FxRateDto Rate, long SourceAmount, long DestinationAmount, ulong ValidUntilNs);

/// <summary>Payer (the caller; the operator names <c>Payer</c>) locks a quote. Side: <c>source</c> (Amount is what the payer pays) or <c>destination</c> (what the payee receives).</summary>
public sealed record LockQuoteRequest(
    string Id, string QuoteId, string PayerAccountId, string PayeeAccountId, long Amount, uint LockSeconds, string Side = "source", ulong Payer = 0);

/// <summary>Status: locked, settled, released, expired (or failed, for a refused lock).</summary>
public sealed record LockDto(
    string Id, string QuoteId, ulong Payer, string PayerAccountId, string PayeeAccountId, long Amount, string Side, uint LockSeconds,
    string Status, string? Reason, long SourceAmount, long DestinationAmount, uint SourceLedger, uint DestinationLedger,
    string ReservationTransferId, ulong LockedAt, ulong ExpiresAt, string? PaymentId);

/// <summary>
/// Originator or beneficiary (ISO 20022 PartyIdentification + PostalAddress24). IdScheme: lei, bic, national_id, tax_id, other.
/// Stored and returned byte for byte; mandatory: name, town_name, country, account, id_scheme + identifier.
/// DateOfBirth (YYYY-MM-DD) and PlaceOfBirth (ISO 20022 DtAndPlcOfBirth) come together and only for the originator of
/// <c>POST /v1/payments</c>: with them a person originator needs no address (FATF R16). Absent = not written.
/// </summary>
public sealed record FxPartyDto(
    string Name = "", string StreetName = "", string BuildingNumber = "", string PostCode = "", string TownName = "",
    string CountrySubDivision = "", string Country = "", string Account = "", string IdScheme = "", string Identifier = "",
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DateOfBirth = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BirthPlaceDto? PlaceOfBirth = null);

/// <summary>Place of birth: city (1–35 characters) and country (ISO 3166-1 alpha-2), both mandatory.</summary>
public sealed record BirthPlaceDto(string City = "", string Country = "");

/// <summary>
/// What the payment pays for. InvoiceDate ISO 8601 ("2026-11-20"); HsCode 6/8/10 digits; Incoterms one of EXW FCA CPT CIP DAP DPU DDP FAS FOB CFR CIF;
/// at least one of ContractReference / LetterOfCreditReference.
/// </summary>
public sealed record FxTradeReferenceDto(
    string InvoiceNumber = "", DateOnly? InvoiceDate = null, string ContractReference = "", string LetterOfCreditReference = "",
    string GoodsDescription = "", string HsCode = "", string Incoterms = "", string IncotermsPlace = "");

/// <summary>Payer (the caller; the operator names <c>Payer</c>) pays against its lock: both legs settle or neither.</summary>
public sealed record PayAgainstLockRequest(
    string Id, string LockId, FxPartyDto Originator, FxPartyDto Beneficiary, FxTradeReferenceDto Trade, ulong Payer = 0,
    PaymentReferencesDto? References = null);

/// <summary>Status: settled or failed (Reason = fx.* code, LedgerReason = transfer.* code of the leg that failed).</summary>
public sealed record FxPaymentDto(
    string Id, string LockId, ulong Payer, string Status, string? Reason, string? LedgerReason, long SourceAmount, long DestinationAmount,
    string SourceLegTransferId, string DestinationLegTransferId, ulong Timestamp, FxPartyDto Originator, FxPartyDto Beneficiary, FxTradeReferenceDto Trade,
    PaymentReferencesDto? References = null);

/// <summary>
/// A bilateral FX trade as one party instructs it (submit by one party, affirm by the other with the same terms):
/// party A delivers AmountA of CurrencyA (PartyAPays → PartyBReceives), party B delivers AmountB of CurrencyB (PartyBPays → PartyAReceives).
/// </summary>
public sealed record FxTradeRequest(
    string Id, ulong PartyA, ulong PartyB, string CurrencyA, string CurrencyB, long AmountA, long AmountB,
    string PartyAPaysAccountId, string PartyBReceivesAccountId, string PartyBPaysAccountId, string PartyAReceivesAccountId, ulong AffirmDeadlineNs);

/// <summary>Status: submitted, settled, failed, cancelled, expired.</summary>
public sealed record FxTradeDto(
    string Id, ulong SubmittedBy, ulong PartyA, ulong PartyB, string CurrencyA, string CurrencyB, long AmountA, long AmountB,
    string PartyAPaysAccountId, string PartyBReceivesAccountId, string PartyBPaysAccountId, string PartyAReceivesAccountId, ulong AffirmDeadlineNs,
    string Status, string? Reason, string? LedgerReason, string LegATransferId, string LegBTransferId, ulong SubmittedAt, ulong ClosedAt);
