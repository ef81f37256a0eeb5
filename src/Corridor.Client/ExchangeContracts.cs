using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Corridor.Client;

// Wire contracts of the cross-currency (FX) part of the API v1: currencies, quotes, locks, PvP payments with
// parties and trade references, bilateral FX trades. Amounts are integer minor units; 128-bit ids are strings.

/// <summary>
/// Body of <c>POST /v1/currencies</c> (operator only): makes a currency usable that ISO 4217 does not settle by itself (every ISO
/// code with a minor unit needs no configuration, on ledger = its numeric code). A configured currency never changes (409
/// <c>fx.configured_differently</c>); other refusals are 422 <c>fx.*</c> (e.g. <c>fx.exponent_differs_from_iso4217</c>).
/// </summary>
/// <param name="Code">Three capital letters: a non-ISO code (a local unit), or an ISO code without a minor unit (XAU, XDR…).</param>
/// <param name="Exponent">Minor-unit exponent, 0 … 9 (2: amounts are hundredths).</param>
/// <param name="Ledger">0 = the ISO 4217 numeric code (for ISO codes); a non-ISO code needs an explicit ledger ≥ 1000.</param>
public sealed record ConfigureCurrencyRequest(string Code, int Exponent, uint Ledger = 0);

/// <summary>A currency as the node settles it (<c>GET /v1/currencies/{code}</c>, <c>POST /v1/currencies</c>).</summary>
/// <param name="Code">Three-letter code (ISO 4217 alphabetic, or an operator's own).</param>
/// <param name="Numeric">ISO 4217 numeric code (0 for a non-ISO currency).</param>
/// <param name="Exponent">Minor-unit exponent: amounts of this currency are integers of 10^-exponent major units.</param>
/// <param name="Ledger">The ledger that settles it.</param>
/// <param name="OperatorConfigured">True when the operator configured it; false for an ISO 4217 currency used as is.</param>
public sealed record CurrencyDto(string Code, ushort Numeric, int Exponent, uint Ledger, bool OperatorConfigured);

/// <summary>
/// An exact rational rate: one major unit of the source buys Numerator/Denominator major units of the destination.
/// On the wire either <c>{"numerator":12935,"denominator":100}</c> or a decimal string <c>"129.35"</c> (≤ 9 fractional
/// digits, parsed exactly); answers always use the object form.
/// </summary>
/// <param name="Numerator">Rate numerator, 1 … 10^18.</param>
/// <param name="Denominator">Rate denominator, 1 … 10^18.</param>
[JsonConverter(typeof(FxRateJsonConverter))]
public sealed record FxRateDto(long Numerator, long Denominator)
{
    /// <summary>Most fractional digits of a decimal rate string.</summary>
    public const int MaxDecimals = 9;

    /// <summary>Exact parse of <c>digits[.digits]</c> (ASCII, ≤ 9 fractional digits) or <c>numerator/denominator</c>.</summary>
    /// <param name="text">The rate text, e.g. <c>"129.35"</c> or <c>"12935/100"</c>; no sign, exponent or grouping.</param>
    /// <param name="rate">The parsed rate (<c>129.35</c> → 12935/100), or 0/0 when parsing failed.</param>
    /// <returns>True when <paramref name="text"/> is a positive rate in one of the two forms.</returns>
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
    /// <summary>Reads a rate; anything else is a <see cref="JsonException"/> at <c>$.rate</c> naming what is expected.</summary>
    /// <param name="reader">Positioned on the rate's first token.</param>
    /// <param name="typeToConvert">Always <see cref="FxRateDto"/>.</param>
    /// <param name="options">The serializer options (unused).</param>
    /// <returns>The rate.</returns>
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

    /// <summary>Writes the object form <c>{"numerator":…,"denominator":…}</c>.</summary>
    /// <param name="writer">The target.</param>
    /// <param name="value">The rate.</param>
    /// <param name="options">The serializer options (unused).</param>
    public override void Write(Utf8JsonWriter writer, FxRateDto value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteNumber("numerator", value.Numerator);
        writer.WriteNumber("denominator", value.Denominator);
        writer.WriteEndObject();
    }
}

