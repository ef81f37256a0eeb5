using System.Runtime.CompilerServices;
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Ledger;

namespace Corridor.Core.Compliance;

/// <summary>Where a screened payment stands in compliance. Values are stable (snapshots, API).</summary>
public enum PaymentComplianceStatus : byte
{
    /// <summary>Screening clear and no rule held or rejected it: it went on to settlement.</summary>
    Passed = 0,
    /// <summary>A rule or the travel rule rejected it; no leg settled, the lock was released.</summary>
    Rejected = 1,
    /// <summary>Held: waiting for an operator's ReleaseHold or RejectHold. No leg has settled.</summary>
    Held = 2,
    /// <summary>An operator released the hold; see <see cref="PaymentCompliance.SettlementResult"/> for the PvP outcome.</summary>
    Released = 3,
    /// <summary>An operator rejected the hold; no leg settled, the lock was released.</summary>
    RejectedByOperator = 4,
}

/// <summary>One watch-list hit on a payment: which list (name and content hash) and the screener's hit.</summary>
public readonly record struct ComplianceHit(string WatchList, string WatchListHash, ScreeningHit Hit);

/// <summary>A version of a watch list the operator loaded: kept forever for audit, even when superseded.</summary>
public sealed record WatchListVersion(string Name, WatchListFormat Format, string VersionLabel, string ContentHash, int Entries, ulong LoadedAtNs, ulong LoadedBy);

/// <summary>
/// One entry of the append-only operator audit log. <see cref="Hash"/> = SHA-256 over the previous entry's hash and
/// this entry's fields, so any change to an earlier entry breaks every later hash.
/// </summary>
public sealed record AuditEntry(
    long Sequence, ulong TimeNs, ulong Operator, Operation Operation, ushort ResultCode, string Subject, string Detail, string PreviousHash, string Hash);

/// <summary>
/// The compliance record of one screened payment: the decision taken before settlement, its evidence, and any hold
/// decision — a copy of the record as it was when asked for (the state keeps records as <see cref="ComplianceRow"/>s).
/// </summary>
public sealed class PaymentCompliance
{
    public required UInt128 PaymentId { get; init; }
    public required UInt128 LockId { get; init; }
    public required ulong ScreenedAtNs { get; init; }
    public required ComplianceDecision Decision { get; init; }
    /// <summary>Watch-list hits (list, entry id, matched name, score, field), lists in name order, hits best first.</summary>
    public required ImmutableArray<ComplianceHit> Hits { get; init; }
    /// <summary>The lists screened against, as "name@contenthash" in name order (empty when none was loaded).</summary>
    public required ImmutableArray<string> ScreenedAgainst { get; init; }
    public required int Threshold { get; init; }
    public PaymentComplianceStatus Status { get; init; }
    public ulong DecidedBy { get; init; }
    public ulong DecidedAtNs { get; init; }
    public string DecisionReason { get; init; } = "";
    /// <summary>The PvP result for a passed payment or a released hold (Ok = both legs settled); otherwise HeldForCompliance, RejectedByCompliance or RejectedByOperator.</summary>
    public PayResult SettlementResult { get; init; }

    public bool IsHold => Decision.Outcome == ComplianceOutcome.Hold;

    /// <summary>A same-currency settlement payment (operations 108/116) rather than a PvP payment against a lock.</summary>
    public bool IsSettlementPayment => LockId == UInt128.Zero;
}

/// <summary>
/// A screened payment's compliance record as the state keeps it: a struct in a chunked list (no object per payment for the
/// collector to trace and copy; a node keeps every record), its strings and hits in lists beside it, by position.
/// </summary>
internal struct ComplianceRow
{
    public UInt128 PaymentId, LockId;
    public ulong ScreenedAtNs, DecidedBy, DecidedAtNs;
    public int Threshold;
    /// <summary>Position of the lists screened against in <c>_againstSets</c>.</summary>
    public int Against;
    /// <summary>Position of the rule id, ISO 20022 reason and hits in <c>_evidence</c>; -1: none of them (a pass without hits).</summary>
    public int Evidence;
    /// <summary>Position of the operator's decision reason in <c>_reasons</c>; -1: none ("").</summary>
    public int Reason;
    public ComplianceOutcome Outcome;
    public ComplianceReason Cause;
    public PaymentComplianceStatus Status;
    public PayResult SettlementResult;
}

/// <summary>
/// Compliance inside the engine: the operator's watch lists, rules and screening threshold; the screening of every
/// PayAgainstLock before any leg moves; holds and operator decisions; and the hash-chained audit log of every
/// operator command. Deterministic: lists are parsed from journaled text, screening is pure, time is engine time.
/// There is no command that switches screening off, strips party data or hides a payment. See docs/compliance.md.
/// </summary>
public sealed partial class ComplianceState
{
    public const int MaxWatchLists = 64;
    public const int MaxAuditEntries = 16_000_000;
    // 1: lists, rules, payments, audit; 2: + operator users; 3: + operator user status (who changed it, when).
    // Each is written only once its data exists (1 without users, 2 while no status ever changed), so older states hash as before.
    private const int SnapshotVersion = 3;

    private readonly ExchangeState _exchange;
    private readonly Settlement.SettlementState? _settlement;
    private readonly SortedDictionary<ulong, OperatorUser> _operators = new();
    private readonly SortedDictionary<string, LoadedList> _lists = new(StringComparer.Ordinal);
    /// <summary>The lists in force in name order, as an array: screening walks it for every payment (a sorted dictionary's enumerator allocates). Set wherever <see cref="_lists"/> changes.</summary>
    private LoadedList[] _listsInOrder = [];
    // What every payment screened now is screened against ("name@hash" of each list in force, in order), set with the lists;
    // its records refer to it by its position in _againstSets (_currentAgainst).
    private ImmutableArray<string> _screenedAgainst = [];
    private readonly List<WatchListVersion> _history = new();
    private readonly SortedDictionary<string, SetComplianceRule> _ruleItems = new(StringComparer.Ordinal);
    private ComplianceRules _rules = new([]);
    private readonly ChunkedList<ComplianceRow> _payments = new();
    private long _paymentsSnapshotBytes; // what the records' section holds beside its count, for a capture to know its size (SnapshotBytes)
    private readonly IdIndex _paymentIndex = new(); // payment id → position in _payments
    // Positions of the records held now and of those an operator decided, oldest first: the hold lists read these, not every
    // record (a console open on the overview asks for the pending holds at each refresh). Derived: rebuilt by AddRow on restore.
    private readonly SortedSet<int> _heldRows = new(), _decidedRows = new();
    // What rows refer to by position; append-only, so a snapshot's writer reads them below a count while the engine appends.
    private readonly RecordList<ComplianceEvidence> _evidence = new();
    private readonly RecordList<string> _reasons = new();
    private readonly RecordList<ImmutableArray<string>> _againstSets = new();
    private readonly List<long> _againstSetBytes = new(); // each set's bytes in a snapshot's record
    private int _currentAgainst; // the set of the lists in force now

