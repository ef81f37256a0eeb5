using System.Buffers.Binary;
using Corridor.Core.Compliance;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Tests.Settlement;
using CoreEngine = Corridor.Core.Engine.Engine;

namespace Corridor.Core.Tests.Compliance;

/// <summary>ChangeOperatorStatus (op 307): administrators only, never the root, audited with the acting administrator, replayed and snapshotted exactly.</summary>
public sealed class OperatorStatusTests
{
    private const uint Root = OperatorUser.RootId, Anna = 5, Carl = 6, Dora = 7;

    private static byte[] As(uint actor, byte[] command)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(command.AsSpan(12), actor); // header actor
        return command;
    }

    private static byte[] Register(uint user, string name, OperatorRole role) =>
        As(Root, ExchangeCommands.Encode(Operation.RegisterOperator, new RegisterOperator(Root, user, name, role)));

    private static byte[] Status(uint actor, uint user, OperatorUserStatus status) =>
        As(actor, ExchangeCommands.Encode(Operation.ChangeOperatorStatus, new ChangeOperatorStatus(user, status)));

    private static ChangeOperatorStatusResult CodeOf(CommandReply reply) =>
        reply.Errors.Length == 0 ? ChangeOperatorStatusResult.Ok : (ChangeOperatorStatusResult)reply.Errors[0].Code;

    private static SettlementHarness WithUsers()
    {
        SettlementHarness h = SettlementHarness.Standard();
        Assert.True(h.Batch(
            Register(Root, "root", OperatorRole.Administrator), Register(Anna, "anna", OperatorRole.Operator),
            Register(Carl, "carl", OperatorRole.Compliance), Register(Dora, "dora", OperatorRole.Administrator)).TrueForAll(r => r.AllOk));
        return h;
    }

    private static OperatorUser User(SettlementHarness h, uint id) =>
        h.Engine.Compliance.TryGetOperator(id, out OperatorUser u) ? u : throw new InvalidOperationException($"no operator {id}");

    [Fact]
    public void An_administrator_disables_and_re_enables_a_user_and_the_audit_log_names_who_did_it()
    {
        SettlementHarness h = WithUsers();
        Assert.Equal(ChangeOperatorStatusResult.Ok, CodeOf(h.Batch(Status(Dora, Anna, OperatorUserStatus.Disabled))[0]));
        OperatorUser anna = User(h, Anna);
        Assert.Equal(OperatorUserStatus.Disabled, anna.Status);
        Assert.Equal((ulong)Dora, anna.StatusChangedBy);
        Assert.True(anna.StatusChangedAtNs >= h.Time);
        AuditEntry entry = h.Engine.Compliance.AuditLog[^1];
        Assert.Equal(Operation.ChangeOperatorStatus, entry.Operation);
        Assert.Equal((ulong)Dora, entry.Operator);
        Assert.Equal("operator 5", entry.Subject);
        Assert.Equal("status=Disabled was=Active name=anna", entry.Detail);
        Assert.Equal(0, entry.ResultCode);

        Assert.Equal(ChangeOperatorStatusResult.Ok, CodeOf(h.Batch(Status(Root, Anna, OperatorUserStatus.Active))[0]));
        Assert.Equal(OperatorUserStatus.Active, User(h, Anna).Status);
        Assert.Equal((ulong)Root, User(h, Anna).StatusChangedBy);
        Assert.Equal(-1, h.Engine.Compliance.VerifyAuditChain());
    }

    [Fact]
    public void The_root_user_cannot_be_disabled_and_the_refusal_is_audited()
    {
        SettlementHarness h = WithUsers();
        Assert.Equal(ChangeOperatorStatusResult.RootCannotBeDisabled, CodeOf(h.Batch(Status(Dora, Root, OperatorUserStatus.Disabled))[0]));
        Assert.Equal(OperatorUserStatus.Active, User(h, Root).Status);
        AuditEntry entry = h.Engine.Compliance.AuditLog[^1];
        Assert.Equal((ushort)ChangeOperatorStatusResult.RootCannotBeDisabled, entry.ResultCode);
        Assert.Equal((ulong)Dora, entry.Operator);
        // Enabling the root is a no-op that is allowed (it is always active).
        Assert.Equal(ChangeOperatorStatusResult.Ok, CodeOf(h.Batch(Status(Dora, Root, OperatorUserStatus.Active))[0]));
    }

    [Fact]
    public void Only_an_active_administrator_may_change_a_status()
    {
        SettlementHarness h = WithUsers();
        Assert.Equal(ChangeOperatorStatusResult.ActorNotAdministrator, CodeOf(h.Batch(Status(Anna, Carl, OperatorUserStatus.Disabled))[0]));
        Assert.Equal(ChangeOperatorStatusResult.ActorNotAdministrator, CodeOf(h.Batch(Status(Carl, Anna, OperatorUserStatus.Disabled))[0]));
        Assert.Equal(ChangeOperatorStatusResult.ActorNotAdministrator, CodeOf(h.Batch(Status(0, Anna, OperatorUserStatus.Disabled))[0]));
        Assert.Equal(ChangeOperatorStatusResult.ActorNotAdministrator, CodeOf(h.Batch(Status(99, Anna, OperatorUserStatus.Disabled))[0]));
        Assert.Equal(OperatorUserStatus.Active, User(h, Anna).Status);
        Assert.Equal(OperatorUserStatus.Active, User(h, Carl).Status);

        // A disabled administrator can no longer act, not even to re-enable itself.
        Assert.Equal(ChangeOperatorStatusResult.Ok, CodeOf(h.Batch(Status(Root, Dora, OperatorUserStatus.Disabled))[0]));
        Assert.Equal(ChangeOperatorStatusResult.ActorNotAdministrator, CodeOf(h.Batch(Status(Dora, Dora, OperatorUserStatus.Active))[0]));
        Assert.Equal(ChangeOperatorStatusResult.ActorNotAdministrator, CodeOf(h.Batch(Status(Dora, Anna, OperatorUserStatus.Disabled))[0]));

        Assert.Equal(ChangeOperatorStatusResult.UserNotFound, CodeOf(h.Batch(Status(Root, 42, OperatorUserStatus.Disabled))[0]));
        Assert.Equal(ChangeOperatorStatusResult.StatusInvalid, CodeOf(h.Batch(Status(Root, Anna, (OperatorUserStatus)9))[0]));
    }

    [Fact]
    public void Re_registering_a_disabled_user_changes_its_role_but_does_not_re_enable_it()
    {
        SettlementHarness h = WithUsers();
        Assert.True(h.Batch(Status(Root, Anna, OperatorUserStatus.Disabled))[0].AllOk);
        Assert.True(h.Batch(Register(Anna, "anna", OperatorRole.Compliance))[0].AllOk);
        Assert.Equal(OperatorRole.Compliance, User(h, Anna).Role);
        Assert.Equal(OperatorUserStatus.Disabled, User(h, Anna).Status);
    }

    [Fact]
    public void Replay_and_snapshot_reproduce_statuses_and_state_hash()
    {
        SettlementHarness h = WithUsers();
        var beforeAnyChange = new MemoryStream();
        h.Engine.WriteSnapshot(beforeAnyChange);
        Assert.True(h.Batch(Status(Dora, Anna, OperatorUserStatus.Disabled), Status(Root, Carl, OperatorUserStatus.Disabled)).TrueForAll(r => r.AllOk));
        Assert.True(h.Batch(Status(Root, Carl, OperatorUserStatus.Active))[0].AllOk);

        var fresh = new CoreEngine();
        foreach ((long seq, ulong time, byte[] body) in h.Journal) fresh.Apply(seq, time, body, null);
        Assert.Equal(h.Engine.StateHashHex(), fresh.StateHashHex());
        Assert.Equal(h.Engine.Compliance.AuditHead, fresh.Compliance.AuditHead);
        Assert.True(fresh.Compliance.TryGetOperator(Anna, out OperatorUser anna) && anna.Status == OperatorUserStatus.Disabled && anna.StatusChangedBy == Dora);

        var snapshot = new MemoryStream();
        h.Engine.WriteSnapshot(snapshot);
        snapshot.Position = 0;
        CoreEngine restored = CoreEngine.ReadSnapshot(snapshot);
        Assert.Equal(h.Engine.StateHashHex(), restored.StateHashHex());
        Assert.True(restored.Compliance.TryGetOperator(Anna, out anna) && anna.Status == OperatorUserStatus.Disabled);
        Assert.True(restored.Compliance.TryGetOperator(Carl, out OperatorUser carl) && carl.Status == OperatorUserStatus.Active && carl.StatusChangedBy == Root);

        // A snapshot from before any status change (compliance section version 2) restores with every user active.
        beforeAnyChange.Position = 0;
        CoreEngine older = CoreEngine.ReadSnapshot(beforeAnyChange);
        Assert.True(older.Compliance.TryGetOperator(Anna, out anna) && anna.Status == OperatorUserStatus.Active && anna.StatusChangedBy == 0);
    }
}
