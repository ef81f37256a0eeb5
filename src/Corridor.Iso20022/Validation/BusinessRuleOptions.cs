namespace Corridor.Iso20022.Validation;

/// <summary>Kind of identifier handed to the caller's duplicate predicate.</summary>
public enum IdKind
{
    MsgId,
    EndToEndId,
    Uetr,
}

/// <summary>An identifier the validator asks the caller about ("have you seen this before?").</summary>
public readonly record struct DuplicateKey(IdKind Kind, string Value);

/// <summary>Settings of the business rules; defaults suit a cross-border clearing node.</summary>
public sealed record BusinessRuleOptions
{
    /// <summary>Default ceiling per transaction: 10^15 minor units (10 trillion in a 2-decimal currency).</summary>
    public const long DefaultMaxAmountMinor = 1_000_000_000_000_000;

    /// <summary>Default tolerance between IntrBkSttlmAmt and InstdAmt × XchgRate: 1% (charges deducted, rounding).</summary>
    public const long DefaultCrossCurrencyTolerancePpm = 10_000;

    /// <summary>Most transactions checked per message; beyond it the message is refused (AM18).</summary>
    public const int MaxTransactionsPerMessage = 10_000;

    public static readonly BusinessRuleOptions Default = new();

    /// <summary>Largest accepted settlement amount (IntrBkSttlmAmt, RtrdIntrBkSttlmAmt) per transaction, in minor units (AM02 above).</summary>
    public long MaxAmountMinor { get; init; } = DefaultMaxAmountMinor;

    /// <summary>Currencies this node settles; null accepts any active ISO 4217 code (AM03 otherwise).</summary>
    public IReadOnlySet<string>? SettlementCurrencies { get; init; }

    /// <summary>BIC of this node's participant; when set, an InstdAgt with another BIC is refused (AGNT).</summary>
    public string? OwnBic { get; init; }

    /// <summary>Countries (ISO 3166) whose payments must carry RgltryRptg; an agent in one of them without it gives RR04.</summary>
    public IReadOnlySet<string>? RegulatoryReportingCountries { get; init; }

    /// <summary>Caller's "already seen" predicate for MsgId, EndToEndId and UETR (DUPL when true).</summary>
    public Func<DuplicateKey, bool>? IsSeen { get; init; }

    /// <summary>Tolerance for the cross-currency check, in parts per million of the expected amount.</summary>
    public long CrossCurrencyTolerancePpm { get; init; } = DefaultCrossCurrencyTolerancePpm;
}
