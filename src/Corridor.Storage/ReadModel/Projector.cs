using Corridor.Core.Engine;
using Corridor.Core.Federation;
using Corridor.Core.Ledger;
using Corridor.Core.Settlement;
using Corridor.Storage.Journal;
using ExchangePayment = Corridor.Core.Exchange.PaymentRecord;
using ExchangeState = Corridor.Core.Exchange.ExchangeState;
using ExchangeStatus = Corridor.Core.Exchange.PaymentStatus;
using SettlementStatus = Corridor.Core.Settlement.PaymentStatus;

namespace Corridor.Storage.ReadModel;

/// <summary>
/// Feeds an <see cref="IReadModel"/> from committed journal batches. It replays every batch into an engine
/// replica of its own (the engine is deterministic, so the replica's state is the node's state at that
/// batch) and writes what the batch changed — new transfers, changed balances, new and changed payments,
/// new statements — together with the batch's sequence in one transaction: each batch is projected exactly
/// once, and a projector killed mid-way resumes after the last batch it committed. Not thread-safe: one
/// thread calls <see cref="CatchUp"/>; <see cref="Lag"/> may be read from any thread.
/// </summary>
public sealed class Projector
{
    private readonly IJournal _journal;
    private readonly IReadModel _model;
    private readonly Engine _replica;
    private readonly ReadModelBatch _batch = new();
    private readonly List<BatchRow> _applied = new(); // batches applied to the replica since the last write
    private readonly ProjectorOptions _options;
    private long _rowsProjected;
    private long _writeTicks;

