using System.Globalization;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Settlement;

namespace Corridor.Core.Compliance;

// Four eyes (maker-checker): an operator act that moves central-bank money or lets a held payment go is proposed by one
// operator user and takes effect only when a second, different operator user approves it. Operations 310–313; the
// pending acts, their decisions and the policy are engine state (journaled, in the state hash and snapshots).

/// <summary>What an operator act does once approved. Values are stable (journal, snapshots, API).</summary>
public enum OperatorActKind : byte
{
    /// <summary>Inject or withdraw central-bank liquidity (operation 104 once approved). Roles operator or administrator.</summary>
    MoveLiquidity = 1,
    /// <summary>Release a compliance hold (operation 304 once approved). Roles compliance or administrator.</summary>
    ReleaseHold = 2,
}

/// <summary>Where an operator act stands. Values are stable (snapshots, API).</summary>
public enum OperatorActStatus : byte
{
    /// <summary>Waiting for a second operator user.</summary>
    Pending = 0,
    /// <summary>A second operator user approved it and the engine applied it (see <see cref="OperatorAct.OutcomeCode"/>).</summary>
    Approved = 1,
    /// <summary>A second operator user (or the proposer, withdrawing it) declined it: nothing was applied.</summary>
    Declined = 2,
}

/// <summary>
/// Operator user (the command header's actor, never the payload) proposes an act. For <see cref="OperatorActKind.MoveLiquidity"/>:
/// <see cref="SubjectId"/> is the liquidity transfer id, with participant, ledger, amount and direction; for
/// <see cref="OperatorActKind.ReleaseHold"/>: <see cref="SubjectId"/> is the held payment id and <see cref="Reason"/> the release reason.
/// </summary>
public readonly record struct ProposeOperatorAct(
    UInt128 ActId, OperatorActKind Kind, UInt128 SubjectId, ulong Participant, uint Ledger, long AmountMinor, LiquidityDirection Direction, string Reason)
    : IExchangeItem<ProposeOperatorAct>
{
    public static int MaxEncodedBytes => 16 + 1 + 16 + 8 + 4 + 8 + 1 + Wire.MaxStringBytes(HoldDecision.MaxReasonChars);

    public void Write(ref WireWriter w)
    {
        w.U128(ActId); w.U8((byte)Kind); w.U128(SubjectId); w.U64(Participant); w.U32(Ledger); w.I64(AmountMinor); w.U8((byte)Direction);
        w.String(Reason, HoldDecision.MaxReasonChars);
    }

    public static ProposeOperatorAct Read(ref WireReader r) =>
        new(r.U128(), (OperatorActKind)r.U8(), r.U128(), r.U64(), r.U32(), r.I64(), (LiquidityDirection)r.U8(), r.String(HoldDecision.MaxReasonChars));
}

/// <summary>The second operator user (header actor) approves (operation 311) or declines (312) the act <see cref="ActId"/>.</summary>
public readonly record struct DecideOperatorAct(UInt128 ActId, string Reason) : IExchangeItem<DecideOperatorAct>
{
    public static int MaxEncodedBytes => 16 + Wire.MaxStringBytes(HoldDecision.MaxReasonChars);
    public void Write(ref WireWriter w) { w.U128(ActId); w.String(Reason, HoldDecision.MaxReasonChars); }
    public static DecideOperatorAct Read(ref WireReader r) => new(r.U128(), r.String(HoldDecision.MaxReasonChars));
}

/// <summary>
/// Administrator (header actor): from now on an operator user may move liquidity (104) or release a hold (304) only
/// through an approved act. One-way, like the settlement options: the engine never switches it off.
/// </summary>
public readonly record struct RequireFourEyes(byte Reserved) : IExchangeItem<RequireFourEyes>
{
    public static int MaxEncodedBytes => 1;
    public void Write(ref WireWriter w) => w.U8(Reserved);
    public static RequireFourEyes Read(ref WireReader r) => new(r.U8());
}

/// <summary>Outcome of one operator-act item (operations 310–313), ordered by precedence. Values are stable (journal, API).</summary>
public enum OperatorActResult : byte
{
    Ok = 0,
    ActIdMustNotBeZero = 1,
    /// <summary>The header's actor is not a registered, active operator user.</summary>
    ActorNotOperatorUser = 2,
    /// <summary>The actor's role may not do this kind of act (liquidity: operator/administrator; hold release: compliance/administrator; policy: administrator).</summary>
    RoleNotAllowed = 3,
    KindInvalid = 4,
    /// <summary>Liquidity: zero transfer id, participant or ledger, an amount outside 1 … 10^18, or an unknown direction; hold: zero payment id.</summary>
    TermsInvalid = 5,
    /// <summary>A hold release must say why.</summary>
    ReasonMissing = 6,
    /// <summary>The same act id was proposed with other terms (the same terms again answer Ok).</summary>
    ActExistsWithDifferentContent = 7,
    TooManyPendingActs = 8,
    ActNotFound = 9,
    /// <summary>Already approved or declined (by someone else, or with the other decision).</summary>
    ActNotPending = 10,
    /// <summary>Four eyes: the proposer cannot approve its own act.</summary>
    ApproverIsProposer = 11,
    /// <summary>Approved and applied, but the command was refused (its own result code is <see cref="OperatorAct.OutcomeCode"/>).</summary>
    ApprovedButRefused = 12,
}

