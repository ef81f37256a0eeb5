using CsCheck;
using Corridor.Storage.ReadModel;

namespace Corridor.Storage.Tests;

/// <summary>
/// The SQLite read model writes payment rows through SQLite's C API, binding by parameter number. Every field written must read
/// back as it went in: strings in any script, optional references and ids as NULL when absent, and an upsert changes only what a
/// payment's later state may change.
/// </summary>
public sealed class SqlitePaymentRowTests
{
    private static readonly Gen<string> Text = Gen.String[Gen.Char['\u0020', '\uD7FF'], 0, 40];
    private static readonly Gen<string?> OptionalText = Gen.Frequency((1, Gen.Const((string?)null)), (3, Gen.String[Gen.Char['\u0020', '\uD7FF'], 1, 40].Select(s => (string?)s)));
    private static readonly Gen<UInt128> OptionalId = Gen.Frequency((1, Gen.Const(UInt128.Zero)), (3, Gen.Select(Gen.ULong, Gen.ULong, (hi, lo) => new UInt128(hi, lo))));
    private static readonly Gen<ulong> Positive = Gen.ULong[0, long.MaxValue];

    private static readonly Gen<PaymentRow> Row =
        Gen.Select(
            Gen.Select(Text, Text, Text, Positive, Positive, Gen.UInt, Gen.Long, Gen.UInt),
            Gen.Select(Gen.Long, OptionalId, OptionalId, OptionalId, Text, Text, Text, Text),
            Gen.Select(Text, Positive, Positive, Gen.UInt, Text, Text, Positive, Positive),
            Gen.Select(Positive, OptionalText, OptionalText, OptionalText, OptionalText, OptionalText),
            Gen.Select(OptionalText, OptionalText, OptionalText, OptionalText),
            (a, b, c, d, e) => new PaymentRow(0, a.Item1, a.Item2, a.Item3, a.Item4, a.Item5, a.Item6, a.Item7, a.Item8,
                b.Item1, b.Item2, b.Item3, b.Item4, b.Item5, b.Item6, b.Item7, b.Item8,
                c.Item1, c.Item2, c.Item3, c.Item4, c.Item5, c.Item6, c.Item7, c.Item8,
                d.Item1, d.Item2, d.Item3, d.Item4, d.Item5, d.Item6,
                e.Item1, e.Item2, e.Item3, e.Item4));

    [Fact]
    public void Every_field_of_a_payment_row_reads_back_as_written_and_an_upsert_changes_only_its_state()
    {
        Check.Sample(Gen.Select(Row.List[1, 20], Text, Text, OptionalId, Positive, Gen.UInt), t =>
        {
            (List<PaymentRow> rows, string status, string reason, UInt128 leg, ulong finalNs, uint date) = t;
            string dir = Path.Combine(Path.GetTempPath(), "corridor-paymentrow-" + Guid.NewGuid().ToString("N"));
            try
            {
                using SqliteReadModel model = SqliteReadModel.Open(Path.Combine(dir, "readmodel.db"));
                // Distinct payment ids that no lock or leg id of another row can shadow in FindPayment (payment id is looked up first).
                List<PaymentRow> written = rows.Select((r, i) => r with { PaymentId = (UInt128)(i + 1) << 100 }).ToList();
                var first = new ReadModelBatch { Sequence = 1 };
                first.Payments.AddRange(written);
                model.Write(first);
                foreach (PaymentRow r in written) Assert.Equal(r, model.FindPayment(r.PaymentId));

                // The later state of the first payment: status, reason, legs, final time, business date and priority change; the rest stays.
                PaymentRow later = written[0] with
                {
                    Status = status, Reason = reason, SourceLegTransferId = leg, DestinationLegTransferId = leg, FinalAtNs = finalNs, BusinessDate = date,
                    Priority = status, InvoiceNumber = "changed", OriginatorName = "changed", MsgId = "changed",
                };
                var second = new ReadModelBatch { Sequence = 2 };
                second.Payments.Add(later);
                model.Write(second);
                Assert.Equal(written[0] with
                {
                    Status = status, Reason = reason, SourceLegTransferId = leg, DestinationLegTransferId = leg, FinalAtNs = finalNs, BusinessDate = date,
                    Priority = status,
                }, model.FindPayment(written[0].PaymentId));
            }
            finally
            {
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            }
        }, iter: 60);
    }
}
