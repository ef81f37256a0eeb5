using System.Collections.Immutable;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;

namespace Corridor.Core.Compliance;

// Operator commands of the compliance state (operations 300–399). Payloads are count × items encoded like the
// exchange's (little-endian, u16-length UTF-8 strings with a maximum in characters; see Exchange/Wire.cs), so
// ExchangeCommands.Encode / Decode serve both. Every item names the operator participant who issued it; the
// engine records it, with engine time, in the hash-chained audit log.

/// <summary>Format of a watch-list file given to <see cref="LoadWatchList"/>.</summary>
public enum WatchListFormat : byte { Csv = 1, Xml = 2 }

/// <summary>
/// Operator: load (or replace) the watch list <see cref="Name"/> from <see cref="Text"/>, parsed inside the engine so
/// replay parses the same bytes. The version is the list's content hash; earlier versions stay in the audit history.
/// </summary>
public sealed record LoadWatchList(ulong Operator, string Name, WatchListFormat Format, string VersionLabel, string Text) : IExchangeItem<LoadWatchList>
{
    public const int MaxNameChars = 64, MaxVersionChars = 64;
    /// <summary>Largest watch-list text in one command (the command payload bound leaves room for the header fields).</summary>
    public const int MaxTextBytes = CommandBatch.MaxCommandPayloadBytes - 1024;

    public static int MaxEncodedBytes => 8 + Wire.MaxStringBytes(MaxNameChars) + 1 + Wire.MaxStringBytes(MaxVersionChars) + 4 + MaxTextBytes;

    public void Write(ref WireWriter w)
    {
        w.U64(Operator); w.String(Name, MaxNameChars); w.U8((byte)Format); w.String(VersionLabel, MaxVersionChars); w.LongString(Text, MaxTextBytes);
    }

    public static LoadWatchList Read(ref WireReader r) =>
        new(r.U64(), r.String(MaxNameChars), (WatchListFormat)r.U8(), r.String(MaxVersionChars), r.LongString(MaxTextBytes));
}

/// <summary>A value limit as carried in <see cref="SetComplianceRule"/>: currency code, hold and reject thresholds (minor units).</summary>
public readonly record struct RuleLimit(string Currency, long HoldAboveMinor, long RejectAboveMinor);

