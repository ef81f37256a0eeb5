using CsCheck;
using Corridor.Core.Exchange;
using static Corridor.Core.Tests.Exchange.ExchangeFixture;

namespace Corridor.Core.Tests.Exchange;

/// <summary>
/// PvP payments found by their invoice number (the first and last payment of each number, the rest chained through the records): every payment
/// carrying a number, oldest first, and no other — as recorded and after a snapshot restore.
/// </summary>
public sealed class InvoiceIndexTests
{
    private static readonly string[] Invoices = ["INV-1", "INV-2", "Счёт-7", "請求書-42", "INV-" + new string('x', 31), "inv-1"];

    [Fact]
    public void Payments_are_found_by_their_invoice_number_oldest_first_and_after_a_restore() =>
        Gen.Int[0, Invoices.Length - 1].Array[1, 25].Sample(picks =>
        {
            var f = new ExchangeFixture();
            Assert.Equal(QuoteResult.Ok, f.Publish(f.Quote(1)));
            var expected = Invoices.ToDictionary(i => i, _ => new List<UInt128>());
            for (int k = 0; k < picks.Length; k++)
            {
                Assert.Equal(LockResult.Ok, f.Lock(f.LockRequest((UInt128)(100 + k), 1, 100_00)));
                string invoice = Invoices[picks[k]];
                Assert.Equal(PayResult.Ok, f.Pay(Payment((UInt128)(500 + k), (UInt128)(100 + k), invoice: invoice)));
                expected[invoice].Add((UInt128)(500 + k));
            }
            var stream = new MemoryStream();
            f.Engine.WriteSnapshot(stream);
            stream.Position = 0;
            Engine.Engine restored = Engine.Engine.ReadSnapshot(stream);
            foreach (var (invoice, ids) in expected)
            {
                Assert.Equal(ids, f.X.FindPaymentsByInvoice(invoice).Select(p => p.PaymentId));
                Assert.Equal(ids, restored.Exchange.FindPaymentsByInvoice(invoice).Select(p => p.PaymentId));
            }
        }, iter: 40);

    [Fact]
    public void A_number_no_payment_can_carry_finds_nothing()
    {
        var f = new ExchangeFixture();
        f.Publish(f.Quote(1));
        f.Lock(f.LockRequest(100, 1, 100_00));
        Assert.Equal(PayResult.Ok, f.Pay(Payment(500, 100, invoice: "INV-1")));
        Assert.Empty(f.X.FindPaymentsByInvoice(""));
        Assert.Empty(f.X.FindPaymentsByInvoice("INV-1\uD800")); // a lone surrogate: no payment can carry it (strict UTF-8)
        Assert.Empty(f.X.FindPaymentsByInvoice(new string('I', TradeReference.MaxInvoiceNumber + 1)));
        Assert.Single(f.X.FindPaymentsByInvoice("INV-1"));
    }
}
