using CsCheck;
using Corridor.Core.Exchange;
using Corridor.Core.Settlement;
using CoreEngine = Corridor.Core.Engine.Engine;
using static Corridor.Core.Tests.Settlement.SettlementHarness;

namespace Corridor.Core.Tests.Settlement;

/// <summary>
/// A settlement payment's details are kept as the command carried them and decoded when asked for: what is asked for is what
/// was submitted, a resubmission is the same content exactly when its details are equal, and a snapshot keeps them byte for byte.
/// </summary>
public sealed class PaymentDetailsKeptTests
{
    private static readonly string[] Names = ["Jean Martin", "Jeanne Martin", "Zoë Ærøskøbing", "Иван Петров"];

    /// <summary>Details of a few kinds: none at all, parties only, with a trade, with ISO ids, ids or a trade without parties; names with non-ASCII letters.</summary>
    private static PaymentDetails DetailsOf(int variant, int name) => variant switch
    {
        0 => PaymentDetails.None,
        1 => TestParties.CustomerDetails(A, B) with { Beneficiary = TestParties.Person(Names[name], "Paris", "FR", "FR-ACC-" + name) },
        2 => TestParties.CustomerDetails(A, B) with
        {
            Trade = new TradeReference("INV-" + name, 20261101, "", "LC-7", "Tea, black, fermented", "090240", Incoterms.Cif, "Mombasa"),
        },
        3 => TestParties.CustomerDetails(A, B) with
        {
            References = new PaymentReferences("MSG-" + name, "INS-1", "E2E-" + Names[name].Length, "", "3f1c2a4e-8d7b-4c1a-9e2f-5b6a7c8d9e0f"),
        },
        // No parties: what the engine judges is nothing, but the ids or the trade are kept (the payment is not one without details).
        4 => new PaymentDetails(null, null, null, new PaymentReferences("MSG-" + name, Uetr: "3f1c2a4e-8d7b-4c1a-9e2f-5b6a7c8d9e0f")),
        _ => new PaymentDetails(null, null, new TradeReference("INV-" + name, 20261101, "", "", "Tea", "090240", Incoterms.Cif, Names[name]), PaymentReferences.None),
    };

    [Fact]
    public void Details_read_back_as_submitted_resubmissions_compare_by_content_and_a_snapshot_keeps_them() =>
        Gen.Select(Gen.Int[1, 8], Gen.Int[0, 5], Gen.Int[0, 3]).Array[1, 30].Sample(steps =>
        {
            SettlementHarness h = Standard();
            h.Fund(A, 1_000_000);
            var first = new Dictionary<int, PaymentDetails>();
            foreach (var (id, variant, name) in steps)
            {
                PaymentDetails details = DetailsOf(variant, name);
                var payment = Payment((UInt128)id, A, B, 10, kind: PaymentKind.Interbank);
                SettlementResult code = CodeOf(h.Batch(SubmitPaymentWithDetails.EncodeCommand(new SubmitPaymentWithDetails(payment, details)))[0]);
                if (!first.TryGetValue(id, out PaymentDetails? kept))
                {
                    Assert.Equal(SettlementResult.Ok, code);
                    first.Add(id, details);
                }
                else Assert.Equal(kept == details ? SettlementResult.Ok : SettlementResult.PaymentExistsWithDifferentContent, code);
            }
            var stream = new MemoryStream();
            h.Engine.WriteSnapshot(stream);
            CoreEngine restored = CoreEngine.ReadSnapshot(new MemoryStream(stream.ToArray()));
            Assert.Equal(h.Engine.StateHashHex(), restored.StateHashHex());
            Assert.Equal(h.ReplayHash(), h.Engine.StateHashHex());
            foreach (var (id, details) in first)
            {
                PaymentDetails? expected = details == PaymentDetails.None ? null : details; // operation 116 without any detail is 108
                Assert.Equal(expected, h.Engine.Settlement.GetPayment((UInt128)id)!.Details);
                Assert.Equal(expected, restored.Settlement.GetPayment((UInt128)id)!.Details);
            }
            // The restored engine answers a resubmission as the original does.
            var again = new List<Corridor.Core.Engine.CommandReply>();
            long sequence = h.Sequence;
            foreach (var (id, details) in first)
            {
                byte[] same = SubmitPaymentWithDetails.EncodeCommand(new SubmitPaymentWithDetails(Payment((UInt128)id, A, B, 10, kind: PaymentKind.Interbank), details));
                again.Clear();
                sequence++;
                restored.Apply(sequence, h.Time + StepNs * (ulong)(sequence - h.Sequence), same, again);
                Assert.Equal(SettlementResult.Ok, CodeOf(again[0]));
            }
        }, iter: 60);

    [Fact]
    public void A_return_keeps_the_original_parties_swapped_and_its_resubmission_is_the_same_content()
    {
        SettlementHarness h = Standard();
        h.Fund(A, 1_000);
        PaymentDetails details = DetailsOf(3, 2);
        Assert.True(h.Batch(SubmitPaymentWithDetails.EncodeCommand(new SubmitPaymentWithDetails(Payment(1, A, B, 100), details)))[0].AllOk);
        var back = new SubmitReturn(2, 1, B, Eur, 40);
        Assert.Equal(SettlementResult.Ok, h.Code(back));
        Assert.Equal(SettlementResult.Ok, h.Code(back)); // the same return again: answered from its record
        PaymentDetails? kept = h.Engine.Settlement.GetPayment(2)!.Details;
        Assert.Equal(new PaymentDetails(details.Beneficiary, details.Originator, null, details.References), kept);
        var stream = new MemoryStream();
        h.Engine.WriteSnapshot(stream);
        Assert.Equal(kept, CoreEngine.ReadSnapshot(new MemoryStream(stream.ToArray())).Settlement.GetPayment(2)!.Details);
    }
}
