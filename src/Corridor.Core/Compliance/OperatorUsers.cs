using System.Globalization;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Settlement;

namespace Corridor.Core.Compliance;

/// <summary>What a named operator user may do. Values are stable (journal, API).</summary>
public enum OperatorRole : byte
{
    /// <summary>Runs the system: participants, ledgers, liquidity, limits, windows, the day, FX configuration.</summary>
    Operator = 1,
    /// <summary>Runs the compliance desk: watch lists, threshold, rules, hold decisions, audit export.</summary>
    Compliance = 2,
    /// <summary>Both (the node's root operator, user <see cref="OperatorUser.RootId"/>).</summary>
    Administrator = 3,
}

/// <summary>Whether an operator user's tokens are accepted. Values are stable (journal, snapshots, API).</summary>
public enum OperatorUserStatus : byte
{
    Active = 0,
    /// <summary>Every token of the user is refused (403 auth.operator_disabled) until an administrator re-enables it.</summary>
    Disabled = 1,
}

/// <summary>
/// A named operator user: the "who" recorded on every operator action (command header actor, audit log).
/// <see cref="StatusChangedBy"/> is the administrator who last disabled or re-enabled it (0 = never changed).
/// </summary>
public sealed record OperatorUser(
    uint Id, string Name, OperatorRole Role, ulong RegisteredAtNs, ulong RegisteredBy,
    OperatorUserStatus Status = OperatorUserStatus.Active, ulong StatusChangedAtNs = 0, ulong StatusChangedBy = 0)
{
    /// <summary>The node's root operator (the token in &lt;data&gt;/secrets/operator.token), registered on first start.</summary>
    public const uint RootId = 1;
}

/// <summary>
/// Operator: register the operator user <see cref="UserId"/> (or change its role; the name is fixed once registered).
/// <see cref="Operator"/> is who registered it.
/// </summary>
public readonly record struct RegisterOperator(ulong Operator, uint UserId, string Name, OperatorRole Role) : IExchangeItem<RegisterOperator>
{
    public const int MaxNameChars = 64;
    public static int MaxEncodedBytes => 8 + 4 + Wire.MaxStringBytes(MaxNameChars) + 1;
    public void Write(ref WireWriter w) { w.U64(Operator); w.U32(UserId); w.String(Name, MaxNameChars); w.U8((byte)Role); }
    public static RegisterOperator Read(ref WireReader r) => new(r.U64(), r.U32(), r.String(MaxNameChars), (OperatorRole)r.U8());
}

/// <summary>Outcome of one RegisterOperator item.</summary>
public enum RegisterOperatorResult : byte
{
    Ok = 0,
    OperatorMustNotBeZero = 1,
    UserIdMustNotBeZero = 2,
    /// <summary>Name empty or not ASCII letters, digits, '-', '_', '.', '@'.</summary>
    NameInvalid = 3,
    RoleInvalid = 4,
    /// <summary>Another user has this name, or this id has another name.</summary>
    NameInUse = 5,
    TooManyOperators = 6,
}

/// <summary>
/// Administrator: disable (or re-enable) the operator user <see cref="UserId"/>. The acting administrator is the
/// command header's actor, so it cannot be claimed in the payload. The root user cannot be disabled.
/// </summary>
public readonly record struct ChangeOperatorStatus(uint UserId, OperatorUserStatus Status) : IExchangeItem<ChangeOperatorStatus>
{
    public static int MaxEncodedBytes => 4 + 1;
    public void Write(ref WireWriter w) { w.U32(UserId); w.U8((byte)Status); }
    public static ChangeOperatorStatus Read(ref WireReader r) => new(r.U32(), (OperatorUserStatus)r.U8());
}