/// <summary>
/// Body of <c>POST /v1/fx/quotes</c>: an FX provider (the caller; the operator names <c>Provider</c>) offers SourceCurrency →
/// DestinationCurrency at Rate for source amounts MinSourceAmount … MaxSourceAmount, lockable while ValidFromNs ≤ t &lt;
/// ValidUntilNs. 201 published, 200 the same quote again; 409 <c>fx.id_reused_with_different_content</c>; 403
/// <c>fx.account_not_owned_by_provider</c>; 422 <c>fx.*</c> (e.g. <c>fx.rate_invalid</c>, <c>fx.validity_window_invalid</c>).
/// </summary>
/// <param name="Id">The quote's 128-bit id, chosen by the provider (decimal or 0x-hex string).</param>
/// <param name="SourceCurrency">What the payer pays, ISO 4217 (or configured) code.</param>
/// <param name="DestinationCurrency">What the payee receives; different from the source.</param>
/// <param name="Rate">Destination major units per source major unit, exact (<c>"129.35"</c> or numerator/denominator).</param>
/// <param name="MinSourceAmount">Smallest source amount the quote serves, minor units of the source currency.</param>
/// <param name="MaxSourceAmount">Largest source amount the quote serves, minor units; at least the minimum.</param>
/// <param name="ValidUntilNs">End of the validity window (exclusive), engine ns since the Unix epoch.</param>
/// <param name="ProviderSourceAccountId">The provider's account in the source currency's ledger, credited by the payer's leg.</param>
/// <param name="ProviderDestinationAccountId">The provider's account in the destination currency's ledger, whose liquidity a lock
/// reserves for the payee.</param>
/// <param name="MaxLockSeconds">Longest a payer may lock the quote, 1 … 3,600 s.</param>
/// <param name="ValidFromNs">Start of the validity window, engine ns; 0 = now.</param>
/// <param name="Provider">The FX provider participant: 0 = the caller; the operator must name it.</param>
public sealed record PublishQuoteRequest(
    string Id, string SourceCurrency, string DestinationCurrency, FxRateDto Rate, long MinSourceAmount, long MaxSourceAmount,
    ulong ValidUntilNs, string ProviderSourceAccountId, string ProviderDestinationAccountId, uint MaxLockSeconds,
    ulong ValidFromNs = 0, ulong Provider = 0);

/// <summary>A published FX quote (<c>GET /v1/fx/quotes/{id}</c>, listings, publish and withdraw answers).</summary>
/// <param name="Id">The quote's id (decimal).</param>
/// <param name="Provider">The FX provider participant.</param>
/// <param name="SourceCurrency">The currency the payer pays.</param>
/// <param name="DestinationCurrency">The currency the payee receives.</param>
/// <param name="Rate">Destination major units per source major unit, exact.</param>
/// <param name="MinSourceAmount">Smallest source amount served, minor units.</param>
/// <param name="MaxSourceAmount">Largest source amount served, minor units.</param>
/// <param name="ValidFromNs">Start of the validity window, engine ns.</param>
/// <param name="ValidUntilNs">End of the validity window (exclusive), engine ns.</param>
/// <param name="ProviderSourceAccountId">The provider's source-currency account (decimal id).</param>
/// <param name="ProviderDestinationAccountId">The provider's destination-currency account (decimal id).</param>
/// <param name="MaxLockSeconds">Longest lock allowed, seconds.</param>
/// <param name="Status"><c>active</c>, <c>withdrawn</c> (by its provider; existing locks stay valid) or <c>expired</c>.</param>
/// <param name="PublishedAt">Engine time of publication, ns since the Unix epoch.</param>
public sealed record QuoteDto(
    string Id, ulong Provider, string SourceCurrency, string DestinationCurrency, FxRateDto Rate, long MinSourceAmount, long MaxSourceAmount,
    ulong ValidFromNs, ulong ValidUntilNs, string ProviderSourceAccountId, string ProviderDestinationAccountId, uint MaxLockSeconds,
    string Status, ulong PublishedAt);