/// <summary>
/// Operator: add or replace the rule <see cref="RuleId"/> (see <see cref="ComplianceRule"/>). Empty scope strings and a
/// zero participant mean "any". Rules only add restrictions.
/// </summary>
public sealed record SetComplianceRule(
    ulong Operator, string RuleId, ulong Participant, string SourceCountry, string DestinationCountry, string SendCurrency, string ReceiveCurrency,
    ImmutableArray<RuleLimit> Limits, ImmutableArray<string> BlockedCountries, ImmutableArray<string> BlockedCurrencies) : IExchangeItem<SetComplianceRule>
{
    public const int MaxRuleIdChars = 64, MaxListItems = 64;

    public static int MaxEncodedBytes =>
        8 + Wire.MaxStringBytes(MaxRuleIdChars) + 8 + 2 * Wire.MaxStringBytes(2) + 2 * Wire.MaxStringBytes(3)
        + 1 + MaxListItems * (Wire.MaxStringBytes(3) + 16) + 1 + MaxListItems * Wire.MaxStringBytes(2) + 1 + MaxListItems * Wire.MaxStringBytes(3);

    public void Write(ref WireWriter w)
    {
        w.U64(Operator); w.String(RuleId, MaxRuleIdChars); w.U64(Participant);
        w.String(SourceCountry, 2); w.String(DestinationCountry, 2); w.String(SendCurrency, 3); w.String(ReceiveCurrency, 3);
        ImmutableArray<RuleLimit> limits = Limits.IsDefault ? [] : Limits;
        ImmutableArray<string> countries = BlockedCountries.IsDefault ? [] : BlockedCountries;
        ImmutableArray<string> currencies = BlockedCurrencies.IsDefault ? [] : BlockedCurrencies;
        if (limits.Length > MaxListItems || countries.Length > MaxListItems || currencies.Length > MaxListItems)
            throw new ArgumentException($"a rule carries at most {MaxListItems} limits, blocked countries and blocked currencies each");
        w.U8((byte)limits.Length);
        foreach (RuleLimit l in limits) { w.String(l.Currency, 3); w.I64(l.HoldAboveMinor); w.I64(l.RejectAboveMinor); }
        w.U8((byte)countries.Length);
        foreach (string c in countries) w.String(c, 2);
        w.U8((byte)currencies.Length);
        foreach (string c in currencies) w.String(c, 3);
    }

    public static SetComplianceRule Read(ref WireReader r)
    {
        ulong op = r.U64(); string id = r.String(MaxRuleIdChars); ulong participant = r.U64();
        string src = r.String(2), dst = r.String(2), send = r.String(3), receive = r.String(3);
        int n = Count(ref r);
        var limits = ImmutableArray.CreateBuilder<RuleLimit>(n);
        for (int i = 0; i < n; i++) limits.Add(new RuleLimit(r.String(3), r.I64(), r.I64()));
        n = Count(ref r);
        var countries = ImmutableArray.CreateBuilder<string>(n);
        for (int i = 0; i < n; i++) countries.Add(r.String(2));
        n = Count(ref r);
        var currencies = ImmutableArray.CreateBuilder<string>(n);
        for (int i = 0; i < n; i++) currencies.Add(r.String(3));
        return new SetComplianceRule(op, id, participant, src, dst, send, receive, limits.MoveToImmutable(), countries.MoveToImmutable(), currencies.MoveToImmutable());
    }

    private static int Count(ref WireReader r)
    {
        int n = r.U8();
        if (n > MaxListItems) throw new InvalidDataException($"compliance rule list of {n} items exceeds {MaxListItems}");
        return n;
    }

    /// <summary>The rule as <see cref="ComplianceRules"/> evaluates it.</summary>
    public ComplianceRule ToRule() => new(
        RuleId,
        new RuleScope(Participant == 0 ? null : Participant, NullIfEmpty(SourceCountry), NullIfEmpty(DestinationCountry), NullIfEmpty(SendCurrency), NullIfEmpty(ReceiveCurrency)),
        Limits.IsDefault ? [] : [.. Limits.Select(static l => new ValueLimit(l.Currency, l.HoldAboveMinor, l.RejectAboveMinor))],
        BlockedCountries.IsDefault ? [] : BlockedCountries,
        BlockedCurrencies.IsDefault ? [] : BlockedCurrencies);

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    /// <summary>Structural equality for the list fields (records compare arrays by reference).</summary>
    public bool SameContent(SetComplianceRule other) =>
        this with { Operator = 0, Limits = [], BlockedCountries = [], BlockedCurrencies = [] } == other with { Operator = 0, Limits = [], BlockedCountries = [], BlockedCurrencies = [] }
        && Limits.AsSpan().SequenceEqual(other.Limits.AsSpan())
        && BlockedCountries.AsSpan().SequenceEqual(other.BlockedCountries.AsSpan())
        && BlockedCurrencies.AsSpan().SequenceEqual(other.BlockedCurrencies.AsSpan());
}

/// <summary>Operator: remove the rule <see cref="RuleId"/>.</summary>
public readonly record struct RemoveComplianceRule(ulong Operator, string RuleId) : IExchangeItem<RemoveComplianceRule>
{
    public static int MaxEncodedBytes => 8 + Wire.MaxStringBytes(SetComplianceRule.MaxRuleIdChars);
    public void Write(ref WireWriter w) { w.U64(Operator); w.String(RuleId, SetComplianceRule.MaxRuleIdChars); }
    public static RemoveComplianceRule Read(ref WireReader r) => new(r.U64(), r.String(SetComplianceRule.MaxRuleIdChars));
}