/// <summary>Outcome of one ChangeOperatorStatus item.</summary>
public enum ChangeOperatorStatusResult : byte
{
    Ok = 0,
    /// <summary>The command header's actor is not a registered, active administrator.</summary>
    ActorNotAdministrator = 1,
    UserNotFound = 2,
    StatusInvalid = 3,
    /// <summary>User <see cref="OperatorUser.RootId"/> (the node's own token) can never be disabled.</summary>
    RootCannotBeDisabled = 4,
}

// Operator users and the audit of every operator action (not only compliance ones).
public sealed partial class ComplianceState
{
    public const int MaxOperators = 10_000;
    public const int MaxAuditDetailChars = 512;

    private RegisterOperatorResult Register(RegisterOperator c, ulong now)
    {
        RegisterOperatorResult result = TryRegister(c, now);
        Audit(now, c.Operator, Operation.RegisterOperator, (ushort)result, "operator " + c.UserId.ToString(CultureInfo.InvariantCulture),
            "name=" + c.Name + " role=" + c.Role);
        return result;
    }

    private RegisterOperatorResult TryRegister(RegisterOperator c, ulong now)
    {
        if (c.Operator == 0) return RegisterOperatorResult.OperatorMustNotBeZero;
        if (c.UserId == 0) return RegisterOperatorResult.UserIdMustNotBeZero;
        if (c.Name.Length == 0) return RegisterOperatorResult.NameInvalid;
        foreach (char ch in c.Name)
            if (!char.IsAsciiLetterOrDigit(ch) && ch is not ('-' or '_' or '.' or '@')) return RegisterOperatorResult.NameInvalid;
        if (c.Role is not (OperatorRole.Operator or OperatorRole.Compliance or OperatorRole.Administrator)) return RegisterOperatorResult.RoleInvalid;
        if (_operators.TryGetValue(c.UserId, out OperatorUser? existing))
        {
            if (existing.Name != c.Name) return RegisterOperatorResult.NameInUse;
            _operators[c.UserId] = existing with { Role = c.Role };
            return RegisterOperatorResult.Ok;
        }
        foreach (OperatorUser u in _operators.Values) if (u.Name == c.Name) return RegisterOperatorResult.NameInUse;
        if (_operators.Count >= MaxOperators) return RegisterOperatorResult.TooManyOperators;
        _operators.Add(c.UserId, new OperatorUser(c.UserId, c.Name, c.Role, now, c.Operator));
        return RegisterOperatorResult.Ok;
    }

    private ChangeOperatorStatusResult ChangeStatus(uint actor, ChangeOperatorStatus c, ulong now)
    {
        OperatorUserStatus was = _operators.TryGetValue(c.UserId, out OperatorUser? before) ? before.Status : OperatorUserStatus.Active;
        ChangeOperatorStatusResult result = TryChangeStatus(actor, c, now);
        Audit(now, actor, Operation.ChangeOperatorStatus, (ushort)result, "operator " + c.UserId.ToString(CultureInfo.InvariantCulture),
            "status=" + c.Status + (before is null ? "" : " was=" + was + " name=" + before.Name));
        return result;
    }

    private ChangeOperatorStatusResult TryChangeStatus(uint actor, ChangeOperatorStatus c, ulong now)
    {
        if (!_operators.TryGetValue(actor, out OperatorUser? admin) || admin.Role != OperatorRole.Administrator || admin.Status != OperatorUserStatus.Active)
            return ChangeOperatorStatusResult.ActorNotAdministrator;
        if (c.Status is not (OperatorUserStatus.Active or OperatorUserStatus.Disabled)) return ChangeOperatorStatusResult.StatusInvalid;
        if (!_operators.TryGetValue(c.UserId, out OperatorUser? user)) return ChangeOperatorStatusResult.UserNotFound;
        if (c.UserId == OperatorUser.RootId && c.Status != OperatorUserStatus.Active) return ChangeOperatorStatusResult.RootCannotBeDisabled;
        _operators[c.UserId] = user with { Status = c.Status, StatusChangedAtNs = now, StatusChangedBy = actor };
        return ChangeOperatorStatusResult.Ok;
    }