/// <summary>
/// The best lockable quote now (<c>GET /v1/fx/quotes/best</c>) and the amounts a lock would fix: destination rounded down when
/// the source is fixed, source rounded up when the destination is fixed. No match is 404 <c>fx.no_quote</c>.
/// </summary>
/// <param name="QuoteId">The quote to lock (decimal id).</param>
/// <param name="Provider">Its FX provider.</param>
/// <param name="Rate">Its rate.</param>
/// <param name="SourceAmount">What the payer would pay, minor units of the source currency.</param>
/// <param name="DestinationAmount">What the payee would receive, minor units of the destination currency.</param>
/// <param name="ValidUntilNs">End of the quote's validity window, engine ns (lock before then).</param>
public sealed record BestQuoteDto(string QuoteId, ulong Provider, FxRateDto Rate, long SourceAmount, long DestinationAmount, ulong ValidUntilNs);

/// <summary>
/// Body of <c>POST /v1/fx/locks</c>: the payer (the caller; the operator names <c>Payer</c>) locks a quote for one payment. The lock
/// fixes both amounts and reserves the provider's destination liquidity for the payee (a pending ledger transfer that expires with
/// the lock). 201 locked, 200 the same lock again; a refused lock is recorded <c>failed</c> and answered 422 <c>fx.*</c> (e.g.
/// <c>fx.quote_expired</c>, <c>fx.provider_insufficient_liquidity</c>, <c>fx.below_provider_minimum</c>).
/// </summary>
/// <param name="Id">The lock's 128-bit id, chosen by the payer (decimal or 0x-hex string).</param>
/// <param name="QuoteId">The quote to lock (e.g. from <see cref="BestQuoteDto.QuoteId"/>).</param>
/// <param name="PayerAccountId">The payer's account in the source currency's ledger (must be the payer's: 403
/// <c>fx.payer_account_not_owned_by_payer</c>).</param>
/// <param name="PayeeAccountId">The payee's account in the destination currency's ledger.</param>
/// <param name="Amount">Minor units: of the source currency when <paramref name="Side"/> is <c>source</c>, of the destination when
/// <c>destination</c>; positive.</param>
/// <param name="LockSeconds">How long the lock (and the reservation) holds, 1 … the quote's MaxLockSeconds.</param>
/// <param name="Side"><c>source</c> (Amount is what the payer pays; the destination is rounded down) or <c>destination</c> (Amount is what
/// the payee receives; the source is rounded up).</param>
/// <param name="Payer">The paying participant: 0 = the caller; the operator must name it.</param>
public sealed record LockQuoteRequest(
    string Id, string QuoteId, string PayerAccountId, string PayeeAccountId, long Amount, uint LockSeconds, string Side = "source", ulong Payer = 0);

