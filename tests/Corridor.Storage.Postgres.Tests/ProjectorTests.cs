using Corridor.Core.Settlement;
using Corridor.Storage.Journal;
using Corridor.Storage.ReadModel;

namespace Corridor.Storage.Postgres.Tests;

/// <summary>The projector keeps SQLite and PostgreSQL read models equal to the engine, across crashes and restarts.</summary>
public sealed class ProjectorTests(PostgresFixture pg)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Stores => new() { "sqlite", "postgres" };

    private IReadModel OpenModel(string store, string location) =>
        store == "sqlite" ? SqliteReadModel.Open(location) : PostgresReadModel.Open(location);

    private string NewLocation(string store, TempDirectory dir) =>
        store == "sqlite" ? dir.File("readmodel.db") : pg.CreateDatabase();

    [Theory]
    [MemberData(nameof(Stores))]
    public void Projection_of_a_payment_day_equals_the_engine(string store)
    {
        using var dir = new TempDirectory();
        Workload w = new Workload(seed: 1).Build(paymentBatches: 20);
        using var journal = PostgresJournal.Open(pg.CreateDatabase());
        w.AppendTo(journal);
        using IReadModel model = OpenModel(store, NewLocation(store, dir));
        var projector = new Projector(journal, model);
        Assert.Equal(journal.LastSequence, projector.Lag);
        Assert.Equal(w.Batches.Count, projector.CatchUp(cancel: Ct));
        Assert.Equal(0, projector.Lag);
        Workload.AssertConsistent(w.Reference, model);
        Assert.True(w.Reference.Settlement.StatementCount >= 8, "two end-of-day closes produce statements");
        Assert.Equal(Workload.PvpPayments + 1, w.Reference.Exchange.PaymentCount); // and one at the best quote
        for (int i = 0; i < Workload.PvpPayments; i++)
        {
            PaymentRow pvp = model.FindPayment(Workload.PvpLockId(i))!;
            Assert.Equal((Workload.PvpPaymentId(i), "Settled", Workload.Usd, Workload.Kes, 100_00L * (i + 1)),
                (pvp.PaymentId, pvp.Status, pvp.Ledger, pvp.DestinationLedger, pvp.AmountMinor));
            Assert.Equal([Workload.PvpPaymentId(i)], model.FindPaymentsByTradeReference($"INV-{i}", 10).Select(p => p.PaymentId));
            Assert.Equal([Workload.PvpPaymentId(i)], model.FindPaymentsByTradeReference($"LC/{i}", 10).Select(p => p.PaymentId));
            Assert.Equal("Thames Tea Importers Ltd", pvp.OriginatorName);
        }
        Assert.Equal(0, projector.CatchUp(cancel: Ct));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void A_cross_currency_payment_is_recorded_for_payer_and_payee_with_its_ids_and_booked_once_on_the_payee_account(string store)
    {
        using var dir = new TempDirectory();
        Workload w = new Workload(seed: 5).Build(paymentBatches: 2);
        using var journal = FileJournal.Open(dir.File("journal"));
        w.AppendTo(journal);
        using IReadModel model = OpenModel(store, NewLocation(store, dir));
        new Projector(journal, model).CatchUp(cancel: Ct);

        PaymentRow pvp = model.FindPayment(Workload.BestQuotePaymentId)!;
        Assert.Equal(("Settled", Workload.PvpPayer, Workload.PvpPayee, 129_35_00L), (pvp.Status, pvp.Payer, pvp.Payee, pvp.DestinationAmountMinor));
        Assert.Equal(("MSG-2026-0001", "INS-0001", "E2E-TEA-0001", "TX-0001", "3f2b8c1e-4d5a-4b6c-9e7f-8a9b0c1d2e3f"),
            (pvp.MsgId, pvp.InstrId, pvp.EndToEndId, pvp.TxId, pvp.Uetr));
        Assert.Equal([Workload.BestQuotePaymentId], ((SqlReadModel)model).FindPaymentsBy(PaymentReference.EndToEndId, "E2E-TEA-0001", 10).Select(p => p.PaymentId));
        Assert.Equal([Workload.BestQuotePaymentId], ((SqlReadModel)model).FindPaymentsBy(PaymentReference.Uetr, "3f2b8c1e-4d5a-4b6c-9e7f-8a9b0c1d2e3f", 10).Select(p => p.PaymentId));

        // The payee's account: a reservation and its post per PvP payment in the ledger, one booking (the post) each.
        UInt128 payeeAccount = 70_022;
        TransferPage ledger = model.GetAccountTransfers(payeeAccount, 0, ulong.MaxValue, 0, 100);
        Assert.Equal(2 * (Workload.PvpPayments + 1), ledger.Transfers.Count);
        BookingPage booked = model.GetAccountBookings(payeeAccount, 0, ulong.MaxValue, 0, 100);
        Assert.Equal(Workload.PvpPayments + 1, booked.Bookings.Count);
        Booking last = booked.Bookings[^1];
        Assert.Equal((129_35_00L, Workload.BestQuotePaymentId, "E2E-TEA-0001"), (last.Transfer.AmountMinor, last.Payment!.PaymentId, last.Payment.EndToEndId));
        Assert.All(booked.Bookings, b => Assert.Equal(0, b.Transfer.Flags & (ushort)(Core.Ledger.TransferFlags.Pending | Core.Ledger.TransferFlags.VoidPendingTransfer)));
        Workload.AssertBookings(w.Reference, model, payeeAccount);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void A_projector_killed_mid_way_resumes_exactly_once(string store)
    {
        using var dir = new TempDirectory();
        string location = NewLocation(store, dir);
        Workload w = new Workload(seed: 2).Build(paymentBatches: 15);
        using var journal = FileJournal.Open(dir.File("journal"));
        w.AppendTo(journal, upToSequence: 30);

        // First run: stops after 9 batches (disposed mid-stream, as when its process is killed between batches).
        using (IReadModel model = OpenModel(store, location))
        {
            var projector = new Projector(journal, model);
            Assert.Equal(9, projector.CatchUp(maxBatches: 9, cancel: Ct));
            Assert.Equal(21, projector.Lag);
        }
        // Second run: crashes inside batch 17, before its transaction commits.
        using (var model = new FailingReadModel(OpenModel(store, location), failOnWrite: 8))
        {
            var projector = new Projector(journal, model);
            Assert.Equal(9, projector.ProjectedSequence);
            Assert.Throws<IOException>(() => projector.CatchUp(cancel: Ct));
            Assert.Equal(16, model.ProjectedSequence);
        }
        // The journal grows meanwhile; a third run resumes after batch 16 and catches up with all of it.
        w.AppendTo(journal);
        using (IReadModel model = OpenModel(store, location))
        {
            var projector = new Projector(journal, model);
            Assert.Equal(16, projector.ProjectedSequence);
            Assert.Equal(w.Batches.Count - 16, projector.CatchUp(cancel: Ct));
            Workload.AssertConsistent(w.Reference, model);
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void Two_projectors_on_one_read_model_cannot_both_write_a_batch(string store)
    {
        using var dir = new TempDirectory();
        string location = NewLocation(store, dir);
        Workload w = new Workload(seed: 3).Build(paymentBatches: 3);
        using var journal = FileJournal.Open(dir.File("journal"));
        w.AppendTo(journal);
        using IReadModel first = OpenModel(store, location);
        using IReadModel second = OpenModel(store, location);
        var a = new Projector(journal, first);
        var b = new Projector(journal, second);
        Assert.Equal(5, a.CatchUp(maxBatches: 5, cancel: Ct));
        Assert.Throws<InvalidOperationException>(() => b.CatchUp(maxBatches: 1, cancel: Ct));
        Assert.Equal(5, first.ProjectedSequence);
    }

    [Fact]
    public void A_restarted_projector_starts_its_replica_from_the_nodes_snapshot()
    {
        using var dir = new TempDirectory();
        Workload w = new Workload(seed: 5).Build(paymentBatches: 10);
        using var journal = FileJournal.Open(dir.File("journal"));
        w.AppendTo(journal);
        var snapshots = new SnapshotStore(dir.File("snapshots"));
        var atTwenty = new Corridor.Core.Engine.Engine();
        foreach ((long s, ulong t, byte[] body) in w.Batches.Take(20)) atTwenty.Apply(s, t, body, null);
        snapshots.Write(20, atTwenty.WriteSnapshot);

        using var model = SqliteReadModel.Open(dir.File("readmodel.db"));
        Assert.Equal(15, new Projector(journal, model, snapshots).CatchUp(maxBatches: 15, cancel: Ct)); // snapshot past position: unused
        var early = new Projector(journal, model, snapshots);
        Assert.Equal(0, early.StartedFromSnapshot);
        Assert.Equal(10, early.CatchUp(maxBatches: 10, cancel: Ct));
        var restarted = new Projector(journal, model, snapshots);
        Assert.Equal(20, restarted.StartedFromSnapshot);
        Assert.Equal(25, restarted.ProjectedSequence);
        restarted.CatchUp(cancel: Ct);
        Workload.AssertConsistent(w.Reference, model);
    }

    [Fact]
    public void Queries_page_transfers_by_time_and_find_payments_by_any_id()
    {
        using var dir = new TempDirectory();
        Workload w = new Workload(seed: 4).Build(paymentBatches: 10);
        using var journal = FileJournal.Open(dir.File("journal"));
        w.AppendTo(journal);
        using var model = SqliteReadModel.Open(dir.File("readmodel.db"));
        new Projector(journal, model).CatchUp(cancel: Ct);

        UInt128 account = 10_003;
        var all = w.Reference.Ledger.GetAccountTransfers(account, 0, int.MaxValue);
        Assert.True(all.Count > 10);
        ulong from = all[3].Timestamp, to = all[9].Timestamp;
        TransferPage page = model.GetAccountTransfers(account, from, to, 0, 4);
        Assert.Equal(all.Skip(3).Take(4).Select(t => t.Id), page.Transfers.Select(t => t.Id));
        Assert.NotNull(page.NextAfterTimestampNs);
        TransferPage rest = model.GetAccountTransfers(account, from, to, page.NextAfterTimestampNs!.Value, 4);
        Assert.Equal(all.Skip(7).Take(2).Select(t => t.Id), rest.Transfers.Select(t => t.Id));
        Assert.Null(rest.NextAfterTimestampNs);

        PaymentInfo queuedThenSettled = Enumerable.Range(0, w.Reference.Settlement.PaymentCount)
            .Select(w.Reference.Settlement.GetPaymentAt).First(p => p.Status == PaymentStatus.Settled);
        Assert.Equal("Settled", model.FindPayment(queuedThenSettled.Id)!.Status);
        Assert.Null(model.FindPayment(987_654_321));
        Assert.Null(model.GetStatement(account, 20260102)); // plain ledger accounts get no statement
        Assert.NotNull(model.GetStatement(Workload.SettlementAccountOf(11), 20260102));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public void A_held_PvP_payment_is_projected_held_and_again_once_released(string store)
    {
        using var dir = new TempDirectory();
        Workload w = new Workload(seed: 3).Build(paymentBatches: 2).AddHeldPvpPayment();
        Assert.True(w.Reference.Exchange.TryGetPayment(Workload.HeldPvpPaymentId, out Corridor.Core.Exchange.PaymentRecord payment));
        Assert.Equal(Corridor.Core.Exchange.PayResult.HeldForCompliance, payment.Result);
        long held = w.Batches.Count;
        w.ReleaseHeldPvpPayment();
        Assert.Equal(Corridor.Core.Exchange.PaymentStatus.Settled, w.Reference.Exchange.StatusAt(w.Reference.Exchange.PaymentCount - 1)); // the last payment added
        using var journal = PostgresJournal.Open(pg.CreateDatabase());
        w.AppendTo(journal, upToSequence: held);
        using IReadModel model = OpenModel(store, NewLocation(store, dir));
        var projector = new Projector(journal, model);
        projector.CatchUp(cancel: Ct);
        Assert.Equal("Held", model.FindPayment(Workload.HeldPvpPaymentId)!.Status);

        w.AppendTo(journal);
        projector.CatchUp(cancel: Ct);
        Assert.Equal("Settled", model.FindPayment(Workload.HeldPvpPaymentId)!.Status);
        Workload.AssertConsistent(w.Reference, model);
    }
}