    /// <summary>Registered operator users by id.</summary>
    public IReadOnlyCollection<OperatorUser> Operators => _operators.Values;

    public bool TryGetOperator(ulong id, out OperatorUser user) => _operators.TryGetValue(id, out user!);

    /// <summary>
    /// Called by the engine after a settlement or exchange command that an operator user issued (command header actor ≠ 0):
    /// one audit entry per item, at engine time, naming the actor, the operation, the item's result and what it touched.
    /// Ledger commands (1–99) are not audited here: they are participants' transfers and the hot path.
    /// </summary>
    public void AuditOperatorAction(ulong now, uint actor, CommandFrame command, ReadOnlySpan<byte> payload, CommandReply reply)
    {
        if (actor == 0 || Handles(command.Operation)) return;
        List<(string Subject, string Detail)> items = OperatorActionDescriber.Describe(command, payload);
        for (int i = 0; i < items.Count; i++)
        {
            ushort code = 0;
            foreach (ItemResult e in reply.Errors) if (e.Index == i) { code = e.Code; break; }
            string detail = items[i].Detail.Length > MaxAuditDetailChars ? items[i].Detail[..MaxAuditDetailChars] : items[i].Detail;
            Audit(now, actor, command.Operation, code, items[i].Subject, detail);
        }
    }
}