    /// <summary>A record's rule id, ISO 20022 reason and hits (never changed once screened).</summary>
    private sealed record ComplianceEvidence(string? RuleId, string? Iso20022Reason, ImmutableArray<ComplianceHit> Hits);
    private readonly List<AuditEntry> _audit = new();
    private Screener? _emptyScreener;
    private long _screenerBuilds;

    public ComplianceState(ExchangeState exchange, Settlement.SettlementState? settlement = null)
    {
        _exchange = exchange;
        AddAgainstSet([]);
        exchange.Compliance = this;
        _settlement = settlement;
        if (settlement is not null) settlement.Compliance = this;
    }

    /// <summary>Hit threshold on the 0..100 score.</summary>
    public int Threshold { get; private set; } = Screener.DefaultThreshold;

    /// <summary>Lists parsed and screening indexes built ahead of the engine, on other threads (see <see cref="PreparedWatchLists"/>).</summary>
    public PreparedWatchLists Prepared { get; } = new();

    /// <summary>
    /// Screening indexes this state built itself, on first use of a list (none was prepared): each one is seconds of work
    /// for a large list on the thread that applies commands. A live node prepares them at the rim instead.
    /// </summary>
    public long ScreenerBuilds => _screenerBuilds;

    /// <summary>True for the operations this state applies (300–399).</summary>
    public static bool Handles(Operation operation) => operation is >= Operation.LoadWatchList and <= Operation.ChangeOperatorStatus or >= Operation.ProposeOperatorAct and <= Operation.RequireFourEyes;

    private sealed class LoadedList
    {
        public required WatchListVersion Version { get; init; }
        public required string Text { get; init; }
        public required WatchList List { get; init; }
        public Screener? Screener { get; set; } // taken from Prepared, else built on first use, at the current threshold
        /// <summary>"name@contenthash": what a payment's compliance record says it was screened against.</summary>
        public string Against => field ??= Version.Name + "@" + Version.ContentHash;
    }

    // ───────────────────────────── apply ─────────────────────────────