/// <summary>A quote lock (<c>GET /v1/fx/locks/{id}</c>, <c>GET /v1/fx/locks</c>, lock and release answers).</summary>
/// <param name="Id">The lock's id (decimal).</param>
/// <param name="QuoteId">The locked quote.</param>
/// <param name="Payer">The paying participant.</param>
/// <param name="PayerAccountId">The payer's source-currency account.</param>
/// <param name="PayeeAccountId">The payee's destination-currency account.</param>
/// <param name="Amount">The amount as requested, minor units of the side's currency.</param>
/// <param name="Side"><c>source</c> or <c>destination</c>: which amount the request fixed.</param>
/// <param name="LockSeconds">The lock's duration, seconds.</param>
/// <param name="Status"><c>locked</c> (payable), <c>settled</c> (paid), <c>released</c> (given back, or its payment failed), <c>expired</c>
/// or <c>failed</c> (the lock itself was refused).</param>
/// <param name="Reason">For a <c>failed</c> lock: its <c>fx.*</c> code; else null.</param>
/// <param name="SourceAmount">What the payer pays, minor units of the source currency (fixed at lock time).</param>
/// <param name="DestinationAmount">What the payee receives, minor units of the destination currency (fixed at lock time).</param>
/// <param name="SourceLedger">The source currency's ledger.</param>
/// <param name="DestinationLedger">The destination currency's ledger.</param>
/// <param name="ReservationTransferId">The pending ledger transfer provider → payee that reserves the destination amount.</param>
/// <param name="LockedAt">Engine time of the lock, ns since the Unix epoch.</param>
/// <param name="ExpiresAt">Engine time the lock and its reservation expire if unpaid, ns.</param>
/// <param name="PaymentId">The payment made against it; null while none.</param>
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
/// <param name="Name">Name (≤ 140 characters); mandatory.</param>
/// <param name="StreetName">Street (≤ 70 characters).</param>
/// <param name="BuildingNumber">Building number.</param>
/// <param name="PostCode">Post code.</param>
/// <param name="TownName">Town (≤ 35 characters); mandatory on <c>POST /v1/fx/payments</c>. On <c>POST /v1/payments</c> a person originator
/// may give a national id, or date and place of birth, instead of an address (town and country).</param>
/// <param name="CountrySubDivision">Region or state.</param>
/// <param name="Country">Country, ISO 3166-1 alpha-2 upper case; mandatory.</param>
/// <param name="Account">The party's account (IBAN or other, ≤ 34 characters); mandatory.</param>
/// <param name="IdScheme">Scheme of <paramref name="Identifier"/>: <c>lei</c>, <c>bic</c>, <c>national_id</c>, <c>tax_id</c> or <c>other</c>.</param>
/// <param name="Identifier">The party's identifier in that scheme (≤ 35 characters; an LEI or BIC is format-checked).</param>
/// <param name="DateOfBirth">A person originator's date of birth, <c>"YYYY-MM-DD"</c>, from 1900-01-01 and not in the future; null =
/// absent (400 <c>party.date_of_birth_invalid</c> / <c>party.date_of_birth_in_future</c>).</param>
/// <param name="PlaceOfBirth">A person originator's place of birth, given together with <paramref name="DateOfBirth"/> (400
/// <c>party.birth_incomplete</c> otherwise); null = absent.</param>
public sealed record FxPartyDto(
    string Name = "", string StreetName = "", string BuildingNumber = "", string PostCode = "", string TownName = "",
    string CountrySubDivision = "", string Country = "", string Account = "", string IdScheme = "", string Identifier = "",
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DateOfBirth = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] BirthPlaceDto? PlaceOfBirth = null);

/// <summary>Place of birth: city (1–35 characters) and country (ISO 3166-1 alpha-2), both mandatory.</summary>
/// <param name="City">City of birth, 1 … 35 characters (400 <c>party.place_of_birth_city_invalid</c>).</param>
/// <param name="Country">Country of birth, an assigned ISO 3166-1 alpha-2 code in upper case (400 <c>party.place_of_birth_country_invalid</c>).</param>
public sealed record BirthPlaceDto(string City = "", string Country = "");

/// <summary>
/// What the payment pays for. InvoiceDate ISO 8601 ("2026-11-20"); HsCode 6/8/10 digits; Incoterms one of EXW FCA CPT CIP DAP DPU DDP FAS FOB CFR CIF;
/// at least one of ContractReference / LetterOfCreditReference.
/// </summary>
/// <param name="InvoiceNumber">The commercial invoice number (≤ 35 characters); mandatory on <c>POST /v1/fx/payments</c>; findable with
/// <c>GET /v1/fx/payments?invoice=</c> and <c>GET /v1/payments?invoiceNumber=</c>.</param>
/// <param name="InvoiceDate">The invoice's date (JSON <c>"2026-11-20"</c>); null = absent.</param>
/// <param name="ContractReference">The sales contract's reference.</param>
/// <param name="LetterOfCreditReference">The letter of credit's reference; findable with <c>?letter_of_credit=</c>.</param>
/// <param name="GoodsDescription">What is traded (≤ 140 characters).</param>
/// <param name="HsCode">Harmonized System code, 6, 8 or 10 digits without dots (<c>847130</c>).</param>
/// <param name="Incoterms">Incoterms 2020 rule: EXW, FCA, CPT, CIP, DAP, DPU, DDP, FAS, FOB, CFR or CIF.</param>
/// <param name="IncotermsPlace">The named place of the Incoterms rule.</param>
public sealed record FxTradeReferenceDto(
    string InvoiceNumber = "", DateOnly? InvoiceDate = null, string ContractReference = "", string LetterOfCreditReference = "",
    string GoodsDescription = "", string HsCode = "", string Incoterms = "", string IncotermsPlace = "");

