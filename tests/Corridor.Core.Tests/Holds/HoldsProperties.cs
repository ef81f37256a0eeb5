using CsCheck;
using Corridor.Core.Compliance;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Tests.Exchange;

namespace Corridor.Core.Tests.Holds;

/// <summary>
/// Random payments (listed or unrelated beneficiaries, amounts across rule limits), operator decisions (release,
/// reject, none, repeated), payer drains and jumps of engine time past lock expiry. After every batch: every payment
/// is settled with both legs or has no leg at all, and none has a leg while held. After the script: replay and
/// snapshot restore give the same state hash and the audit chain verifies.
/// </summary>
public class HoldsProperties
{
    private readonly record struct Step(int Kind, int Name, int Amount, int Target);

    private static readonly string[] Names =
        ["Wladimir Putin", "Kericho Highlands Tea Estates Ltd", "Kim Jong-un", "Maria Ivanova", "Банк Россия", "Nairobi Coffee Exporters"];

    private static readonly Gen<Step> GenStep =
        Gen.Select(Gen.Int[0, 7], Gen.Int[0, Names.Length - 1], Gen.Int[50_00, 8_000_00], Gen.Int[0, 100])
           .Select(t => new Step(t.Item1, t.Item2, t.Item3, t.Item4));

    [Fact]
    public void Every_payment_settles_both_legs_or_none_and_never_while_held()
    {
        var seen = new int[Outcomes.Length];
        GenStep.Array[1, 30].Sample(steps => Run(steps, seen), iter: 100);
        // The scripts must reach every state the property is about, not only the happy path.
        for (int i = 0; i < Outcomes.Length; i++) Assert.True(seen[i] > 0, $"no script produced {Outcomes[i]}");
    }

    private static readonly string[] Outcomes =
        ["passed", "rule rejected", "still held", "released and settled", "released but failed", "rejected by operator"];

    private static void Run(Step[] steps, int[] seen)
    {
        var f = new ExchangeFixture(payerUsd: 20_000_00);
        f.LoadList();
        f.SetRule(HoldsHarness.Limit("usd", "USD", holdAbove: 3_000_00, rejectAbove: 6_000_00));
        var payments = new List<UInt128>();
        foreach (Step s in steps)
        {
            switch (s.Kind)
            {
                case 0 or 1 or 2: // lock and pay
                    payments.Add(f.LockAndPay(Names[s.Name], s.Amount, lockSeconds: (uint)(1 + s.Target % 20)).PaymentId);
                    break;
                case 3 when payments.Count > 0:
                    f.ReleaseHold(payments[s.Target % payments.Count]);
                    break;
                case 4 when payments.Count > 0:
                    f.RejectHold(payments[s.Target % payments.Count]);
                    break;
                case 5: // engine time moves on: some held locks expire
                    f.Now += (ulong)(1 + s.Target % 15) * ExchangeFixture.Second;
                    break;
                case 6 when f.Get(11).AvailableMinor > 0: // the payer spends money elsewhere
                    f.Fund(11, 1840, Math.Min(s.Amount, f.Get(11).AvailableMinor), ExchangeFixture.Usd);
                    break;
                case 7 when payments.Count > 0: // both decisions in one batch
                {
                    var id = payments[s.Target % payments.Count];
                    byte[] body =
                    [
                        .. ExchangeCommands.Encode(Operation.ReleaseHold, new HoldDecision(id, HoldsHarness.Officer, "ok")),
                        .. ExchangeCommands.Encode(Operation.RejectHold, new HoldDecision(id, HoldsHarness.Officer2, "no")),
                    ];
                    f.Apply(body);
                    break;
                }
            }
            f.AssertNoLegAlone();
        }
        foreach (PaymentCompliance c in f.Engine.Compliance.Payments)
        {
            int outcome = c.Status switch
            {
                PaymentComplianceStatus.Passed => 0,
                PaymentComplianceStatus.Rejected => 1,
                PaymentComplianceStatus.Held => 2,
                PaymentComplianceStatus.Released => c.SettlementResult == PayResult.Ok ? 3 : 4,
                _ => 5,
            };
            Interlocked.Increment(ref seen[outcome]);
            Assert.True(f.X.TryGetPayment(c.PaymentId, out PaymentRecord p));
            if (c.Status is PaymentComplianceStatus.Rejected or PaymentComplianceStatus.RejectedByOperator) Assert.Equal(PaymentStatus.Failed, p.Status);
            if (p.Status == PaymentStatus.Settled)
                Assert.True(c.Status is PaymentComplianceStatus.Passed || (c.Status == PaymentComplianceStatus.Released && c.SettlementResult == PayResult.Ok));
        }
        string hash = f.Engine.StateHashHex();
        Assert.Equal(hash, f.ReplayHash());
        Assert.Equal(hash, f.SnapshotHash(out _));
        Assert.Equal(-1, f.Engine.Compliance.VerifyAuditChain());
    }
}