/// <summary>One proposed operator act: its terms, who proposed it and when, and the second user's decision.</summary>
public sealed record OperatorAct(
    UInt128 Id, OperatorActKind Kind, UInt128 SubjectId, ulong Participant, uint Ledger, long AmountMinor, LiquidityDirection Direction, string Reason,
    uint ProposedBy, ulong ProposedAtNs,
    OperatorActStatus Status = OperatorActStatus.Pending, uint DecidedBy = 0, ulong DecidedAtNs = 0, string DecisionReason = "", ushort OutcomeCode = 0)
{
    internal bool SameTerms(ProposeOperatorAct p) =>
        Kind == p.Kind && SubjectId == p.SubjectId && Participant == p.Participant && Ledger == p.Ledger && AmountMinor == p.AmountMinor
        && Direction == p.Direction && Reason == p.Reason;
}

// The maker-checker state of ComplianceState.
public sealed partial class ComplianceState
{
    /// <summary>Most acts waiting for a decision at once.</summary>
    public const int MaxPendingActs = 10_000;
    /// <summary>Most acts kept (decided ones stay for audit).</summary>
    public const int MaxOperatorActs = 1_000_000;
    private const int OperatorActsSnapshotVersion = 1;

    private readonly SortedDictionary<UInt128, OperatorAct> _acts = new();
    private int _pendingActs;

    /// <summary>True once an administrator required four eyes for liquidity moves and hold releases by operator users.</summary>
    public bool FourEyesRequired { get; private set; }

    /// <summary>Every operator act by id (pending and decided).</summary>
    public IReadOnlyCollection<OperatorAct> OperatorActs => _acts.Values;

    public bool TryGetOperatorAct(UInt128 id, out OperatorAct act) => _acts.TryGetValue(id, out act!);

    /// <summary>
    /// The four-eyes rule for a command an operator user sends directly: once required, a liquidity move (104) or a hold
    /// release (304) by an operator user is refused; it must come as an approved act. Participants (a central bank moving
    /// its own ledger's money, actor 0) are not operator users and are not concerned.
    /// </summary>
    public bool RefusesSingleHanded(CommandFrame command) =>
        FourEyesRequired && command.Actor != 0 && command.Operation is Operation.MoveLiquidity or Operation.ReleaseHold;

    /// <summary>The reply refusing every item of a single-handed command (see <see cref="RefusesSingleHanded"/>), audited.</summary>
    public CommandReply RefuseSingleHanded(CommandFrame command, ulong now)
    {
        ushort code = command.Operation == Operation.MoveLiquidity ? (ushort)SettlementResult.FourEyesRequired : (ushort)HoldDecisionResult.FourEyesRequired;
        var errors = new ItemResult[command.Count];
        for (int i = 0; i < errors.Length; i++) errors[i] = new ItemResult(i, code);
        if (command.Operation == Operation.ReleaseHold) // the engine audits 104 itself; compliance operations audit here
            Audit(now, command.Actor, command.Operation, code, "four eyes", "refused: a hold release needs a proposal and a second operator user's approval");
        return new CommandReply(command.Operation, command.Count, errors);
    }

    private OperatorActResult Propose(uint actor, ProposeOperatorAct p, ulong now)
    {
        OperatorActResult result = TryPropose(actor, p, now);
        Audit(now, actor, Operation.ProposeOperatorAct, (ushort)result, Subject(p.ActId), "propose " + Describe(p.Kind, p.SubjectId, p.Participant, p.Ledger, p.AmountMinor, p.Direction)
            + (p.Reason.Length == 0 ? "" : " reason: " + p.Reason) + " by " + NameOf(actor));
        return result;
    }