/// <summary>
/// Body of <c>POST /v1/fx/payments</c>: the payer (the caller; the operator names <c>Payer</c>) pays against its lock, payment versus
/// payment: the payer's leg and the post of the provider's reservation settle as one, or neither does. 201 <c>settled</c>,
/// <c>queued</c> (the payer's leg waits for liquidity) or <c>held</c> (screening); a refusal is recorded <c>failed</c> and answered
/// 422 <c>fx.*</c> (e.g. <c>fx.lock_expired</c>, <c>fx.payer_insufficient_funds</c>, <c>fx.originator_town_missing</c>) with
/// <c>payment_id</c> and <c>payment_status</c>; 409 <c>fx.lock_already_used</c>.
/// </summary>
/// <param name="Id">The payment's 128-bit id, chosen by the payer (decimal or 0x-hex string).</param>
/// <param name="LockId">The payer's lock (status <c>locked</c>).</param>
/// <param name="Originator">Who pays (name, town, country, account, identifier mandatory; no birth data here:
/// <c>party.birth_not_supported</c>).</param>
/// <param name="Beneficiary">Who is paid (same mandatory members).</param>
/// <param name="Trade">What is paid for: invoice number and date, contract or letter-of-credit reference, goods, HS code, Incoterms.</param>
/// <param name="Payer">The paying participant: 0 = the caller; the operator must name it.</param>
/// <param name="References">Optional ISO 20022 identifiers of the payment.</param>
public sealed record PayAgainstLockRequest(
    string Id, string LockId, FxPartyDto Originator, FxPartyDto Beneficiary, FxTradeReferenceDto Trade, ulong Payer = 0,
    PaymentReferencesDto? References = null);

/// <summary>A cross-currency (PvP) payment against a lock (<c>GET /v1/fx/payments/{id}</c>, <c>POST /v1/fx/payments</c>, searches).</summary>
/// <param name="Id">The payment's id (decimal).</param>
/// <param name="LockId">The lock it paid against.</param>
/// <param name="Payer">The paying participant.</param>
/// <param name="Status"><c>settled</c> (both legs), <c>queued</c> (the payer's leg waits in its RTGS queue), <c>held</c> (by compliance;
/// nothing moved) or <c>failed</c> (neither leg).</param>
/// <param name="Reason">For <c>failed</c> (or held): the <c>fx.*</c> code; else null.</param>
/// <param name="LedgerReason">The <c>transfer.*</c> code of the ledger leg that failed (e.g. <c>transfer.exceeds_credits</c>); else null.</param>
/// <param name="SourceAmount">Paid by the payer, minor units of the source currency.</param>
/// <param name="DestinationAmount">Received by the payee, minor units of the destination currency.</param>
/// <param name="SourceLegTransferId">The payer → provider ledger transfer (exists only once settled).</param>
/// <param name="DestinationLegTransferId">The post of the reservation provider → payee (exists only once settled).</param>
/// <param name="Timestamp">Engine time of the payment's outcome, ns since the Unix epoch.</param>
/// <param name="Originator">The originator as submitted, byte for byte.</param>
/// <param name="Beneficiary">The beneficiary as submitted.</param>
/// <param name="Trade">The trade reference as submitted.</param>
/// <param name="References">The ISO 20022 identifiers it was instructed with; null when none.</param>
public sealed record FxPaymentDto(
    string Id, string LockId, ulong Payer, string Status, string? Reason, string? LedgerReason, long SourceAmount, long DestinationAmount,
    string SourceLegTransferId, string DestinationLegTransferId, ulong Timestamp, FxPartyDto Originator, FxPartyDto Beneficiary, FxTradeReferenceDto Trade,
    PaymentReferencesDto? References = null);