    /// <summary>Time spent writing to the read model (the rest of a catch-up is reading the journal and applying it to the replica).</summary>
    public TimeSpan WriteTime => System.Diagnostics.Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _writeTicks));

    // What the read model holds, to write only what a batch changed.
    private readonly List<AccountImage> _accounts = new();
    private readonly Dictionary<int, SettlementStatus> _openPayments = new(); // settlement payments not yet final, by index
    private readonly List<(int Index, ExchangeStatus Status)> _openPvpPayments = new(); // PvP payments held or queued (a decision or RTGS changes them), by position
    private int _transfersWritten;
    private int _settlementPaymentsWritten;
    private int _exchangePaymentsWritten;
    private readonly List<(int Index, CrossNodeStatus Status)> _openCrossNode = new(); // cross-node payments held or prepared, by position
    private int _crossNodeWritten;
    private int _statementsWritten;
    private long _projected;

    /// <summary>
    /// Rebuilds the replica up to the read model's stored position (replaying the journal without writing)
    /// and is then ready to <see cref="CatchUp"/>. Throws when the read model is ahead of the journal.
    /// </summary>
    public Projector(IJournal journal, IReadModel model, SnapshotStore? snapshots = null, int accountCapacity = 0, int transferCapacity = 0)
        : this(journal, model, new ProjectorOptions(), snapshots, accountCapacity, transferCapacity)
    {
    }

    /// <summary>As above, with the grouping of batches per write in <paramref name="options"/>.</summary>
    public Projector(IJournal journal, IReadModel model, ProjectorOptions options, SnapshotStore? snapshots = null, int accountCapacity = 0, int transferCapacity = 0)
    {
        _options = options;
        _journal = journal;
        _model = model;
        long position = model.ProjectedSequence;
        if (position > journal.LastSequence)
            throw new JournalCorruptException($"read model is at batch {position} but the journal ends at batch {journal.LastSequence}: it belongs to another journal; rebuild it");
        _replica = StartReplica(snapshots, position, accountCapacity, transferCapacity);
        StartedFromSnapshot = _replica.Sequence;
        if (position > _replica.Sequence)
        {
            foreach (JournalBatch b in journal.Read(_replica.Sequence))
            {
                _replica.Apply(b.Sequence, b.TimestampNs, b.Body, null);
                if (b.Sequence == position) break;
            }
            if (_replica.Sequence != position) throw new JournalCorruptException($"journal ended at batch {_replica.Sequence} before the read model's batch {position}");
        }
        Baseline();
        Volatile.Write(ref _projected, position);
    }

    /// <summary>
    /// The node's newest snapshot when it is not past the read model's position (the replica needs the state
    /// at exactly that batch, then replays the rest); otherwise an empty engine.
    /// </summary>
    private static Engine StartReplica(SnapshotStore? snapshots, long position, int accountCapacity, int transferCapacity)
    {
        if (snapshots is not null && position > 0 && snapshots.TryOpenLatest(out long sequence, out Stream? content))
        {
            using (content)
            {
                if (sequence <= position)
                {
                    Engine engine = Engine.ReadSnapshot(content);
                    if (engine.Sequence != sequence) throw new JournalCorruptException($"snapshot file says batch {sequence} but holds state of batch {engine.Sequence}");
                    return engine;
                }
            }
        }
        return new Engine(accountCapacity, transferCapacity);
    }

    /// <summary>Batch of the snapshot the replica started from (0: replayed from the first batch).</summary>
    public long StartedFromSnapshot { get; }

    /// <summary>Last batch stored in the read model.</summary>
    public long ProjectedSequence => Volatile.Read(ref _projected);

    /// <summary>Batches committed to the journal but not yet in the read model (a metric: journal last − projected).</summary>
    public long Lag => Math.Max(0, _journal.LastSequence - ProjectedSequence);

    /// <summary>The replica's state (read it only from the thread that calls <see cref="CatchUp"/>).</summary>
    public Engine Replica => _replica;

    /// <summary>
    /// Called on the projecting thread after each write committed, with what it wrote (valid only during the call: the
    /// batch is reused). Used to push changes to subscribers (the server's event stream); it must not block.
    /// </summary>
    public Action<ReadModelBatch>? Written { get; set; }

    /// <summary>Rows (accounts, transfers, payments, statements) written since this projector started, for a rows/s metric.</summary>
    public long RowsProjected => Interlocked.Read(ref _rowsProjected);

    /// <summary>
    /// Projects committed batches after the stored position, at most <paramref name="maxBatches"/>; returns how many.
    /// Consecutive batches are merged into one write (one transaction) up to <see cref="ProjectorOptions.MaxBatchesPerWrite"/>
    /// batches or <see cref="ProjectorOptions.MaxTransfersPerWrite"/> new transfers, whichever comes first: the replica
    /// applies them one by one, and what they changed together is collected once (memory is bounded by that group).
    /// </summary>
    public int CatchUp(int maxBatches = int.MaxValue, CancellationToken cancel = default)
    {
        int done = 0;
        if (maxBatches <= 0 || _journal.LastSequence <= ProjectedSequence) return 0;
        int grouped = 0;
        long first = 0;
        foreach (JournalBatch b in _journal.Read(ProjectedSequence))
        {
            if (cancel.IsCancellationRequested)
            {
                // Never leave the replica ahead of the stored position: write what was applied, then stop.
                if (grouped > 0) Flush(first, _replica.Sequence);
                cancel.ThrowIfCancellationRequested();
            }
            _replica.Apply(b.Sequence, b.TimestampNs, b.Body, null);
            _applied.Add(new BatchRow(b.Sequence, b.TimestampNs, b.Hash));
            if (grouped++ == 0) first = b.Sequence;
            done++;
            bool full = grouped >= _options.MaxBatchesPerWrite || _replica.Ledger.TransferCount - _transfersWritten >= _options.MaxTransfersPerWrite;
            if (full || done >= maxBatches || b.Sequence >= _journal.LastSequence)
            {
                Flush(first, b.Sequence);
                grouped = 0;
            }
            if (done >= maxBatches) break;
        }
        if (grouped > 0) Flush(first, _replica.Sequence);
        return done;
    }

    private void Flush(long first, long last)
    {
        _batch.Clear();
        _batch.FirstSequence = first;
        _batch.Sequence = last;
        _batch.Batches.AddRange(_applied);
        _applied.Clear();
        Collect(_batch);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        _model.Write(_batch);
        Interlocked.Add(ref _writeTicks, System.Diagnostics.Stopwatch.GetTimestamp() - start);
        Interlocked.Add(ref _rowsProjected, _batch.Accounts.Count + _batch.Transfers.Count + _batch.Payments.Count + _batch.Statements.Count);
        Volatile.Write(ref _projected, last);
        Written?.Invoke(_batch);
    }

    /// <summary>After a rebuild to the stored position: everything up to now is already in the read model.</summary>
    private void Baseline()
    {
        LedgerState ledger = _replica.Ledger;
        _accounts.Clear();
        for (int i = 0; i < ledger.AccountCount; i++) _accounts.Add(AccountImage.Of(in ledger.GetAccountAt(i)));
        _transfersWritten = ledger.TransferCount;
        SettlementState settlement = _replica.Settlement;
        _openPayments.Clear();
        for (int i = 0; i < settlement.PaymentCount; i++)
        {
            PaymentInfo p = settlement.GetPaymentAt(i);
            if (!IsFinal(p.Status) && !p.IsPvpLeg) _openPayments[i] = p.Status;
        }
        _settlementPaymentsWritten = settlement.PaymentCount;
        _exchangePaymentsWritten = _replica.Exchange.PaymentCount;
        _openPvpPayments.Clear();
        ExchangeState exchange = _replica.Exchange;
        for (int i = 0; i < exchange.PaymentCount; i++) if (exchange.StatusAt(i) is var s && IsOpen(s)) _openPvpPayments.Add((i, s));
        _crossNodeWritten = _replica.Federation.Payments.Count;
        _openCrossNode.Clear();
        IReadOnlyList<CrossNodePayment> crossNode = _replica.Federation.Payments;
        for (int i = 0; i < crossNode.Count; i++) if (IsOpen(crossNode[i].Status)) _openCrossNode.Add((i, crossNode[i].Status));
        _statementsWritten = settlement.StatementCount;
    }

    private void Collect(ReadModelBatch batch)
    {
        LedgerState ledger = _replica.Ledger;
        for (int i = 0; i < ledger.AccountCount; i++)
        {
            ref readonly Account a = ref ledger.GetAccountAt(i);
            var image = AccountImage.Of(in a);
            if (i < _accounts.Count && _accounts[i] == image) continue;
            if (i < _accounts.Count) _accounts[i] = image;
            else _accounts.Add(image);
            batch.Accounts.Add(new AccountRow(a.Id, a.Ledger, a.Participant, a.Code, (ushort)a.Flags,
                a.DebitsPending, a.DebitsPosted, a.CreditsPending, a.CreditsPosted, a.Timestamp));
        }
        for (int i = _transfersWritten; i < ledger.TransferCount; i++)
        {
            ref readonly Transfer t = ref ledger.GetTransferAt(i);
            batch.Transfers.Add(new TransferRow(t.Id, t.DebitAccountId, t.CreditAccountId, t.Amount, t.PendingId, t.Ledger, t.Code, (ushort)t.Flags, t.Timestamp,
                t.UserData128, t.UserData64, t.UserData32, t.TimeoutSeconds));
        }
        _transfersWritten = ledger.TransferCount;

        SettlementState settlement = _replica.Settlement;
        List<int>? settled = null;
        foreach ((int index, SettlementStatus status) in _openPayments)
        {
            PaymentInfo p = settlement.GetPaymentAt(index);
            if (p.Status == status) continue;
            batch.Payments.Add(Row(p));
            (settled ??= new()).Add(index);
        }
        if (settled is not null)
            foreach (int index in settled)
            {
                SettlementStatus now = settlement.GetPaymentAt(index).Status;
                if (IsFinal(now)) _openPayments.Remove(index);
                else _openPayments[index] = now;
            }
        for (int i = _settlementPaymentsWritten; i < settlement.PaymentCount; i++)
        {
            PaymentInfo p = settlement.GetPaymentAt(i);
            if (p.IsPvpLeg) continue; // the PvP payment (exchange) is the record; its leg is only its place in the queue
            batch.Payments.Add(Row(p));
            if (!IsFinal(p.Status)) _openPayments[i] = p.Status;
        }
        _settlementPaymentsWritten = settlement.PaymentCount;

        ExchangeState exchange = _replica.Exchange;
        IReadOnlyList<ExchangePayment> pvp = exchange.Payments;
        // A held PvP payment is settled or rejected later by the compliance officer, a queued one when RTGS settles or
        // rejects its payer leg: write it again when it changes (its status read first: a record is built only to write it).
        for (int k = _openPvpPayments.Count - 1; k >= 0; k--)
        {
            if (exchange.StatusAt(_openPvpPayments[k].Index) == _openPvpPayments[k].Status) continue;
            ExchangePayment open = pvp[_openPvpPayments[k].Index];
            batch.Payments.Add(Row(open));
            if (IsOpen(open.Status)) _openPvpPayments[k] = (_openPvpPayments[k].Index, open.Status);
            else _openPvpPayments.RemoveAt(k);
        }
        for (int i = _exchangePaymentsWritten; i < pvp.Count; i++)
        {
            ExchangePayment payment = pvp[i];
            batch.Payments.Add(Row(payment));
            if (IsOpen(payment.Status)) _openPvpPayments.Add((i, payment.Status));
        }
        _exchangePaymentsWritten = pvp.Count;

        // A cross-node payment held for compliance or prepared (waiting for the peer) changes when the officer or the peer decides.
        IReadOnlyList<CrossNodePayment> crossNode = _replica.Federation.Payments;
        for (int k = _openCrossNode.Count - 1; k >= 0; k--)
        {
            CrossNodePayment open = crossNode[_openCrossNode[k].Index];
            if (open.Status == _openCrossNode[k].Status) continue;
            batch.Payments.Add(Row(open));
            if (IsOpen(open.Status)) _openCrossNode[k] = (_openCrossNode[k].Index, open.Status);
            else _openCrossNode.RemoveAt(k);
        }
        for (int i = _crossNodeWritten; i < crossNode.Count; i++)
        {
            if (crossNode[i].Tombstone) continue; // a UETR never received, refused on a status question: no payment to show
            batch.Payments.Add(Row(crossNode[i]));
            if (IsOpen(crossNode[i].Status)) _openCrossNode.Add((i, crossNode[i].Status));
        }
        _crossNodeWritten = crossNode.Count;

        for (int i = _statementsWritten; i < settlement.StatementCount; i++) batch.Statements.Add(settlement.GetStatementAt(i));
        _statementsWritten = settlement.StatementCount;
    }

    private static bool IsOpen(ExchangeStatus status) => status is ExchangeStatus.Held or ExchangeStatus.Queued;

    private static bool IsOpen(CrossNodeStatus status) => status is CrossNodeStatus.Held or CrossNodeStatus.Prepared;

    private static bool IsFinal(SettlementStatus status) => status is SettlementStatus.Settled or SettlementStatus.Rejected or SettlementStatus.Revoked;

    private PaymentRow Row(PaymentInfo p)
    {
        // Party names, trade references and ISO 20022 ids come with the payment when it was submitted with details (op 116).
        PaymentDetails? d = p.Details;
        PaymentReferences r = d?.References ?? PaymentReferences.None;
        SettlementState s = _replica.Settlement;
        return new(p.Id, PaymentKinds.Settlement, p.Status.ToString(), p.Reason.ToString(), p.Payer, p.Payee, p.Ledger, p.AmountMinor, p.Ledger, p.AmountMinor,
            0, 0, 0, d?.Trade?.InvoiceNumber ?? "", d?.Trade?.LetterOfCreditReference ?? "", d?.Trade?.ContractReference ?? "",
            d?.Originator?.Name ?? "", d?.Beneficiary?.Name ?? "", p.SubmittedAtNs, p.FinalAtNs, p.BusinessDate,
            p.Priority.ToString(), p.Kind.ToString(), p.EarliestNs, p.LatestNs, p.WindowId,
            NullIfEmpty(r.MessageId), NullIfEmpty(r.InstructionId), NullIfEmpty(r.EndToEndId), NullIfEmpty(r.TransactionId), NullIfEmpty(r.Uetr?.ToLowerInvariant()),
            NullIfEmpty(d?.Originator?.Account), NullIfEmpty(d?.Beneficiary?.Account), NullIfEmpty(s.GetParticipantBic(p.Payer)), NullIfEmpty(s.GetParticipantBic(p.Payee)));
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    /// <summary>
    /// A PvP payment as the same record as a settlement payment: the payee is the owner of the account the lock pays
    /// (so the payee bank sees it), the ids are those of the pacs.008 that instructed it (PayAtBestQuote).
    /// </summary>
    private PaymentRow Row(ExchangePayment p)
    {
        var request = p.Request;
        uint sourceLedger = 0, destinationLedger = 0;
        ulong payee = 0;
        if (_replica.Exchange.TryGetLock(p.LockId, out var quoteLock))
        {
            sourceLedger = quoteLock.SourceLedger;
            destinationLedger = quoteLock.DestinationLedger;
            if (_replica.Ledger.TryGetAccount(quoteLock.Request.PayeeAccount, out Account payeeAccount)) payee = payeeAccount.Participant;
        }
        PaymentReferences r = p.References;
        SettlementState s = _replica.Settlement;
        return new PaymentRow(p.PaymentId, PaymentKinds.Pvp, p.Status.ToString(), p.Result.ToString(), request.Payer, payee,
            sourceLedger, p.SourceMinor, destinationLedger, p.DestinationMinor, p.LockId, p.SourceLegTransferId, p.DestinationLegTransferId,
            request.Trade.InvoiceNumber, request.Trade.LetterOfCreditReference, request.Trade.ContractReference,
            request.Originator.Name, request.Beneficiary.Name, p.Timestamp, p.Timestamp, _replica.Settlement.BusinessDate,
            "", "Pvp", 0, 0, 0,
            NullIfEmpty(r.MessageId), NullIfEmpty(r.InstructionId), NullIfEmpty(r.EndToEndId), NullIfEmpty(r.TransactionId), NullIfEmpty(r.Uetr.ToLowerInvariant()),
            NullIfEmpty(request.Originator.Account), NullIfEmpty(request.Beneficiary.Account), NullIfEmpty(s.GetParticipantBic(request.Payer)), NullIfEmpty(s.GetParticipantBic(payee)));
    }

    /// <summary>
    /// A cross-node payment as the same record: on the source the payer bank pays the FX provider (its hold, then posted or
    /// voided), on the destination the FX provider pays the payee bank; the amount is this node's, the destination amount the
    /// other currency's; the UETR names it on both nodes.
    /// </summary>
    private PaymentRow Row(CrossNodePayment p)
    {
        CrossNodeTerms t = p.Terms;
        bool outbound = p.Role == CrossNodeRole.Outbound;
        SettlementState s = _replica.Settlement;
        PaymentReferences r = t.References;
        return new PaymentRow(p.PaymentId, PaymentKinds.CrossNode, p.Status.ToString(), p.Result.ToString(), p.Debtor, p.Creditor,
            p.Ledger, p.AmountMinor, 0, outbound ? t.DestinationAmountMinor : t.SourceAmountMinor,
            0, outbound ? p.TransferId : 0, outbound ? 0 : p.TransferId,
            t.Trade.InvoiceNumber, t.Trade.LetterOfCreditReference, t.Trade.ContractReference, t.Originator.Name, t.Beneficiary.Name,
            p.SubmittedAtNs, p.FinalAtNs, s.BusinessDate, "", "Customer", 0, t.ExpiresAtNs, 0,
            NullIfEmpty(r.MessageId), NullIfEmpty(r.InstructionId), NullIfEmpty(r.EndToEndId), NullIfEmpty(r.TransactionId), NullIfEmpty(t.Uetr),
            NullIfEmpty(t.Originator.Account), NullIfEmpty(t.Beneficiary.Account), outbound ? NullIfEmpty(s.GetParticipantBic(p.Debtor)) : null, NullIfEmpty(t.PayeeBic));
    }

    private readonly record struct AccountImage(long DebitsPending, long DebitsPosted, long CreditsPending, long CreditsPosted, AccountFlags Flags)
    {
        public static AccountImage Of(in Account a) => new(a.DebitsPending, a.DebitsPosted, a.CreditsPending, a.CreditsPosted, a.Flags);
    }
}

/// <summary>How a <see cref="Projector"/> groups journal batches into read-model writes (transactions).</summary>
public sealed record ProjectorOptions
{
    /// <summary>Most journal batches merged into one write; 1 writes each batch in a transaction of its own.</summary>
    public int MaxBatchesPerWrite { get; init; } = 1;

    /// <summary>A write is made once this many new transfers are pending, whatever the batch count (bounds memory).</summary>
    public int MaxTransfersPerWrite { get; init; } = 262_144;
}
