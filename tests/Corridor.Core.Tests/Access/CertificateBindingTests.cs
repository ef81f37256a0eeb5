using System.Buffers.Binary;
using Corridor.Core.Access;
using Corridor.Core.Compliance;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Tests.Settlement;
using CsCheck;
using CoreEngine = Corridor.Core.Engine.Engine;

namespace Corridor.Core.Tests.Access;

/// <summary>BindCertificate (op 315) and RevokeCertificate (op 316): who may bind, result order, revocation is final, audit, replay and snapshots.</summary>
public sealed class CertificateBindingTests
{
    private const uint Root = OperatorUser.RootId, Anna = 5, Carl = 6;
    private static readonly string ThumbA = new('a', 64), ThumbB = new('b', 64), CaThumb = new('c', 64);
    private const string SubjectA = "CN=Bank A, O=Bank A, C=KE";

    private static byte[] As(uint actor, byte[] command)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(command.AsSpan(12), actor); // header actor
        return command;
    }

    private static byte[] Bind(uint actor, CertificateKey key, CertificatePrincipal principal, ulong id) =>
        As(actor, ExchangeCommands.Encode(Operation.BindCertificate, new BindCertificate(key, principal, id)));

    private static byte[] Revoke(uint actor, CertificateKey key) => As(actor, ExchangeCommands.Encode(Operation.RevokeCertificate, new RevokeCertificate(key)));

    private static byte[] Register(uint user, string name, OperatorRole role) =>
        As(Root, ExchangeCommands.Encode(Operation.RegisterOperator, new RegisterOperator(Root, user, name, role)));

    private static CertificateBindingResult BindCode(CommandReply r) => r.Errors.Length == 0 ? CertificateBindingResult.Ok : (CertificateBindingResult)r.Errors[0].Code;
    private static CertificateBindingResult RevokeCode(CommandReply r) => BindCode(r);

    private static SettlementHarness WithUsers()
    {
        SettlementHarness h = SettlementHarness.Standard();
        Assert.True(h.Batch(Register(Root, "root", OperatorRole.Administrator), Register(Anna, "anna", OperatorRole.Operator),
            Register(Carl, "carl", OperatorRole.Compliance)).TrueForAll(r => r.AllOk));
        return h;
    }

    private static CertificateBinding? Resolve(CoreEngine e, string thumb, string subject = "CN=x", string issuer = "") =>
        CertificateBindings.Resolve(e.Certificates.CopyTable(), thumb, subject, issuer.Length == 0 ? CaThumb : issuer);

    [Fact]
    public void A_thumbprint_binding_resolves_to_its_participant_and_is_audited_with_the_actor()
    {
        SettlementHarness h = WithUsers();
        Assert.Equal(CertificateBindingResult.Ok, BindCode(h.Batch(Bind(Anna, CertificateKey.OfThumbprint(ThumbA), CertificatePrincipal.Participant, SettlementHarness.A))[0]));
        CertificateBinding b = Resolve(h.Engine, ThumbA)!;
        Assert.Equal((CertificatePrincipal.Participant, SettlementHarness.A, Anna, CertificateBindingStatus.Active), (b.Principal, b.PrincipalId, b.BoundBy, b.Status));
        Assert.Null(Resolve(h.Engine, ThumbB));
        AuditEntry audit = h.Engine.Compliance.AuditLog[^1];
        Assert.Equal((Operation.BindCertificate, (ulong)Anna, "certificate sha256:" + ThumbA, "bind to participant 11"), (audit.Operation, audit.Operator, audit.Subject, audit.Detail));
        // The same binding again is idempotent; to another participant it is refused.
        Assert.Equal(CertificateBindingResult.Ok, BindCode(h.Batch(Bind(Anna, CertificateKey.OfThumbprint(ThumbA), CertificatePrincipal.Participant, SettlementHarness.A))[0]));
        Assert.Equal(CertificateBindingResult.BoundToAnother, BindCode(h.Batch(Bind(Anna, CertificateKey.OfThumbprint(ThumbA), CertificatePrincipal.Participant, SettlementHarness.B))[0]));
        Assert.Equal(1, h.Engine.Certificates.Count);
    }

    [Fact]
    public void A_subject_binding_covers_every_certificate_of_that_subject_from_that_CA_except_a_revoked_thumbprint()
    {
        SettlementHarness h = WithUsers();
        Assert.True(h.Batch(Bind(Root, CertificateKey.OfSubject(SubjectA, CaThumb), CertificatePrincipal.Participant, SettlementHarness.A))[0].AllOk);
        Assert.Equal(SettlementHarness.A, Resolve(h.Engine, ThumbA, SubjectA)!.PrincipalId);
        Assert.Equal(SettlementHarness.A, Resolve(h.Engine, ThumbB, SubjectA)!.PrincipalId); // a renewed certificate
        Assert.Null(Resolve(h.Engine, ThumbA, SubjectA, issuer: new string('d', 64))); // same subject, another CA
        // One compromised certificate is denied by thumbprint without a binding of its own; the subject still works for others.
        Assert.Equal(CertificateBindingResult.Ok, RevokeCode(h.Batch(Revoke(Anna, CertificateKey.OfThumbprint(ThumbA)))[0]));
        Assert.Equal(CertificateBindingStatus.Revoked, Resolve(h.Engine, ThumbA, SubjectA)!.Status);
        Assert.Equal(CertificateBindingStatus.Active, Resolve(h.Engine, ThumbB, SubjectA)!.Status);
        // Revoking the subject binding refuses all of them, and revocation is final.
        Assert.True(h.Batch(Revoke(Root, CertificateKey.OfSubject(SubjectA, CaThumb)))[0].AllOk);
        Assert.Equal(CertificateBindingStatus.Revoked, Resolve(h.Engine, ThumbB, SubjectA)!.Status);
        Assert.Equal(CertificateBindingResult.CertificateRevoked, BindCode(h.Batch(Bind(Root, CertificateKey.OfSubject(SubjectA, CaThumb), CertificatePrincipal.Participant, SettlementHarness.A))[0]));
        Assert.Equal(CertificateBindingResult.CertificateRevoked, BindCode(h.Batch(Bind(Root, CertificateKey.OfThumbprint(ThumbA), CertificatePrincipal.Participant, SettlementHarness.A))[0]));
        Assert.Equal(CertificateBindingResult.BindingNotFound, RevokeCode(h.Batch(Revoke(Root, CertificateKey.OfSubject("CN=nobody", CaThumb)))[0]));
    }

    [Fact]
    public void Results_come_in_their_documented_order()
    {
        SettlementHarness h = WithUsers();
        CertificateKey good = CertificateKey.OfThumbprint(ThumbA);
        // Actor first: a compliance user, an unknown actor and no actor may not bind; an operator may not bind an operator user.
        Assert.Equal(CertificateBindingResult.ActorNotAuthorised, BindCode(h.Batch(Bind(Carl, new CertificateKey((CertificateMatch)9, "", "", ""), CertificatePrincipal.None, 0))[0]));
        Assert.Equal(CertificateBindingResult.ActorNotAuthorised, BindCode(h.Batch(Bind(0, good, CertificatePrincipal.Participant, SettlementHarness.A))[0]));
        Assert.Equal(CertificateBindingResult.ActorNotAuthorised, BindCode(h.Batch(Bind(99, good, CertificatePrincipal.Participant, SettlementHarness.A))[0]));
        Assert.Equal(CertificateBindingResult.ActorNotAuthorised, BindCode(h.Batch(Bind(Anna, good, CertificatePrincipal.OperatorUser, Carl))[0]));
        // Then the key's shape, then the principal.
        Assert.Equal(CertificateBindingResult.MatchInvalid, BindCode(h.Batch(Bind(Root, new CertificateKey((CertificateMatch)9, "", "", ""), CertificatePrincipal.None, 0))[0]));
        Assert.Equal(CertificateBindingResult.MatchInvalid, BindCode(h.Batch(Bind(Root, new CertificateKey(CertificateMatch.Thumbprint, ThumbA, "CN=x", ""), CertificatePrincipal.Participant, 1))[0]));
        Assert.Equal(CertificateBindingResult.ThumbprintInvalid, BindCode(h.Batch(Bind(Root, CertificateKey.OfThumbprint(new string('A', 64)), CertificatePrincipal.None, 0))[0]));
        Assert.Equal(CertificateBindingResult.ThumbprintInvalid, BindCode(h.Batch(Bind(Root, CertificateKey.OfThumbprint("abc"), CertificatePrincipal.None, 0))[0]));
        Assert.Equal(CertificateBindingResult.SubjectInvalid, BindCode(h.Batch(Bind(Root, CertificateKey.OfSubject(" CN=x", "zz"), CertificatePrincipal.None, 0))[0]));
        Assert.Equal(CertificateBindingResult.IssuerThumbprintInvalid, BindCode(h.Batch(Bind(Root, CertificateKey.OfSubject("CN=x", "zz"), CertificatePrincipal.None, 0))[0]));
        Assert.Equal(CertificateBindingResult.PrincipalInvalid, BindCode(h.Batch(Bind(Root, good, CertificatePrincipal.None, 0))[0]));
        Assert.Equal(CertificateBindingResult.PrincipalInvalid, BindCode(h.Batch(Bind(Root, good, CertificatePrincipal.Participant, ulong.MaxValue))[0]));
        Assert.Equal(CertificateBindingResult.ParticipantNotFound, BindCode(h.Batch(Bind(Root, good, CertificatePrincipal.Participant, 4242))[0]));
        Assert.Equal(CertificateBindingResult.OperatorUserNotFound, BindCode(h.Batch(Bind(Root, good, CertificatePrincipal.OperatorUser, 4242))[0]));
        Assert.Equal(0, h.Engine.Certificates.Count);
        Assert.Equal(CertificateBindingResult.Ok, BindCode(h.Batch(Bind(Root, good, CertificatePrincipal.OperatorUser, Carl))[0]));
        Assert.Equal(CertificateBindingResult.ActorNotAuthorised, RevokeCode(h.Batch(Revoke(Carl, good))[0]));
        Assert.Equal(CertificateBindingResult.ThumbprintInvalid, RevokeCode(h.Batch(Revoke(Anna, CertificateKey.OfThumbprint("x")))[0]));
    }

    [Fact]
    public void Replay_and_snapshot_reproduce_bindings_and_state_hash_and_older_states_hash_as_before()
    {
        SettlementHarness h = WithUsers();
        string hashWithoutBindings = h.Engine.StateHashHex();
        Assert.Equal(hashWithoutBindings, h.ReplayHash());
        Assert.True(h.Batch(Bind(Anna, CertificateKey.OfThumbprint(ThumbA), CertificatePrincipal.Participant, SettlementHarness.A),
            Bind(Root, CertificateKey.OfSubject(SubjectA, CaThumb), CertificatePrincipal.OperatorUser, Carl)).TrueForAll(r => r.AllOk));
        Assert.True(h.Batch(Revoke(Anna, CertificateKey.OfThumbprint(ThumbB)))[0].AllOk);
        Assert.NotEqual(hashWithoutBindings, h.Engine.StateHashHex());
        Assert.Equal(h.Engine.StateHashHex(), h.ReplayHash());

        var snapshot = new MemoryStream();
        h.Engine.WriteSnapshot(snapshot);
        snapshot.Position = 0;
        CoreEngine restored = CoreEngine.ReadSnapshot(snapshot);
        Assert.Equal(h.Engine.StateHashHex(), restored.StateHashHex());
        Assert.Equal(h.Engine.Certificates.All, restored.Certificates.All);
    }

    private enum Step : byte { BindParticipant, BindUser, BindSubject, RevokeThumb, RevokeSubject }

    [Fact]
    public void Any_sequence_of_binds_and_revokes_replays_to_the_same_state_and_a_revoked_key_never_resolves_active_again()
    {
        string[] thumbs = [ThumbA, ThumbB, new string('e', 64)];
        Gen.Select(Gen.Enum<Step>(), Gen.Int[0, 2], Gen.Int[0, 3], Gen.Int[0, 2]).Array[1, 25].Sample(steps =>
        {
            SettlementHarness h = WithUsers();
            var revoked = new HashSet<string>();
            foreach ((Step step, int thumb, int who, int actor) in steps)
            {
                uint by = actor switch { 0 => Root, 1 => Anna, _ => Carl };
                CertificateKey key = step is Step.BindSubject or Step.RevokeSubject ? CertificateKey.OfSubject("CN=s" + thumb, CaThumb) : CertificateKey.OfThumbprint(thumbs[thumb]);
                byte[] command = step switch
                {
                    Step.BindParticipant or Step.BindSubject => Bind(by, key, CertificatePrincipal.Participant, who == 3 ? 4242 : SettlementHarness.A + (ulong)who),
                    Step.BindUser => Bind(by, key, CertificatePrincipal.OperatorUser, who == 3 ? 4242u : Anna),
                    _ => Revoke(by, key),
                };
                CommandReply reply = h.Batch(command)[0];
                if (step is Step.RevokeThumb or Step.RevokeSubject && reply.AllOk) revoked.Add(key.Text);
            }
            foreach (string key in revoked)
                Assert.Contains(h.Engine.Certificates.All, b => b.Key.Text == key && b.Status == CertificateBindingStatus.Revoked);
            Assert.Equal(h.Engine.StateHashHex(), h.ReplayHash());
            var snapshot = new MemoryStream();
            h.Engine.WriteSnapshot(snapshot);
            snapshot.Position = 0;
            Assert.Equal(h.Engine.StateHashHex(), CoreEngine.ReadSnapshot(snapshot).StateHashHex());
        }, iter: 60);
    }
}