/// <summary>
/// A bilateral FX trade as one party instructs it (submit by one party, affirm by the other with the same terms):
/// party A delivers AmountA of CurrencyA (PartyAPays → PartyBReceives), party B delivers AmountB of CurrencyB (PartyBPays → PartyAReceives).
/// </summary>
/// <param name="Id">The trade's 128-bit id (decimal or 0x-hex string); on affirm it must equal the path's id.</param>
/// <param name="PartyA">Participant delivering <paramref name="CurrencyA"/>.</param>
/// <param name="PartyB">Participant delivering <paramref name="CurrencyB"/>.</param>
/// <param name="CurrencyA">Currency party A delivers (ISO 4217 code).</param>
/// <param name="CurrencyB">Currency party B delivers; different from A's.</param>
/// <param name="AmountA">What A delivers, minor units of currency A; positive.</param>
/// <param name="AmountB">What B delivers, minor units of currency B; positive.</param>
/// <param name="PartyAPaysAccountId">A's account debited in currency A.</param>
/// <param name="PartyBReceivesAccountId">B's account credited in currency A.</param>
/// <param name="PartyBPaysAccountId">B's account debited in currency B.</param>
/// <param name="PartyAReceivesAccountId">A's account credited in currency B.</param>
/// <param name="AffirmDeadlineNs">Engine ns after which an unaffirmed trade expires (at most 7 days ahead).</param>
public sealed record FxTradeRequest(
    string Id, ulong PartyA, ulong PartyB, string CurrencyA, string CurrencyB, long AmountA, long AmountB,
    string PartyAPaysAccountId, string PartyBReceivesAccountId, string PartyBPaysAccountId, string PartyAReceivesAccountId, ulong AffirmDeadlineNs);

/// <summary>A bilateral FX trade (<c>GET /v1/fx/trades/{id}</c>, listings, submit, affirm and cancel answers).</summary>
/// <param name="Id">The trade's id (decimal).</param>
/// <param name="SubmittedBy">The party that submitted it (the other one affirms).</param>
/// <param name="PartyA">Participant delivering currency A.</param>
/// <param name="PartyB">Participant delivering currency B.</param>
/// <param name="CurrencyA">Currency A.</param>
/// <param name="CurrencyB">Currency B.</param>
/// <param name="AmountA">A's delivery, minor units of currency A.</param>
/// <param name="AmountB">B's delivery, minor units of currency B.</param>
/// <param name="PartyAPaysAccountId">A's account debited in currency A.</param>
/// <param name="PartyBReceivesAccountId">B's account credited in currency A.</param>
/// <param name="PartyBPaysAccountId">B's account debited in currency B.</param>
/// <param name="PartyAReceivesAccountId">A's account credited in currency B.</param>
/// <param name="AffirmDeadlineNs">Affirmation deadline, engine ns.</param>
/// <param name="Status"><c>submitted</c> (waiting for affirmation), <c>settled</c> (both legs), <c>failed</c> (neither: a party was
/// short), <c>cancelled</c> or <c>expired</c>.</param>
/// <param name="Reason">For <c>failed</c>: the <c>fx.*</c> code (e.g. <c>fx.party_a_insufficient_funds</c>); else null.</param>
/// <param name="LedgerReason">The <c>transfer.*</c> code of the leg that failed; else null.</param>
/// <param name="LegATransferId">The ledger transfer A → B in currency A (once settled).</param>
/// <param name="LegBTransferId">The ledger transfer B → A in currency B (once settled).</param>
/// <param name="SubmittedAt">Engine time of submission, ns.</param>
/// <param name="ClosedAt">Engine time it settled, failed, was cancelled or expired (0 while open).</param>
public sealed record FxTradeDto(
    string Id, ulong SubmittedBy, ulong PartyA, ulong PartyB, string CurrencyA, string CurrencyB, long AmountA, long AmountB,
    string PartyAPaysAccountId, string PartyBReceivesAccountId, string PartyBPaysAccountId, string PartyAReceivesAccountId, ulong AffirmDeadlineNs,
    string Status, string? Reason, string? LedgerReason, string LegATransferId, string LegBTransferId, ulong SubmittedAt, ulong ClosedAt);