    /// <summary>Applies one compliance command; every item takes the next nanosecond of engine time and leaves one audit entry.</summary>
    public CommandReply Apply(CommandFrame command, ReadOnlySpan<byte> payload, ref ulong clock)
    {
        var errors = new List<ItemResult>();
        switch (command.Operation)
        {
            case Operation.LoadWatchList:
            {
                var items = ExchangeCommands.Decode<LoadWatchList>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) { clock++; Note(errors, i, (byte)Load(items[i], clock)); }
                break;
            }
            case Operation.SetComplianceRule:
            {
                var items = ExchangeCommands.Decode<SetComplianceRule>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) { clock++; Note(errors, i, (byte)SetRule(items[i], clock)); }
                break;
            }
            case Operation.RemoveComplianceRule:
            {
                var items = ExchangeCommands.Decode<RemoveComplianceRule>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) { clock++; Note(errors, i, (byte)RemoveRule(items[i], clock)); }
                break;
            }
            case Operation.SetScreeningThreshold:
            {
                var items = ExchangeCommands.Decode<SetScreeningThreshold>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) { clock++; Note(errors, i, (byte)SetThreshold(items[i], clock)); }
                break;
            }
            case Operation.ReleaseHold or Operation.RejectHold:
            {
                var items = ExchangeCommands.Decode<HoldDecision>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) { clock++; Note(errors, i, (byte)Decide(command.Operation, items[i], ref clock)); }
                break;
            }
            case Operation.RegisterOperator:
            {
                var items = ExchangeCommands.Decode<RegisterOperator>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) { clock++; Note(errors, i, (byte)Register(items[i], clock)); }
                break;
            }
            case Operation.ChangeOperatorStatus:
            {
                var items = ExchangeCommands.Decode<ChangeOperatorStatus>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) { clock++; Note(errors, i, (byte)ChangeStatus(command.Actor, items[i], clock)); }
                break;
            }
            case Operation.ProposeOperatorAct:
            {
                var items = ExchangeCommands.Decode<ProposeOperatorAct>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) { clock++; Note(errors, i, (byte)Propose(command.Actor, items[i], clock)); }
                break;
            }
            case Operation.ApproveOperatorAct or Operation.DeclineOperatorAct:
            {
                var items = ExchangeCommands.Decode<DecideOperatorAct>(payload, command.Count);
                bool approve = command.Operation == Operation.ApproveOperatorAct;
                for (int i = 0; i < items.Length; i++) { clock++; Note(errors, i, (byte)DecideAct(command.Actor, items[i], approve, ref clock)); }
                break;
            }
            case Operation.RequireFourEyes:
            {
                var items = ExchangeCommands.Decode<RequireFourEyes>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) { clock++; Note(errors, i, (byte)SetFourEyes(command.Actor, clock)); }
                break;
            }
            default:
                throw new InvalidDataException($"operation {(ushort)command.Operation} is not a compliance operation");
        }
        return new CommandReply(command.Operation, command.Count, errors.Count == 0 ? CommandReply.NoErrors : errors.ToArray());
    }

    private static void Note(List<ItemResult> errors, int index, byte code)
    {
        if (code != 0) errors.Add(new ItemResult(index, code));
    }

    // ───────────────────────────── watch lists ─────────────────────────────

    private LoadWatchListResult Load(LoadWatchList c, ulong now)
    {
        string detail = "";
        LoadWatchListResult result = TryLoad(c, now, ref detail);
        Audit(now, c.Operator, Operation.LoadWatchList, (ushort)result, c.Name, detail);
        return result;
    }

    private LoadWatchListResult TryLoad(LoadWatchList c, ulong now, ref string detail)
    {
        if (c.Operator == 0) return LoadWatchListResult.OperatorMustNotBeZero;
        if (!ValidListName(c.Name)) return LoadWatchListResult.NameInvalid;
        if (c.Format is not (WatchListFormat.Csv or WatchListFormat.Xml)) return LoadWatchListResult.FormatInvalid;
        WatchListParseResult parsed;
        // A list the endpoint parsed already (the same pure parse of the same text) is taken as it is.
        try { parsed = Prepared.TryTakeList(c, out WatchListParseResult prepared) ? prepared : Parse(c.Format, c.Text, c.Name, c.VersionLabel); }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FormatException or InvalidOperationException or System.Xml.XmlException)
        {
            // A journaled file must never stop the node on every replay: a parser exception is a refusal like any other.
            detail = $"parser refused the file: {e.GetType().Name}: {e.Message}";
            return LoadWatchListResult.ParseFailed;
        }
        if (parsed.List is null)
        {
            detail = $"{parsed.Errors.Length} error(s); first: {(parsed.Errors.IsEmpty ? "unknown" : parsed.Errors[0].ToString())}";
            return LoadWatchListResult.ParseFailed;
        }
        WatchList list = parsed.List;
        if (_lists.TryGetValue(c.Name, out LoadedList? current) && current.Version.ContentHash == list.ContentHash)
        {
            detail = $"unchanged {list.ContentHash} ({list.Entries.Length} entries)";
            return LoadWatchListResult.Ok; // same content: idempotent, the loaded version stays
        }
        if (current is null && _lists.Count >= MaxWatchLists) return LoadWatchListResult.TooManyWatchLists;
        var version = new WatchListVersion(c.Name, c.Format, c.VersionLabel, list.ContentHash, list.Entries.Length, now, c.Operator);
        _lists[c.Name] = new LoadedList { Version = version, Text = c.Text, List = list };
        ListsChanged();
        _history.Add(version);
        detail = $"{c.Format} version '{c.VersionLabel}' hash {list.ContentHash} ({list.Entries.Length} entries)"
            + (current is null ? "" : $", replaces {current.Version.ContentHash}");
        return LoadWatchListResult.Ok;
    }

    internal static WatchListParseResult Parse(WatchListFormat format, string text, string name, string versionLabel) =>
        format == WatchListFormat.Csv
            ? WatchListParser.ParseCsv(text, name, versionLabel)
            : WatchListParser.ParseXml(text, name, versionLabel.Length == 0 ? null : versionLabel);

    private static bool ValidListName(string name)
    {
        if (name.Length == 0) return false;
        foreach (char ch in name)
            if (!char.IsAsciiLetterOrDigit(ch) && ch is not ('-' or '_' or '.')) return false;
        return true;
    }

    // ───────────────────────────── rules and threshold ─────────────────────────────

    private ComplianceRuleResult SetRule(SetComplianceRule c, ulong now)
    {
        ComplianceRuleResult result = TrySetRule(c);
        Audit(now, c.Operator, Operation.SetComplianceRule, (ushort)result, c.RuleId, Describe(c));
        return result;
    }

    private ComplianceRuleResult TrySetRule(SetComplianceRule c)
    {
        if (c.Operator == 0) return ComplianceRuleResult.OperatorMustNotBeZero;
        if (string.IsNullOrWhiteSpace(c.RuleId)) return ComplianceRuleResult.RuleIdInvalid;
        if (!_ruleItems.ContainsKey(c.RuleId) && _ruleItems.Count >= ComplianceRules.MaxRules) return ComplianceRuleResult.TooManyRules;
        var candidate = new List<ComplianceRule>(_ruleItems.Count + 1);
        foreach (var (id, item) in _ruleItems) if (id != c.RuleId) candidate.Add(item.ToRule());
        candidate.Add(c.ToRule());
        ComplianceRules rules;
        try { rules = new ComplianceRules(candidate); }
        catch (ArgumentException) { return ComplianceRuleResult.RuleInvalid; } // the rule set's own validation, kept in one place
        _ruleItems[c.RuleId] = c;
        _rules = rules;
        return ComplianceRuleResult.Ok;
    }

    private ComplianceRuleResult RemoveRule(RemoveComplianceRule c, ulong now)
    {
        ComplianceRuleResult result;
        if (c.Operator == 0) result = ComplianceRuleResult.OperatorMustNotBeZero;
        else if (string.IsNullOrWhiteSpace(c.RuleId)) result = ComplianceRuleResult.RuleIdInvalid;
        else if (!_ruleItems.Remove(c.RuleId)) result = ComplianceRuleResult.RuleNotFound;
        else
        {
            _rules = RebuildRules();
            result = ComplianceRuleResult.Ok;
        }
        Audit(now, c.Operator, Operation.RemoveComplianceRule, (ushort)result, c.RuleId, "");
        return result;
    }

    private ComplianceRules RebuildRules()
    {
        var list = new List<ComplianceRule>(_ruleItems.Count);
        foreach (SetComplianceRule item in _ruleItems.Values) list.Add(item.ToRule());
        return new ComplianceRules(list);
    }

    private ScreeningThresholdResult SetThreshold(SetScreeningThreshold c, ulong now)
    {
        ScreeningThresholdResult result;
        if (c.Operator == 0) result = ScreeningThresholdResult.OperatorMustNotBeZero;
        else if (c.Threshold > 100) result = ScreeningThresholdResult.ThresholdOutOfRange;
        else
        {
            if (c.Threshold != Threshold)
            {
                Threshold = c.Threshold;
                foreach (LoadedList l in _lists.Values) l.Screener = null;
                _emptyScreener = null;
            }
            result = ScreeningThresholdResult.Ok;
        }
        Audit(now, c.Operator, Operation.SetScreeningThreshold, (ushort)result, "threshold", c.Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return result;
    }

    private static string Describe(SetComplianceRule c)
    {
        var b = new StringBuilder();
        b.Append("scope participant=").Append(c.Participant).Append(" src=").Append(c.SourceCountry).Append(" dst=").Append(c.DestinationCountry)
            .Append(" send=").Append(c.SendCurrency).Append(" receive=").Append(c.ReceiveCurrency);
        if (!c.Limits.IsDefault) foreach (RuleLimit l in c.Limits) b.Append("; limit ").Append(l.Currency).Append(" hold>").Append(l.HoldAboveMinor).Append(" reject>").Append(l.RejectAboveMinor);
        if (!c.BlockedCountries.IsDefaultOrEmpty) b.Append("; blocked countries ").AppendJoin(',', c.BlockedCountries);
        if (!c.BlockedCurrencies.IsDefaultOrEmpty) b.Append("; blocked currencies ").AppendJoin(',', c.BlockedCurrencies);
        return b.ToString();
    }

    // ───────────────────────────── screening a payment ─────────────────────────────

    /// <summary>
    /// Called by the exchange for a PayAgainstLock whose lock is usable, before any leg moves: travel rule, screening of
    /// originator and beneficiary against every loaded list, and the operator's rules, combined by
    /// <see cref="ComplianceRules.Combine"/>. Records the decision and its evidence; a Hold becomes a pending hold.
    /// </summary>
    internal ComplianceOutcome ScreenPayment(PayAgainstLock p, in PaymentFacts facts, ulong now) => ScreenPayment(p, facts, now, out _);

    /// <summary>As <see cref="ScreenPayment(PayAgainstLock, in PaymentFacts, ulong)"/>; <paramref name="record"/>: the position of its record, for <see cref="Settled"/>.</summary>
    internal ComplianceOutcome ScreenPayment(PayAgainstLock p, in PaymentFacts facts, ulong now, out int record)
    {
        if (_paymentIndex.ContainsKey(p.PaymentId))
            throw new InvalidOperationException($"compliance invariant broken: payment {p.PaymentId} screened twice");
        PartyInfo originator = ViewOf(p.Originator), beneficiary = ViewOf(p.Beneficiary);
        TravelRuleResult travel = TravelRule.Validate(originator, beneficiary, crossBorder: true);

        (ImmutableArray<ComplianceHit> hits, ImmutableArray<string> screenedAgainst, ScreeningStatus status) = Screen(originator, beneficiary, screenParties: true);
        var screening = new ScreeningResult(status, [], [], "", Threshold, false);
        ComplianceDecision decision = ComplianceRules.Combine(_rules.Evaluate(facts), travel, screening);

        record = AddPayment(p.PaymentId, p.LockId, now, decision, hits, screenedAgainst);
        return decision.Outcome;
    }

    /// <summary>The settlement result of the screened payment whose record is at <paramref name="record"/>.</summary>
    internal void Settled(int record, PayResult result) => _payments.Mut(record).SettlementResult = result;

    /// <summary>The settlement result of screened payment <paramref name="paymentId"/>, if it was screened.</summary>
    internal void Settled(UInt128 paymentId, PayResult result)
    {
        if (_paymentIndex.TryGetValue(paymentId, out int record)) Settled(record, result);
    }

    /// <summary>
    /// The travel rule over a cross-currency payment's structured parties, exactly as <see cref="ScreenPayment"/> applies it:
    /// entry paths check it before the journal, so an incomplete payment is refused without taking its id.
    /// </summary>
    public static TravelRuleResult TravelRuleOf(Party originator, Party beneficiary) =>
        TravelRule.Validate(ToPartyInfo(originator), ToPartyInfo(beneficiary), crossBorder: true);

    /// <summary>
    /// The views of the parties seen last (<see cref="ToPartyInfo"/>), by the party's identity: a party decoded from the same
    /// bytes is the same object (Exchange/Wire.cs, RecentDecodes), so a bank's customer paying again costs no new view. Which
    /// view is reused never changes a result, only what is allocated; the engine's thread alone uses it.
    /// </summary>
    private readonly (Party? Party, PartyInfo? View)[] _partyViews = new (Party?, PartyInfo?)[PartyViewSlots];
    private const int PartyViewSlots = 512;

    /// <summary><see cref="ToPartyInfo"/> of <paramref name="p"/>, the same object as last time when <paramref name="p"/> is the same object.</summary>
    private PartyInfo ViewOf(Party p)
    {
        ref (Party? Party, PartyInfo? View) slot = ref _partyViews[System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(p) & (PartyViewSlots - 1)];
        if (ReferenceEquals(slot.Party, p)) return slot.View!;
        PartyInfo view = ToPartyInfo(p);
        slot = (p, view);
        return view;
    }

    /// <summary>The exchange's structured party as the travel rule and the screener see it (nothing is altered or dropped: this is a view).</summary>
    internal static PartyInfo ToPartyInfo(Party p)
    {
        bool institution = p.IdScheme is PartyIdScheme.Lei or PartyIdScheme.Bic;
        var address = new PostalAddress(Empty(p.StreetName), Empty(p.BuildingNumber), Empty(p.PostCode), Empty(p.TownName), Empty(p.Country));
        return new PartyInfo(
            institution ? PartyKind.Institution : PartyKind.Person, p.Name, address,
            NationalId: p.IdScheme == PartyIdScheme.NationalId ? p.Identifier : null,
            Lei: p.IdScheme == PartyIdScheme.Lei ? p.Identifier : null,
            Bic: p.IdScheme == PartyIdScheme.Bic ? p.Identifier : null,
            Account: Empty(p.Account));
    }

    private static string? Empty(string s) => s.Length == 0 ? null : s;

    // ───────────────────────────── hold decisions ─────────────────────────────

    private HoldDecisionResult Decide(Operation operation, HoldDecision d, ref ulong clock)
    {
        ulong now = clock;
        HoldDecisionResult result = TryDecide(operation, d, ref clock);
        Audit(now, d.Operator, operation, (ushort)result, d.PaymentId.ToString("x32", System.Globalization.CultureInfo.InvariantCulture), d.Reason);
        return result;
    }

    private HoldDecisionResult TryDecide(Operation operation, HoldDecision d, ref ulong clock)
    {
        if (d.PaymentId == UInt128.Zero) return HoldDecisionResult.PaymentIdMustNotBeZero;
        if (d.Operator == 0) return HoldDecisionResult.OperatorMustNotBeZero;
        if (string.IsNullOrWhiteSpace(d.Reason)) return HoldDecisionResult.ReasonMissing;
        if (!_paymentIndex.TryGetValue(d.PaymentId, out int position)) return HoldDecisionResult.PaymentNotFound;
        ComplianceRow c = _payments[position]; // as it is now; changes go to the list (the releases below may change it too)
        bool release = operation == Operation.ReleaseHold;
        switch (c.Status)
        {
            case PaymentComplianceStatus.Passed or PaymentComplianceStatus.Rejected:
                return HoldDecisionResult.PaymentNotHeld;
            case PaymentComplianceStatus.Released:
                if (!release) return HoldDecisionResult.HoldAlreadyDecided;
                return c.SettlementResult == PayResult.Ok ? HoldDecisionResult.Ok : HoldDecisionResult.ReleasedButSettlementFailed; // same decision again
            case PaymentComplianceStatus.RejectedByOperator:
                return release ? HoldDecisionResult.HoldAlreadyDecided : HoldDecisionResult.Ok;
        }
        Debug.Assert(c.Status == PaymentComplianceStatus.Held);
        _paymentsSnapshotBytes += StringBytes(d.Reason) - StringBytes(ReasonOf(c));
        _reasons.Add(d.Reason);
        {
            ref ComplianceRow decided = ref _payments.Mut(position); // written before the calls below, which may reach this list again
            decided.DecidedBy = d.Operator;
            decided.DecidedAtNs = clock;
            decided.Reason = _reasons.Count - 1;
            decided.Status = release ? PaymentComplianceStatus.Released : PaymentComplianceStatus.RejectedByOperator;
            if (!release) decided.SettlementResult = PayResult.RejectedByOperator;
        }
        _heldRows.Remove(position);
        _decidedRows.Add(position);
        bool settlementPayment = c.LockId == UInt128.Zero;
        if (release)
        {
            PayResult result;
            if (Federation is not null && Federation.IsHeld(d.PaymentId))
            {
                Corridor.Core.Federation.FederationResult released = Federation.ReleaseHeld(d.PaymentId, ref clock);
                result = released == Corridor.Core.Federation.FederationResult.Ok ? PayResult.Ok : PayResult.LedgerRejected;
            }
            else if (settlementPayment)
            {
                // The payment's own status and reason (settled, queued, or rejected at re-check) are on the settlement payment.
                Settlement.SettlementResult entered = SettlementOf(d.PaymentId).ReleaseHeld(d.PaymentId, ref clock);
                result = entered == Settlement.SettlementResult.Ok ? PayResult.Ok : PayResult.LedgerRejected;
            }
            else result = _exchange.SettleHeld(d.PaymentId, ref clock);
            Settled(position, result);
            return result == PayResult.Ok ? HoldDecisionResult.Ok : HoldDecisionResult.ReleasedButSettlementFailed;
        }
        if (Federation is not null && Federation.IsHeld(d.PaymentId)) Federation.RejectHeld(d.PaymentId, clock);
        else if (settlementPayment) SettlementOf(d.PaymentId).RejectHeld(d.PaymentId, clock);
        else _exchange.RejectHeld(d.PaymentId, ref clock);
        return HoldDecisionResult.Ok;
    }

    /// <summary>Cross-node payments: the officer's decision on one of their holds goes to the federation; set by the engine.</summary>
    internal Corridor.Core.Federation.FederationState? Federation { get; set; }

    private Settlement.SettlementState SettlementOf(UInt128 paymentId) =>
        _settlement ?? throw new InvalidOperationException($"compliance invariant broken: settlement payment {paymentId} held without a settlement state");

    // ───────────────────────────── audit log ─────────────────────────────

    private void Audit(ulong now, ulong operatorId, Operation operation, ushort result, string subject, string detail)
    {
        if (_audit.Count >= MaxAuditEntries) throw new InvalidOperationException($"compliance audit log is full ({MaxAuditEntries} entries): archive before continuing");
        string previous = _audit.Count == 0 ? GenesisHash : _audit[^1].Hash;
        long sequence = _audit.Count + 1;
        _audit.Add(new AuditEntry(sequence, now, operatorId, operation, result, subject, detail, previous, AuditHash(previous, sequence, now, operatorId, operation, result, subject, detail)));
    }

    /// <summary>Hash "before" the first audit entry.</summary>
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>SHA-256("corridor.audit.v1" ‖ previous hash ‖ sequence ‖ time ‖ operator ‖ operation ‖ result ‖ subject ‖ detail), lower-case hex.</summary>
    public static string AuditHash(string previousHash, long sequence, ulong timeNs, ulong operatorId, Operation operation, ushort result, string subject, string detail)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData("corridor.audit.v1"u8);
        hash.AppendData(Convert.FromHexString(previousHash));
        Span<byte> fixedPart = stackalloc byte[8 + 8 + 8 + 2 + 2];
        BinaryPrimitives.WriteInt64LittleEndian(fixedPart, sequence);
        BinaryPrimitives.WriteUInt64LittleEndian(fixedPart[8..], timeNs);
        BinaryPrimitives.WriteUInt64LittleEndian(fixedPart[16..], operatorId);
        BinaryPrimitives.WriteUInt16LittleEndian(fixedPart[24..], (ushort)operation);
        BinaryPrimitives.WriteUInt16LittleEndian(fixedPart[26..], result);
        hash.AppendData(fixedPart);
        AppendText(hash, subject);
        AppendText(hash, detail);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void AppendText(IncrementalHash hash, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }

    /// <summary>Recomputes the chain; the index of the first entry whose hash does not verify, or -1 if all do.</summary>
    public int VerifyAuditChain()
    {
        string previous = GenesisHash;
        for (int i = 0; i < _audit.Count; i++)
        {
            AuditEntry e = _audit[i];
            if (e.PreviousHash != previous || e.Sequence != i + 1
                || e.Hash != AuditHash(previous, e.Sequence, e.TimeNs, e.Operator, e.Operation, e.ResultCode, e.Subject, e.Detail)) return i;
            previous = e.Hash;
        }
        return -1;
    }

    // ───────────────────────────── queries ─────────────────────────────

    /// <summary>The compliance record of a payment that reached screening (its lock was usable), as it is now.</summary>
    public bool TryGetPayment(UInt128 paymentId, out PaymentCompliance compliance)
    {
        bool found = _paymentIndex.TryGetValue(paymentId, out int position);
        compliance = found ? RecordOf(_payments[position]) : null!;
        return found;
    }

    /// <summary>Every screened payment, in screening order (each read is a copy of its record as it is then).</summary>
    public IReadOnlyList<PaymentCompliance> Payments => new IndexedList<PaymentCompliance>(() => _payments.Count, i => RecordOf(_payments[i]));

    /// <summary>Holds waiting for an operator decision, oldest first.</summary>
    public IReadOnlyList<PaymentCompliance> PendingHolds() => RecordsAt(_heldRows);

    /// <summary>Holds an operator has released or rejected, oldest hold first.</summary>
    public IReadOnlyList<PaymentCompliance> DecidedHolds() => RecordsAt(_decidedRows);

    private List<PaymentCompliance> RecordsAt(SortedSet<int> positions)
    {
        var found = new List<PaymentCompliance>(positions.Count);
        foreach (int i in positions) found.Add(RecordOf(_payments[i]));
        return found;
    }

    /// <summary>The public record of a row (and what it refers to), as it is now.</summary>
    private PaymentCompliance RecordOf(in ComplianceRow row)
    {
        ComplianceEvidence? evidence = row.Evidence < 0 ? null : _evidence[row.Evidence];
        return new PaymentCompliance
        {
            PaymentId = row.PaymentId, LockId = row.LockId, ScreenedAtNs = row.ScreenedAtNs,
            Decision = new ComplianceDecision(row.Outcome, row.Cause, evidence?.RuleId, evidence?.Iso20022Reason),
            Hits = evidence?.Hits ?? [], ScreenedAgainst = _againstSets[row.Against], Threshold = row.Threshold, Status = row.Status,
            DecidedBy = row.DecidedBy, DecidedAtNs = row.DecidedAtNs, DecisionReason = ReasonOf(row), SettlementResult = row.SettlementResult,
        };
    }

    private string ReasonOf(in ComplianceRow row) => row.Reason < 0 ? "" : _reasons[row.Reason];

    /// <summary>The version of each watch list in force, by name.</summary>
    public IReadOnlyList<WatchListVersion> WatchLists
    {
        get
        {
            var list = new List<WatchListVersion>(_lists.Count);
            foreach (LoadedList l in _lists.Values) list.Add(l.Version);
            return list;
        }
    }

    /// <summary>Every version ever loaded, oldest first (superseded ones included).</summary>
    public IReadOnlyList<WatchListVersion> WatchListHistory => _history;

    /// <summary>The loaded list in force under <paramref name="name"/>.</summary>
    public bool TryGetWatchList(string name, out WatchList list)
    {
        bool found = _lists.TryGetValue(name, out LoadedList? l);
        list = l?.List!;
        return found;
    }

    /// <summary>The operator's rules, ordered by id.</summary>
    public ImmutableArray<ComplianceRule> Rules => _rules.Rules;

    /// <summary>The append-only operator audit log, oldest first.</summary>
    public IReadOnlyList<AuditEntry> AuditLog => _audit;

    /// <summary>Hash of the last audit entry (the chain head), or <see cref="GenesisHash"/>.</summary>
    public string AuditHead => _audit.Count == 0 ? GenesisHash : _audit[^1].Hash;

    // ───────────────────────────── hashing and snapshots ─────────────────────────────

    /// <summary>Feeds the whole compliance state into <paramref name="hash"/>: exactly the snapshot bytes.</summary>
    public void HashInto(XxHash128 hash)
    {
        using var stream = new HashingStream(hash);
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        WriteSnapshot(w);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per snapshot over every record: never left to the first tier
    public void WriteSnapshot(BinaryWriter w)
    {
        bool statusChanged = false;
        foreach (OperatorUser u in _operators.Values) statusChanged |= u.StatusChangedBy != 0;
        int version = _operators.Count == 0 ? 1 : statusChanged ? 3 : 2;
        w.Write(version);
        w.Write(Threshold);
        w.Write(_lists.Count);
        foreach (LoadedList l in _lists.Values)
        {
            WriteVersion(w, l.Version);
            w.Write(l.Text); // re-parsed on restore; the content hash proves it is the same list
        }
        w.Write(_history.Count);
        foreach (WatchListVersion v in _history) WriteVersion(w, v);
        w.Write(_ruleItems.Count);
        foreach (SetComplianceRule r in _ruleItems.Values)
        {
            byte[] encoded = ExchangeCommands.Encode(Operation.SetComplianceRule, r);
            w.Write(encoded.Length);
            w.Write(encoded);
        }
        w.Write(_payments.Count);
        // A capture leaves the records (one per screened payment: most of this section) to the snapshot's writer thread, read
        // from the rows as they were now (a decision after the capture copies the chunk it changes) and the lists they refer to
        // (append-only: read below the count they had now).
        if (SnapshotCapture.Of(w) is not { } capture) WritePayments(w, _payments.View(), _evidence, _reasons, _againstSets);
        else
        {
            ChunkedView<ComplianceRow> payments = capture.Freeze(_payments, _payments.Freeze, v => v.Release);
            RecordList<ComplianceEvidence>.Frozen evidence = capture.Freeze(_evidence, _evidence.Freeze, v => v.Release);
            RecordList<string>.Frozen reasons = capture.Freeze(_reasons, _reasons.Freeze, v => v.Release);
            RecordList<ImmutableArray<string>>.Frozen against = capture.Freeze(_againstSets, _againstSets.Freeze, v => v.Release);
            ((SegmentedBuffer)w.BaseStream).Defer(_paymentsSnapshotBytes, later => WritePayments(later, payments, evidence, reasons, against));
        }
        w.Write(_audit.Count);
        foreach (AuditEntry e in _audit)
        {
            w.Write(e.Sequence); w.Write(e.TimeNs); w.Write(e.Operator); w.Write((ushort)e.Operation); w.Write(e.ResultCode);
            w.Write(e.Subject); w.Write(e.Detail); w.Write(e.PreviousHash); w.Write(e.Hash);
        }
        if (_operators.Count == 0) return;
        w.Write(_operators.Count);
        foreach (OperatorUser u in _operators.Values)
        {
            w.Write(u.Id); w.Write(u.Name); w.Write((byte)u.Role); w.Write(u.RegisteredAtNs); w.Write(u.RegisteredBy);
            if (version >= 3) { w.Write((byte)u.Status); w.Write(u.StatusChangedAtNs); w.Write(u.StatusChangedBy); }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per snapshot over every record: never left to the first tier
    private static void WritePayments(BinaryWriter w, ChunkedView<ComplianceRow> payments, IReadOnlyList<ComplianceEvidence> evidence,
        IReadOnlyList<string> reasons, IReadOnlyList<ImmutableArray<string>> againstSets)
    {
        for (int i = 0; i < payments.Count; i++)
        {
            ref readonly ComplianceRow p = ref payments[i];
            ComplianceEvidence? e = p.Evidence < 0 ? null : evidence[p.Evidence];
            Write128(w, p.PaymentId); Write128(w, p.LockId); w.Write(p.ScreenedAtNs);
            w.Write((byte)p.Outcome); w.Write((byte)p.Cause); WriteOptional(w, e?.RuleId); WriteOptional(w, e?.Iso20022Reason);
            ImmutableArray<ComplianceHit> hits = e?.Hits ?? [];
            w.Write(hits.Length);
            foreach (ComplianceHit h in hits)
            {
                w.Write(h.WatchList); w.Write(h.WatchListHash); w.Write(h.Hit.EntryId); w.Write(h.Hit.MatchedName); w.Write(h.Hit.Score);
                w.Write((byte)h.Hit.Field); w.Write(h.Hit.ScreenedName); w.Write((byte)h.Hit.DateOfBirth); w.Write(h.Hit.Program);
            }
            ImmutableArray<string> against = againstSets[p.Against];
            w.Write(against.Length);
            foreach (string s in against) w.Write(s);
            w.Write(p.Threshold); w.Write((byte)p.Status); w.Write(p.DecidedBy); w.Write(p.DecidedAtNs); w.Write(p.Reason < 0 ? "" : reasons[p.Reason]);
            w.Write((byte)p.SettlementResult);
        }
    }

    /// <summary>The bytes <see cref="WritePayments"/> writes for <paramref name="p"/>, field for field (a capture must know them before the writer runs).</summary>
    private long SnapshotBytes(in ComplianceRow p)
    {
        ComplianceEvidence? e = p.Evidence < 0 ? null : _evidence[p.Evidence];
        long bytes = 16 + 16 + 8 + 1 + 1 + OptionalBytes(e?.RuleId) + OptionalBytes(e?.Iso20022Reason) + 4;
        foreach (ComplianceHit h in e?.Hits ?? [])
            bytes += StringBytes(h.WatchList) + StringBytes(h.WatchListHash) + StringBytes(h.Hit.EntryId) + StringBytes(h.Hit.MatchedName) + 4
                + 1 + StringBytes(h.Hit.ScreenedName) + 1 + StringBytes(h.Hit.Program);
        return bytes + _againstSetBytes[p.Against] + 4 + 1 + 8 + 8 + StringBytes(ReasonOf(p)) + 1;
    }

    /// <summary>Appends a set of lists screened against (the lists in force, or a record's as restored) and what it takes in a record.</summary>
    private int AddAgainstSet(ImmutableArray<string> set)
    {
        long bytes = 4;
        foreach (string s in set) bytes += StringBytes(s);
        _againstSets.Add(set);
        _againstSetBytes.Add(bytes);
        return _againstSets.Count - 1;
    }

    private static long OptionalBytes(string? s) => 1 + (s is null ? 0 : StringBytes(s));

    /// <summary>A string as <see cref="BinaryWriter.Write(string)"/> writes it: its UTF-8 length as a 7-bit varint, then the bytes.</summary>
    private static long StringBytes(string s)
    {
        int utf8 = Encoding.UTF8.GetByteCount(s);
        int prefix = 1;
        for (uint v = (uint)utf8 >> 7; v != 0; v >>= 7) prefix++;
        return prefix + utf8;
    }

    /// <summary>The lists in force changed (loaded, or restored): their order for screening and what a payment is screened against.</summary>
    private void ListsChanged()
    {
        _listsInOrder = [.. _lists.Values];
        _screenedAgainst = [.. _listsInOrder.Select(l => l.Against)];
        _currentAgainst = AddAgainstSet(_screenedAgainst);
    }

    /// <summary>
    /// The record of a payment screened now joins the list (and the size a capture announces for the list's section); returns
    /// its position. <paramref name="against"/> is the set of the lists in force (what <see cref="Screen"/> returns).
    /// </summary>
    private int AddPayment(UInt128 paymentId, UInt128 lockId, ulong now, ComplianceDecision decision, ImmutableArray<ComplianceHit> hits,
        ImmutableArray<string> against)
    {
        if (against != _screenedAgainst) throw new InvalidOperationException("compliance invariant broken: a payment screened against other lists than those in force");
        ComplianceRow row = NewRow(paymentId, lockId, now, decision, hits, _currentAgainst);
        return AddRow(row);
    }

    private int AddRow(in ComplianceRow row)
    {
        int position = _payments.Count;
        _payments.Add() = row;
        _paymentIndex.Add(row.PaymentId, position);
        if (row.Status == PaymentComplianceStatus.Held) _heldRows.Add(position);
        else if (row.Status is PaymentComplianceStatus.Released or PaymentComplianceStatus.RejectedByOperator) _decidedRows.Add(position);
        _paymentsSnapshotBytes += SnapshotBytes(row);
        return position;
    }

    /// <summary>Restores into this (empty) state: lists are re-parsed and must reproduce their recorded content hash.</summary>
    public void ReadSnapshot(BinaryReader r)
    {
        if (_lists.Count + _history.Count + _ruleItems.Count + _payments.Count + _audit.Count + _operators.Count != 0)
            throw new InvalidOperationException("compliance snapshot must be read into an empty state");
        int version = r.ReadInt32();
        if (version is < 1 or > SnapshotVersion) throw new InvalidDataException($"compliance snapshot version {version} is not supported (expected 1…{SnapshotVersion})");
        int threshold = r.ReadInt32();
        if ((uint)threshold > 100) throw new InvalidDataException($"compliance snapshot threshold {threshold} is out of range");
        Threshold = threshold;
        int lists = ReadCount(r, MaxWatchLists);
        for (int i = 0; i < lists; i++)
        {
            WatchListVersion v = ReadVersion(r);
            string text = r.ReadString();
            WatchListParseResult parsed = Parse(v.Format, text, v.Name, v.VersionLabel);
            if (parsed.List is null || parsed.List.ContentHash != v.ContentHash)
                throw new InvalidDataException($"compliance snapshot: watch list '{v.Name}' does not reproduce content hash {v.ContentHash}");
            _lists.Add(v.Name, new LoadedList { Version = v, Text = text, List = parsed.List });
        }
        ListsChanged();
        int history = ReadCount(r, int.MaxValue);
        for (int i = 0; i < history; i++) _history.Add(ReadVersion(r));
        int rules = ReadCount(r, ComplianceRules.MaxRules);
        for (int i = 0; i < rules; i++)
        {
            byte[] encoded = r.ReadBytes(ReadCount(r, SetComplianceRule.MaxEncodedBytes + CommandBatch.HeaderBytes));
            SetComplianceRule rule = ExchangeCommands.Decode<SetComplianceRule>(encoded.AsSpan(CommandBatch.HeaderBytes), 1)[0];
            _ruleItems.Add(rule.RuleId, rule);
        }
        _rules = RebuildRules();
        int payments = ReadCount(r, ExchangeState.MaxPayments);
        for (int i = 0; i < payments; i++)
        {
            UInt128 paymentId = Read128(r), lockId = Read128(r);
            ulong screenedAt = r.ReadUInt64();
            var decision = new ComplianceDecision((ComplianceOutcome)r.ReadByte(), (ComplianceReason)r.ReadByte(), ReadOptional(r), ReadOptional(r));
            int hitCount = ReadCount(r, 1_000_000);
            var hits = ImmutableArray.CreateBuilder<ComplianceHit>(hitCount);
            for (int h = 0; h < hitCount; h++)
            {
                string list = r.ReadString(), listHash = r.ReadString(), entryId = r.ReadString(), matched = r.ReadString();
                int score = r.ReadInt32();
                var field = (ScreenedField)r.ReadByte();
                string screened = r.ReadString();
                var dob = (DateOfBirthAgreement)r.ReadByte();
                hits.Add(new ComplianceHit(list, listHash, new ScreeningHit(entryId, matched, score, field, screened, dob, r.ReadString())));
            }
            int against = ReadCount(r, MaxWatchLists);
            var screenedAgainst = ImmutableArray.CreateBuilder<string>(against);
            for (int s = 0; s < against; s++) screenedAgainst.Add(r.ReadString());
            ImmutableArray<string> screenedAgainstRead = screenedAgainst.MoveToImmutable();
            // Most records were screened against the lists of the record before them (or those in force now): one set for all.
            int set = screenedAgainstRead.SequenceEqual(_againstSets[_againstSets.Count - 1]) ? _againstSets.Count - 1
                : screenedAgainstRead.SequenceEqual(_screenedAgainst) ? _currentAgainst : AddAgainstSet(screenedAgainstRead);
            ComplianceRow row = NewRow(paymentId, lockId, screenedAt, decision, hits.MoveToImmutable(), set);
            row.Threshold = r.ReadInt32();
            row.Status = (PaymentComplianceStatus)r.ReadByte(); row.DecidedBy = r.ReadUInt64(); row.DecidedAtNs = r.ReadUInt64();
            string reason = r.ReadString();
            if (reason.Length > 0) { _reasons.Add(reason); row.Reason = _reasons.Count - 1; }
            row.SettlementResult = (PayResult)r.ReadByte();
            if (_paymentIndex.ContainsKey(row.PaymentId)) throw new InvalidDataException($"compliance snapshot holds payment {row.PaymentId} twice");
            AddRow(row);
        }
        int audit = ReadCount(r, MaxAuditEntries);
        for (int i = 0; i < audit; i++)
            _audit.Add(new AuditEntry(r.ReadInt64(), r.ReadUInt64(), r.ReadUInt64(), (Operation)r.ReadUInt16(), r.ReadUInt16(), r.ReadString(), r.ReadString(), r.ReadString(), r.ReadString()));
        if (version >= 2)
        {
            int operators = ReadCount(r, MaxOperators);
            for (int i = 0; i < operators; i++)
            {
                var u = new OperatorUser(r.ReadUInt32(), r.ReadString(), (OperatorRole)r.ReadByte(), r.ReadUInt64(), r.ReadUInt64());
                if (version >= 3)
                {
                    var status = (OperatorUserStatus)r.ReadByte();
                    if (status is not (OperatorUserStatus.Active or OperatorUserStatus.Disabled))
                        throw new InvalidDataException($"compliance snapshot: operator user {u.Id} has status {(byte)status}");
                    u = u with { Status = status, StatusChangedAtNs = r.ReadUInt64(), StatusChangedBy = r.ReadUInt64() };
                }
                _operators.Add(u.Id, u);
            }
        }
        int broken = VerifyAuditChain();
        if (broken >= 0) throw new InvalidDataException($"compliance snapshot: audit entry {broken + 1} does not verify");
    }

    private static void WriteVersion(BinaryWriter w, WatchListVersion v)
    {
        w.Write(v.Name); w.Write((byte)v.Format); w.Write(v.VersionLabel); w.Write(v.ContentHash); w.Write(v.Entries); w.Write(v.LoadedAtNs); w.Write(v.LoadedBy);
    }

    private static WatchListVersion ReadVersion(BinaryReader r) =>
        new(r.ReadString(), (WatchListFormat)r.ReadByte(), r.ReadString(), r.ReadString(), r.ReadInt32(), r.ReadUInt64(), r.ReadUInt64());

    private static void WriteOptional(BinaryWriter w, string? s)
    {
        w.Write(s is not null);
        if (s is not null) w.Write(s);
    }

    private static string? ReadOptional(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static int ReadCount(BinaryReader r, int max)
    {
        int n = r.ReadInt32();
        if ((uint)n > (uint)max) throw new InvalidDataException($"compliance snapshot count {n} exceeds {max}");
        return n;
    }

    private static void Write128(BinaryWriter w, UInt128 v) => SnapshotIO.Write128(w, v);

    private static UInt128 Read128(BinaryReader r) => SnapshotIO.Read128(r);


    /// <summary>The compliance record of a payment screened now: its decision, hits and the list versions it was screened against.</summary>
    private ComplianceRow NewRow(UInt128 paymentId, UInt128 lockId, ulong now, ComplianceDecision decision, ImmutableArray<ComplianceHit> hits, int against)
    {
        int evidence = -1;
        if (decision.RuleId is not null || decision.Iso20022Reason is not null || !hits.IsDefaultOrEmpty)
        {
            _evidence.Add(new ComplianceEvidence(decision.RuleId, decision.Iso20022Reason, hits.IsDefault ? [] : hits));
            evidence = _evidence.Count - 1;
        }
        return new ComplianceRow
        {
            PaymentId = paymentId, LockId = lockId, ScreenedAtNs = now, Outcome = decision.Outcome, Cause = decision.Reason,
            Evidence = evidence, Against = against, Reason = -1, Threshold = Threshold,
            Status = decision.Outcome switch
            {
                ComplianceOutcome.Pass => PaymentComplianceStatus.Passed,
                ComplianceOutcome.Hold => PaymentComplianceStatus.Held,
                _ => PaymentComplianceStatus.Rejected,
            },
            SettlementResult = decision.Outcome switch
            {
                ComplianceOutcome.Pass => PayResult.Ok,
                ComplianceOutcome.Hold => PayResult.HeldForCompliance,
                _ => PayResult.RejectedByCompliance,
            },
        };
    }
}