/// <summary>Subject and detail text of each item of an operator's settlement or exchange command, for the audit log.</summary>
internal static class OperatorActionDescriber
{
    public static List<(string Subject, string Detail)> Describe(CommandFrame command, ReadOnlySpan<byte> payload)
    {
        var list = new List<(string, string)>(command.Count);
        switch (command.Operation)
        {
            case Operation.RegisterParticipant: foreach (var x in D<RegisterParticipant>(payload, command)) list.Add((P(x.ParticipantId), I($"register {x.Role} '{x.Name}' bic={x.Bic}"))); break;
            case Operation.ChangeParticipantStatus: foreach (var x in D<ChangeParticipantStatus>(payload, command)) list.Add((P(x.ParticipantId), I($"status={x.Status}"))); break;
            case Operation.RegisterLedger: foreach (var x in D<RegisterLedger>(payload, command)) list.Add((L(x.Ledger), I($"register {x.CurrencyCode} central bank {x.CentralBankId}"))); break;
            case Operation.OpenSettlementAccount: foreach (var x in D<OpenSettlementAccount>(payload, command)) list.Add((P(x.ParticipantId), I($"open account {x.AccountId:x32} in ledger {x.Ledger}"))); break;
            case Operation.MoveLiquidity: foreach (var x in D<MoveLiquidity>(payload, command)) list.Add((P(x.ParticipantId), I($"{x.Direction} {x.AmountMinor} in ledger {x.Ledger}, transfer {x.TransferId:x32}"))); break;
            case Operation.SetCreditLine: foreach (var x in D<SetCreditLine>(payload, command)) list.Add((P(x.ParticipantId), I($"credit line {x.LimitMinor} in ledger {x.Ledger}"))); break;
            case Operation.SetReservation: foreach (var x in D<SetReservation>(payload, command)) list.Add((P(x.ParticipantId), I($"reserve urgent={x.UrgentReserveMinor} high={x.HighReserveMinor} in ledger {x.Ledger}"))); break;
            case Operation.SetSendingLimit: foreach (var x in D<SetSendingLimit>(payload, command)) list.Add((P(x.ParticipantId), I($"sending limit {x.LimitMinor} towards {(x.CounterpartyId == 0 ? "all" : x.CounterpartyId.ToString(CultureInfo.InvariantCulture))} in ledger {x.Ledger}"))); break;
            case Operation.SubmitPayment: foreach (var x in D<SubmitPayment>(payload, command)) list.Add(("payment " + x.PaymentId.ToString("x32", CultureInfo.InvariantCulture), I($"{x.Kind} {x.AmountMinor} from {x.Payer} to {x.Payee} in ledger {x.Ledger}"))); break;
            case Operation.SubmitPaymentWithDetails or Operation.SubmitPaymentTravelRuleAtEntry: foreach (var x in ExchangeCommands.Decode<SubmitPaymentWithDetails>(payload, command.Count)) list.Add(("payment " + x.Payment.PaymentId.ToString("x32", CultureInfo.InvariantCulture), I($"{x.Payment.Kind} {x.Payment.AmountMinor} from {x.Payment.Payer} to {x.Payment.Payee} in ledger {x.Payment.Ledger}"))); break;
            case Operation.ManageQueuedPayment: foreach (var x in D<ManageQueuedPayment>(payload, command)) list.Add(("payment " + x.PaymentId.ToString("x32", CultureInfo.InvariantCulture), I($"{x.Action} priority={x.NewPriority}"))); break;
            case Operation.RunLsm: foreach (var x in D<RunLsm>(payload, command)) list.Add((x.Ledger == 0 ? "all ledgers" : L(x.Ledger), "run LSM")); break;
            case Operation.OpenNettingWindow: foreach (var x in D<OpenNettingWindow>(payload, command)) list.Add((W(x.WindowId), I($"open '{x.Name}' in ledger {x.Ledger}"))); break;
            case Operation.CloseNettingWindow: foreach (var x in D<CloseNettingWindow>(payload, command)) list.Add((W(x.WindowId), "close")); break;
            case Operation.OpenBusinessDay: foreach (var x in D<OpenBusinessDay>(payload, command)) list.Add(("day", I($"open {x.BusinessDate}"))); break;
            case Operation.ChangeDayPhase: foreach (var x in D<ChangeDayPhase>(payload, command)) list.Add(("day", I($"phase {x.Phase}"))); break;
            case Operation.SetSettlementOptions: foreach (var x in D<SetSettlementOptions>(payload, command)) list.Add(("settlement options", x.Options.ToString())); break;
            case Operation.GrantLedgerAccess: foreach (var x in D<GrantLedgerAccess>(payload, command)) list.Add((P(x.Participant), I($"{(x.Granted ? "grant" : "withdraw")} raw access to ledger {x.Ledger}"))); break;
            case Operation.BindCertificate: foreach (var x in ExchangeCommands.Decode<Access.BindCertificate>(payload, command.Count)) list.Add(Access.CertificateBindings.Describe(x)); break;
            case Operation.RevokeCertificate: foreach (var x in ExchangeCommands.Decode<Access.RevokeCertificate>(payload, command.Count)) list.Add(Access.CertificateBindings.Describe(x)); break;
            case Operation.ConfigureCurrency: foreach (var x in ExchangeCommands.Decode<ConfigureCurrency>(payload, command.Count)) list.Add(("currency " + x.Code, I($"exponent {x.Exponent} ledger {x.Ledger}"))); break;
            case Operation.RegisterPeer: foreach (var x in ExchangeCommands.Decode<Federation.RegisterPeer>(payload, command.Count)) list.Add(("peer " + x.PeerId.ToString(CultureInfo.InvariantCulture), I($"'{x.Name}' {x.Url} certificate sha256 {x.CertificateSha256} {x.Status}"))); break;
            default:
                for (int i = 0; i < command.Count; i++) list.Add((command.Operation.ToString(), I($"item {i} of {command.Count}")));
                break;
        }
        return list;
    }

    private static T[] D<T>(ReadOnlySpan<byte> payload, CommandFrame command) where T : ISettlementCommand<T> => SettlementCodec.DecodePayload<T>(payload, command.Count);
    private static string I(FormattableString text) => FormattableString.Invariant(text);
    private static string P(ulong id) => "participant " + id.ToString(CultureInfo.InvariantCulture);
    private static string L(uint id) => "ledger " + id.ToString(CultureInfo.InvariantCulture);
    private static string W(ulong id) => "window " + id.ToString(CultureInfo.InvariantCulture);
}