    private OperatorActResult TryPropose(uint actor, ProposeOperatorAct p, ulong now)
    {
        if (p.ActId == UInt128.Zero) return OperatorActResult.ActIdMustNotBeZero;
        if (!ActiveOperator(actor, out OperatorUser user)) return OperatorActResult.ActorNotOperatorUser;
        if (p.Kind is not (OperatorActKind.MoveLiquidity or OperatorActKind.ReleaseHold)) return OperatorActResult.KindInvalid;
        if (!RoleMay(user.Role, p.Kind)) return OperatorActResult.RoleNotAllowed;
        if (p.Kind == OperatorActKind.MoveLiquidity
            ? p.SubjectId == UInt128.Zero || p.Participant == 0 || p.Ledger == 0 || p.AmountMinor is <= 0 or > SettlementState.MaxAmountMinor
              || p.Direction is not (LiquidityDirection.Inject or LiquidityDirection.Withdraw)
            : p.SubjectId == UInt128.Zero || p.Participant != 0 || p.Ledger != 0 || p.AmountMinor != 0)
            return OperatorActResult.TermsInvalid;
        if (p.Kind == OperatorActKind.ReleaseHold && string.IsNullOrWhiteSpace(p.Reason)) return OperatorActResult.ReasonMissing;
        if (_acts.TryGetValue(p.ActId, out OperatorAct? existing))
            return existing.SameTerms(p) ? OperatorActResult.Ok : OperatorActResult.ActExistsWithDifferentContent;
        if (_pendingActs >= MaxPendingActs || _acts.Count >= MaxOperatorActs) return OperatorActResult.TooManyPendingActs;
        _acts.Add(p.ActId, new OperatorAct(p.ActId, p.Kind, p.SubjectId, p.Participant, p.Ledger, p.AmountMinor, p.Direction, p.Reason, actor, now));
        _pendingActs++;
        return OperatorActResult.Ok;
    }

    private OperatorActResult DecideAct(uint actor, DecideOperatorAct d, bool approve, ref ulong clock)
    {
        ulong now = clock;
        OperatorActResult result = TryDecideAct(actor, d, approve, ref clock, out OperatorAct? act);
        string detail = act is null
            ? (approve ? "approve" : "decline") + " by " + NameOf(actor)
            : (approve ? "approve " : "decline ") + Describe(act.Kind, act.SubjectId, act.Participant, act.Ledger, act.AmountMinor, act.Direction)
              + "; proposed by " + NameOf(act.ProposedBy) + ", " + (approve ? "approved" : "declined") + " by " + NameOf(actor)
              + (act.OutcomeCode == 0 ? "" : "; outcome code " + act.OutcomeCode.ToString(CultureInfo.InvariantCulture))
              + (d.Reason.Length == 0 ? "" : "; reason: " + d.Reason);
        Audit(now, actor, approve ? Operation.ApproveOperatorAct : Operation.DeclineOperatorAct, (ushort)result, Subject(d.ActId),
            detail.Length > MaxAuditDetailChars ? detail[..MaxAuditDetailChars] : detail);
        return result;
    }

    private OperatorActResult TryDecideAct(uint actor, DecideOperatorAct d, bool approve, ref ulong clock, out OperatorAct? act)
    {
        act = null;
        if (d.ActId == UInt128.Zero) return OperatorActResult.ActIdMustNotBeZero;
        if (!ActiveOperator(actor, out OperatorUser user)) return OperatorActResult.ActorNotOperatorUser;
        if (!_acts.TryGetValue(d.ActId, out act)) return OperatorActResult.ActNotFound;
        if (act.Status != OperatorActStatus.Pending)
        {
            // The same decision by the same user again answers as the first time (idempotent); anything else is refused.
            bool same = act.DecidedBy == actor && act.Status == (approve ? OperatorActStatus.Approved : OperatorActStatus.Declined);
            if (!same) return OperatorActResult.ActNotPending;
            return act.OutcomeCode == 0 ? OperatorActResult.Ok : OperatorActResult.ApprovedButRefused;
        }
        if (!RoleMay(user.Role, act.Kind)) return OperatorActResult.RoleNotAllowed;
        if (!approve)
        {
            // The proposer may withdraw its own act; any other user with the role may decline it.
            act = act with { Status = OperatorActStatus.Declined, DecidedBy = actor, DecidedAtNs = clock, DecisionReason = d.Reason };
            _acts[d.ActId] = act;
            _pendingActs--;
            return OperatorActResult.Ok;
        }
        if (act.ProposedBy == actor) return OperatorActResult.ApproverIsProposer;
        ulong decidedAt = clock;
        ushort outcome = ApplyAct(act, ref clock);
        act = act with { Status = OperatorActStatus.Approved, DecidedBy = actor, DecidedAtNs = decidedAt, DecisionReason = d.Reason, OutcomeCode = outcome };
        _acts[d.ActId] = act;
        _pendingActs--;
        return outcome == 0 ? OperatorActResult.Ok : OperatorActResult.ApprovedButRefused;
    }

