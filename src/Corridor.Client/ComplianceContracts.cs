namespace Corridor.Client;

/// <summary>Load (or replace) a named watch list from CSV or XML text (docs/compliance.md describes both formats).</summary>
public sealed record LoadWatchListRequest(string Name, string Format, string Version, string Content);

public sealed record ScreeningThresholdRequest(int Threshold);

/// <summary>An operator's decision on a held payment; the reason is mandatory and journaled with who and when.</summary>
public sealed record HoldDecisionRequest(string Reason);

public sealed record WatchListDto(string Name, string Format, string Version, string ContentHash, int Entries, ulong LoadedAt, ulong LoadedBy);

public sealed record ComplianceHitDto(string WatchList, string EntryId, string MatchedName, int Score, string Field, string ScreenedName);

public sealed record HoldDto(
    string PaymentId, string Status, string Decision, string Reason, string? Iso20022Reason, int Threshold, ComplianceHitDto[] Hits,
    ulong ScreenedAt, ulong DecidedBy, ulong DecidedAt, string DecisionReason);

public sealed record AuditEntryDto(long Sequence, ulong Time, ulong Operator, string Operation, int Result, string Subject, string Detail, string PreviousHash, string Hash);

/// <summary>The compliance audit log: its head hash, whether the whole chain recomputes (else the first broken sequence), and a page of entries.</summary>
public sealed record AuditExportDto(string Head, bool ChainIntact, long? FirstBrokenSequence, AuditEntryDto[] Entries);