/// <summary>Operator: set the screening hit threshold (score 0..100; default <see cref="Screener.DefaultThreshold"/>). 9 bytes.</summary>
public readonly record struct SetScreeningThreshold(ulong Operator, byte Threshold) : IExchangeItem<SetScreeningThreshold>
{
    public static int MaxEncodedBytes => 9;
    public void Write(ref WireWriter w) { w.U64(Operator); w.U8(Threshold); }
    public static SetScreeningThreshold Read(ref WireReader r) => new(r.U64(), r.U8());
}

/// <summary>
/// Operator decision on a held payment: <see cref="Operation.ReleaseHold"/> settles it PvP (both legs or neither),
/// <see cref="Operation.RejectHold"/> releases its lock. The reason text is kept in the audit log.
/// </summary>
public readonly record struct HoldDecision(UInt128 PaymentId, ulong Operator, string Reason) : IExchangeItem<HoldDecision>
{
    public const int MaxReasonChars = 1000;
    public static int MaxEncodedBytes => 24 + Wire.MaxStringBytes(MaxReasonChars);
    public void Write(ref WireWriter w) { w.U128(PaymentId); w.U64(Operator); w.String(Reason, MaxReasonChars); }
    public static HoldDecision Read(ref WireReader r) => new(r.U128(), r.U64(), r.String(MaxReasonChars));
}

// ───────────── result codes: stable values (journal, API), ordered by precedence, append only ─────────────

/// <summary>Outcome of one LoadWatchList item.</summary>
public enum LoadWatchListResult : byte
{
    Ok = 0,
    OperatorMustNotBeZero = 1,
    /// <summary>Name empty, or not printable ASCII letters, digits, '-', '_', '.'.</summary>
    NameInvalid = 2,
    FormatInvalid = 3,
    /// <summary>The file has errors; nothing was loaded (the previous version stays in force). First error in the audit entry.</summary>
    ParseFailed = 4,
    TooManyWatchLists = 5,
}

/// <summary>Outcome of one SetComplianceRule or RemoveComplianceRule item.</summary>
public enum ComplianceRuleResult : byte
{
    Ok = 0,
    OperatorMustNotBeZero = 1,
    RuleIdInvalid = 2,
    /// <summary>A country is not ISO 3166-1 alpha-2, a currency not three capital letters, or a limit negative.</summary>
    RuleInvalid = 3,
    TooManyRules = 4,
    RuleNotFound = 5,
}

/// <summary>Outcome of one SetScreeningThreshold item.</summary>
public enum ScreeningThresholdResult : byte
{
    Ok = 0,
    OperatorMustNotBeZero = 1,
    ThresholdOutOfRange = 2,
}

/// <summary>Outcome of one ReleaseHold or RejectHold item.</summary>
public enum HoldDecisionResult : byte
{
    Ok = 0,
    PaymentIdMustNotBeZero = 1,
    OperatorMustNotBeZero = 2,
    /// <summary>An operator decision must say why (empty or whitespace-only reason).</summary>
    ReasonMissing = 3,
    /// <summary>No payment with this id was screened.</summary>
    PaymentNotFound = 4,
    /// <summary>The payment passed or was rejected by screening/rules: there is no hold to decide.</summary>
    PaymentNotHeld = 5,
    /// <summary>RejectHold on a hold already released (or ReleaseHold on one already rejected).</summary>
    HoldAlreadyDecided = 6,
    /// <summary>Released, but the PvP settlement failed (lock expired during the hold, payer funds, ledger): neither leg settled.</summary>
    ReleasedButSettlementFailed = 7,
    /// <summary>Four eyes are required: an operator user releases a hold only through an approved act (Compliance/OperatorActs.cs).</summary>
    FourEyesRequired = 8,
}