    /// <summary>Applies an approved act through the same engine rules as the direct command; the command's own result code.</summary>
    private ushort ApplyAct(OperatorAct act, ref ulong clock)
    {
        if (act.Kind == OperatorActKind.ReleaseHold)
        {
            clock++;
            return (ushort)TryDecide(Operation.ReleaseHold, new HoldDecision(act.SubjectId, act.ProposedBy, act.Reason), ref clock);
        }
        byte[] payload = SettlementCodec.EncodePayload<MoveLiquidity>([new MoveLiquidity(act.SubjectId, act.Participant, act.Ledger, act.AmountMinor, act.Direction)]);
        CommandReply reply = SettlementOf(act.SubjectId).Apply(new CommandFrame(Operation.MoveLiquidity, 1, 0, payload.Length) { Actor = act.ProposedBy }, payload, ref clock);
        return reply.AllOk ? (ushort)0 : reply.Errors[0].Code;
    }

    private OperatorActResult SetFourEyes(uint actor, ulong now)
    {
        OperatorActResult result = !ActiveOperator(actor, out OperatorUser user) ? OperatorActResult.ActorNotOperatorUser
            : user.Role != OperatorRole.Administrator ? OperatorActResult.RoleNotAllowed
            : OperatorActResult.Ok;
        if (result == OperatorActResult.Ok) FourEyesRequired = true;
        Audit(now, actor, Operation.RequireFourEyes, (ushort)result, "four eyes", "required for liquidity moves and hold releases, by " + NameOf(actor));
        return result;
    }

    private bool ActiveOperator(uint id, out OperatorUser user) =>
        _operators.TryGetValue(id, out user!) && user.Status == OperatorUserStatus.Active;

    private static bool RoleMay(OperatorRole role, OperatorActKind kind) => role == OperatorRole.Administrator
        || (kind == OperatorActKind.MoveLiquidity ? role == OperatorRole.Operator : role == OperatorRole.Compliance);

    private string NameOf(uint id) =>
        (_operators.TryGetValue(id, out OperatorUser? u) ? u.Name : "unknown") + " (" + id.ToString(CultureInfo.InvariantCulture) + ")";

    private static string Subject(UInt128 actId) => "act " + actId.ToString("x32", CultureInfo.InvariantCulture);

    private static string Describe(OperatorActKind kind, UInt128 subject, ulong participant, uint ledger, long amountMinor, LiquidityDirection direction) => kind switch
    {
        OperatorActKind.MoveLiquidity => FormattableString.Invariant(
            $"{direction} {amountMinor} for participant {participant} in ledger {ledger}, transfer {subject:x32}"),
        OperatorActKind.ReleaseHold => "release hold of payment " + subject.ToString("x32", CultureInfo.InvariantCulture),
        _ => "act of kind " + ((byte)kind).ToString(CultureInfo.InvariantCulture),
    };

    // ───────────── hashing and snapshots (engine snapshot format 12) ─────────────

    /// <summary>True when there is maker-checker state to hash or write (older states hash as before).</summary>
    public bool HasOperatorActState => FourEyesRequired || _acts.Count != 0;

    public void WriteOperatorActsSnapshot(BinaryWriter w)
    {
        w.Write(OperatorActsSnapshotVersion);
        w.Write(FourEyesRequired);
        w.Write(_acts.Count);
        foreach (OperatorAct a in _acts.Values)
        {
            Write128(w, a.Id); w.Write((byte)a.Kind); Write128(w, a.SubjectId); w.Write(a.Participant); w.Write(a.Ledger); w.Write(a.AmountMinor);
            w.Write((byte)a.Direction); w.Write(a.Reason); w.Write(a.ProposedBy); w.Write(a.ProposedAtNs);
            w.Write((byte)a.Status); w.Write(a.DecidedBy); w.Write(a.DecidedAtNs); w.Write(a.DecisionReason); w.Write(a.OutcomeCode);
        }
    }

    public void ReadOperatorActsSnapshot(BinaryReader r)
    {
        if (_acts.Count != 0) throw new InvalidOperationException("operator acts must be read into an empty state");
        int version = r.ReadInt32();
        if (version != OperatorActsSnapshotVersion) throw new InvalidDataException($"operator acts snapshot version {version} is not supported");
        FourEyesRequired = r.ReadBoolean();
        int count = ReadCount(r, MaxOperatorActs);
        for (int i = 0; i < count; i++)
        {
            var a = new OperatorAct(Read128(r), (OperatorActKind)r.ReadByte(), Read128(r), r.ReadUInt64(), r.ReadUInt32(), r.ReadInt64(),
                (LiquidityDirection)r.ReadByte(), r.ReadString(), r.ReadUInt32(), r.ReadUInt64(),
                (OperatorActStatus)r.ReadByte(), r.ReadUInt32(), r.ReadUInt64(), r.ReadString(), r.ReadUInt16());
            if (a.Status is not (OperatorActStatus.Pending or OperatorActStatus.Approved or OperatorActStatus.Declined))
                throw new InvalidDataException($"operator acts snapshot: act {a.Id} has status {(byte)a.Status}");
            _acts.Add(a.Id, a);
            if (a.Status == OperatorActStatus.Pending) _pendingActs++;
        }
    }
}
