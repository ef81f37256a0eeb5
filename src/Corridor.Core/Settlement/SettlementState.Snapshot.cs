using System.Runtime.CompilerServices;
using System.IO.Hashing;
using Corridor.Core.Engine;
using Corridor.Core.Ledger;

namespace Corridor.Core.Settlement;

// Snapshot and state hash: one canonical serialization, so "equal hash" and "equal snapshot" agree.
public sealed partial class SettlementState
{
    /// <summary>Feeds the canonical serialization of the settlement state into <paramref name="hash"/>.</summary>
    public void HashInto(XxHash128 hash)
    {
        using var sink = new BufferedStream(new HashSink(hash), 64 * 1024);
        using (var w = new BinaryWriter(sink, System.Text.Encoding.UTF8, leaveOpen: true)) WriteHashInput(w);
        sink.Flush();
    }

    /// <summary>Exactly the bytes <see cref="HashInto"/> hashes (the engine captures them to hash a snapshot on another thread).</summary>
    public void WriteHashInput(BinaryWriter w) => ForEachHashSection(section => section(w));

    /// <summary>
    /// The snapshot sections the state hash covers, in its order (<see cref="WriteHashInput"/> writes them; a capture
    /// serialises each section once and hashes the same bytes it writes).
    /// </summary>
    internal void ForEachHashSection(Action<Action<BinaryWriter>> section)
    {
        section(WriteSnapshot);
        // Only when some payment carries details, so the hash of a state without any is what it was before details existed.
        if (_detailsInOrder.Count != 0) section(WriteDetailsSnapshot);
        // Likewise only when some payment was returned (pacs.004).
        if (_returns.Count != 0) section(WriteReturnsSnapshot);
        // Likewise only when some account owes, or some statement reported, overnight credit.
        if (HasOvernightCredit()) section(WriteOvernightCreditSnapshot);
        // Likewise only when the operator granted some participant raw access to a ledger.
        if (HasLedgerGrants) section(WriteLedgerGrantsSnapshot);
        // Likewise only when some PvP payment's payer leg went through RTGS.
        if (HasPvpLegs) section(WritePvpLegsSnapshot);
        // Likewise only once the operator set a day schedule.
        if (_schedule.HasValue) section(WriteScheduleSnapshot);
    }

    /// <summary>A write-only stream feeding a hash, so hashing streams the snapshot instead of buffering it.</summary>
    private sealed class HashSink(XxHash128 hash) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => hash.Append(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer) => hash.Append(buffer);
    }

    /// <summary>Writes every piece of settlement state in a canonical order (lists in creation order, maps sorted by key).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per snapshot over every record: never left to the first tier
    public void WriteSnapshot(BinaryWriter w)
    {
        w.Write((byte)_options);
        w.Write(_nextTransferSeq);
        w.Write(_businessDate);
        w.Write((byte)_phase);
        w.Write(_phaseSinceNs);
        w.Write(_dayStartNs);
        w.Write(_dayFirstPayment);
        w.Write(_statementFromNs);

        w.Write(_participants.Count);
        foreach (ParticipantRecord p in _participants)
        {
            w.Write(p.Id); w.Write((byte)p.Role); w.Write((byte)p.Status); w.Write(p.Name); w.Write(p.Bic); w.Write(p.RegisteredAt);
        }
        w.Write(_ledgers.Count);
        foreach (LedgerRecord l in _ledgers)
        {
            w.Write(l.Ledger); w.Write(l.CentralBank); WriteU128(w, l.CentralBankAccountId); WriteU128(w, l.ClearingAccountId); w.Write(l.CurrencyCode);
        }
        w.Write(_accounts.Count);
        foreach (AccountRecord a in _accounts)
        {
            w.Write(a.Participant); w.Write(a.Ledger); WriteU128(w, a.AccountId);
            w.Write(a.CreditLine); w.Write(a.UrgentReserve); w.Write(a.HighReserve); w.Write(a.MultilateralLimit);
            w.Write(a.BilateralLimits.Count);
            foreach (KeyValuePair<ulong, long> l in a.BilateralLimits) { w.Write(l.Key); w.Write(l.Value); }
            var sent = new List<KeyValuePair<ulong, long>>(a.NetSentToday);
            sent.Sort((x, y) => x.Key.CompareTo(y.Key));
            w.Write(sent.Count);
            foreach (KeyValuePair<ulong, long> s in sent) { w.Write(s.Key); w.Write(s.Value); }
            w.Write(a.NetSentTotalToday);
            w.Write(a.OpeningBalance);
            for (int q = 0; q < 3; q++)
            {
                w.Write(a.Queues[q].Count);
                foreach (int pi in a.Queues[q]) w.Write(pi);
            }
        }
        w.Write(_payments.Count);
        // A frozen capture leaves the payments (one per RTGS payment and PvP payer leg) to the writer thread: they are read
        // from a view of the list frozen now, whose chunks the engine copies before it writes them (ChunkedList).
        if (SnapshotCapture.Of(w) is { } capture)
        {
            ChunkedView<PaymentRecord> payments = FreezePayments(capture);
            ((SegmentedBuffer)w.BaseStream).Defer((long)PaymentSnapshotBytes * payments.Count, later => WritePayments(later, payments));
        }
        else WritePayments(w, _payments.View());
        w.Write(_windows.Count);
        foreach (WindowRecord win in _windows)
        {
            w.Write(win.Id); w.Write(win.Ledger); w.Write(win.Name); w.Write((byte)win.Status); w.Write(win.ClosedAt);
            w.Write(win.Payments.Count);
            foreach (int pi in win.Payments) w.Write(pi);
            w.Write(win.Positions.Length);
            foreach (NetPosition n in win.Positions) { w.Write(n.Participant); w.Write(n.NetMinor); }
            w.Write(win.Excluded.Length);
            foreach (ulong e in win.Excluded) w.Write(e);
        }
        w.Write(_statements.Count);
        // Statements (one per account and day, an entry per movement) only grow: a frozen capture leaves them to the writer thread.
        if (SnapshotCapture.Of(w) is { } statementsCapture)
        {
            RecordList<AccountStatement>.Frozen statements = statementsCapture.Freeze(_statements, _statements.Freeze, v => v.Release);
            ((SegmentedBuffer)w.BaseStream).Defer(_statementsSnapshotBytes, later => WriteStatements(later, statements));
        }
        else WriteStatements(w, _statements);
    }

    private const int StatementSnapshotBytes = 4 + 8 + 4 + 16 + 8 + 8 + 1 + 4, StatementEntrySnapshotBytes = 16 + 16 + 8 + 1 + 8 + 2 + 8;

    private void AddStatement(AccountStatement statement)
    {
        _statements.Add(statement);
        _statementsSnapshotBytes += StatementSnapshotBytes + (long)StatementEntrySnapshotBytes * statement.Entries.Count;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per snapshot over every record: never left to the first tier
    private static void WriteStatements(BinaryWriter w, IReadOnlyList<AccountStatement> statements)
    {
        for (int i = 0; i < statements.Count; i++)
        {
            AccountStatement s = statements[i];
            w.Write(s.BusinessDate); w.Write(s.Participant); w.Write(s.Ledger); WriteU128(w, s.AccountId);
            w.Write(s.OpeningBalanceMinor); w.Write(s.ClosingBalanceMinor); w.Write(s.Truncated);
            w.Write(s.Entries.Count);
            foreach (StatementEntry e in s.Entries)
            {
                WriteU128(w, e.TransferId); WriteU128(w, e.PaymentId); w.Write(e.AmountMinor); w.Write(e.IsCredit);
                w.Write(e.Counterparty); w.Write(e.Code); w.Write(e.TimestampNs);
            }
        }
    }

    private const int PaymentSnapshotBytes = 16 + 8 + 8 + 4 + 8 + 3 + 8 + 8 + 8 + 1 + 2 + 2 + 8 + 8 + 4 + 4 + 4;

    private ChunkedView<PaymentRecord> FreezePayments(SnapshotCapture capture) =>
        capture.Freeze(_payments, _payments.Freeze, v => v.Release);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per snapshot over every record: never left to the first tier
    private static void WritePayments(BinaryWriter w, ChunkedView<PaymentRecord> payments)
    {
        for (int c = 0; c < payments.ChunkCount; c++)
            foreach (ref readonly PaymentRecord p in payments.Segment(c))
            {
                WriteU128(w, p.Id); w.Write(p.Payer); w.Write(p.Payee); w.Write(p.Ledger); w.Write(p.Amount);
                w.Write((byte)p.Priority); w.Write((byte)p.SubmittedPriority); w.Write((byte)p.Kind);
                w.Write(p.Earliest); w.Write(p.Latest); w.Write(p.WindowId); w.Write((byte)p.Status);
                w.Write((ushort)p.Reason); w.Write((ushort)p.SubmitResult); w.Write(p.SubmittedAt); w.Write(p.FinalAt);
                w.Write(p.BusinessDate); w.Write(p.PayerAccount); w.Write(p.PayeeAccount);
            }
    }

    public static SettlementState ReadSnapshot(BinaryReader r, LedgerState ledger)
    {
        var s = new SettlementState(ledger)
        {
            _options = (SettlementOptions)r.ReadByte(),
            _nextTransferSeq = r.ReadUInt64(),
            _businessDate = r.ReadUInt32(),
            _phase = (DayPhase)r.ReadByte(),
            _phaseSinceNs = r.ReadUInt64(),
            _dayStartNs = r.ReadUInt64(),
            _dayFirstPayment = r.ReadInt32(),
            _statementFromNs = r.ReadUInt64(),
        };
        int participants = Count(r, MaxParticipants);
        for (int i = 0; i < participants; i++)
        {
            var p = new ParticipantRecord
            {
                Id = r.ReadUInt64(), Role = (ParticipantRole)r.ReadByte(), Status = (ParticipantStatus)r.ReadByte(), Name = r.ReadString(), Bic = r.ReadString(), RegisteredAt = r.ReadUInt64(),
            };
            s._participantIndex.Add(p.Id, i);
            if (p.Bic.Length != 0) s._participantByBic.Add(p.Bic, p.Id);
            s._participants.Add(p);
        }
        int ledgers = Count(r, int.MaxValue);
        for (int i = 0; i < ledgers; i++)
        {
            var l = new LedgerRecord
            {
                Ledger = r.ReadUInt32(), CentralBank = r.ReadUInt64(), CentralBankAccountId = ReadU128(r), ClearingAccountId = ReadU128(r), CurrencyCode = r.ReadString(),
            };
            s._ledgerIndex.Add(l.Ledger, i);
            s._ledgers.Add(l);
        }
        int accounts = Count(r, MaxSettlementAccounts);
        for (int i = 0; i < accounts; i++)
        {
            var a = new AccountRecord
            {
                Index = i, Participant = r.ReadUInt64(), Ledger = r.ReadUInt32(), AccountId = ReadU128(r),
                CreditLine = r.ReadInt64(), UrgentReserve = r.ReadInt64(), HighReserve = r.ReadInt64(), MultilateralLimit = r.ReadInt64(),
            };
            int limits = Count(r, MaxBilateralLimitsPerAccount);
            for (int k = 0; k < limits; k++) a.BilateralLimits.Add(r.ReadUInt64(), r.ReadInt64());
            int sent = Count(r, int.MaxValue);
            for (int k = 0; k < sent; k++) a.NetSentToday.Add(r.ReadUInt64(), r.ReadInt64());
            a.NetSentTotalToday = r.ReadInt64();
            a.OpeningBalance = r.ReadInt64();
            for (int q = 0; q < 3; q++)
            {
                int n = Count(r, MaxQueuedPerAccount);
                for (int k = 0; k < n; k++) a.Queues[q].Add(r.ReadInt32());
            }
            s._accounts.Add(a);
            s._accountById.Add(a.AccountId, i);
            s._accountByOwner.Add((a.Participant, a.Ledger), i);
            s._participants[s._participantIndex[a.Participant]].Accounts.Add(i);
            s._ledgers[s._ledgerIndex[a.Ledger]].Accounts.Add(i);
        }
        int payments = Count(r, MaxPayments);
        for (int i = 0; i < payments; i++)
        {
            var p = new PaymentRecord
            {
                Id = ReadU128(r), Payer = r.ReadUInt64(), Payee = r.ReadUInt64(), Ledger = r.ReadUInt32(), Amount = r.ReadInt64(),
                Priority = (PaymentPriority)r.ReadByte(), SubmittedPriority = (PaymentPriority)r.ReadByte(), Kind = (PaymentKind)r.ReadByte(),
                Earliest = r.ReadUInt64(), Latest = r.ReadUInt64(), WindowId = r.ReadUInt64(), Status = (PaymentStatus)r.ReadByte(),
                Reason = (SettlementResult)r.ReadUInt16(), SubmitResult = (SettlementResult)r.ReadUInt16(), SubmittedAt = r.ReadUInt64(), FinalAt = r.ReadUInt64(),
                BusinessDate = r.ReadUInt32(), PayerAccount = r.ReadInt32(), PayeeAccount = r.ReadInt32(),
            };
            s._paymentIndex.Add(p.Id, i);
            s._payments.Add() = p;
            if (p.Status == PaymentStatus.Scheduled) s._scheduled.Enqueue(i, (p.Earliest, i));
            if (p.Latest != 0 && p.Status is PaymentStatus.Queued or PaymentStatus.Scheduled) s._deadlines.Enqueue(i, (p.Latest, i));
        }
        foreach (AccountRecord a in s._accounts)
            for (int q = 0; q < 3; q++)
                foreach (int pi in a.Queues[q])
                {
                    long amount = s._payments[pi].Amount;
                    a.QueuedMinor += amount;
                    s._queuedCount++;
                    LedgerRecord l = s._ledgers[s._ledgerIndex[a.Ledger]];
                    l.QueuedCount++;
                    l.QueuedMinor += amount;
                }
        int windows = Count(r, MaxWindows);
        for (int i = 0; i < windows; i++)
        {
            var win = new WindowRecord { Id = r.ReadUInt64(), Ledger = r.ReadUInt32(), Name = r.ReadString(), Status = (WindowStatus)r.ReadByte(), ClosedAt = r.ReadUInt64() };
            int n = Count(r, MaxPaymentsPerWindow);
            for (int k = 0; k < n; k++) win.Payments.Add(r.ReadInt32());
            win.Positions = new NetPosition[Count(r, int.MaxValue)];
            for (int k = 0; k < win.Positions.Length; k++) win.Positions[k] = new NetPosition(r.ReadUInt64(), r.ReadInt64());
            win.Excluded = new ulong[Count(r, int.MaxValue)];
            for (int k = 0; k < win.Excluded.Length; k++) win.Excluded[k] = r.ReadUInt64();
            s._windowIndex.Add(win.Id, i);
            s._windows.Add(win);
        }
        int statements = Count(r, int.MaxValue);
        for (int i = 0; i < statements; i++)
        {
            uint date = r.ReadUInt32();
            ulong participant = r.ReadUInt64();
            uint ledgerId = r.ReadUInt32();
            UInt128 account = ReadU128(r);
            long opening = r.ReadInt64(), closing = r.ReadInt64();
            bool truncated = r.ReadBoolean();
            var entries = new StatementEntry[Count(r, MaxStatementEntries)];
            for (int k = 0; k < entries.Length; k++)
                entries[k] = new StatementEntry(ReadU128(r), ReadU128(r), r.ReadInt64(), r.ReadBoolean(), r.ReadUInt64(), r.ReadUInt16(), r.ReadUInt64());
            s._statementIndex[(date, account)] = i;
            s.AddStatement(new AccountStatement(date, participant, ledgerId, account, opening, closing, entries, truncated));
        }
        return s;
    }

    /// <summary>Payment details (engine snapshot format 6+): count, then (payment index, encoded details) in index order.</summary>
    public void WriteDetailsSnapshot(BinaryWriter w)
    {
        w.Write(_detailsInOrder.Count);
        if (_detailsInOrder.Count == 0) return;
        // A frozen capture leaves them to the writer thread: the list only grows, and details never change.
        if (SnapshotCapture.Of(w) is { } capture)
        {
            RecordList<(int Index, ReadOnlyMemory<byte> Encoded)>.Frozen details = capture.Freeze(_detailsInOrder, _detailsInOrder.Freeze, v => v.Release);
            ((SegmentedBuffer)w.BaseStream).Defer(_detailsEncodedBytes + 8L * details.Count, later => WriteDetails(later, details));
        }
        else WriteDetails(w, _detailsInOrder);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per snapshot over every record: never left to the first tier
    private static void WriteDetails(BinaryWriter w, IReadOnlyList<(int Index, ReadOnlyMemory<byte> Encoded)> details)
    {
        for (int i = 0; i < details.Count; i++)
        {
            var (index, encoded) = details[i];
            w.Write(index);
            w.Write(encoded.Length);
            w.Write(encoded.Span);
        }
    }

    /// <summary>
    /// Keeps a payment's details as encoded (submitted, or restored in index order), after every payment that has some so far.
    /// <paramref name="encoded"/> is <see cref="PaymentDetails.Write"/>'s output for them, as a command carries it; empty when
    /// the caller built the details itself (a return's swapped parties): they are encoded here.
    /// </summary>
    private void AddDetails(int index, PaymentDetails details, ReadOnlySpan<byte> encoded)
    {
        if (_detailsInOrder.Count != 0 && _detailsInOrder[^1].Index >= index)
            throw new InvalidOperationException($"settlement invariant broken: details of payment index {index} added after {_detailsInOrder[^1].Index}");
        encoded = Encoded(details, encoded);
        _detailsInOrder.Add((index, _detailsBytes.Copy(encoded)));
        _detailsEncodedBytes += encoded.Length;
    }

    /// <summary>
    /// <paramref name="details"/> encoded: <paramref name="encoded"/> when the command carried them so, otherwise written into a
    /// scratch buffer (valid until the next call).
    /// </summary>
    private ReadOnlySpan<byte> Encoded(PaymentDetails details, ReadOnlySpan<byte> encoded)
    {
        if (!encoded.IsEmpty) return encoded;
        var writer = new Exchange.WireWriter(_detailsScratch ??= new byte[PaymentDetails.MaxEncodedBytes]);
        details.Write(ref writer);
        return _detailsScratch.AsSpan(0, writer.Written);
    }

    /// <summary>The encoded details of the payment at <paramref name="index"/>; false when it was submitted without any.</summary>
    private bool TryGetEncodedDetails(int index, out ReadOnlyMemory<byte> encoded)
    {
        int low = 0, high = _detailsInOrder.Count - 1;
        while (low <= high)
        {
            int middle = low + (high - low) / 2;
            var (at, bytes) = _detailsInOrder[middle];
            if (at == index) { encoded = bytes; return true; }
            if (at < index) low = middle + 1;
            else high = middle - 1;
        }
        encoded = default;
        return false;
    }

    public void ReadDetailsSnapshot(BinaryReader r)
    {
        int count = Count(r, _payments.Count);
        int previous = -1;
        for (int i = 0; i < count; i++)
        {
            int index = r.ReadInt32();
            if ((uint)index >= (uint)_payments.Count || index <= previous) throw new InvalidDataException($"settlement snapshot: details for payment index {index}");
            previous = index;
            byte[] bytes = r.ReadBytes(Count(r, PaymentDetails.MaxEncodedBytes));
            var reader = new Exchange.WireReader(bytes);
            PaymentDetails details = PaymentDetails.Read(ref reader); // a snapshot's details are checked as a command's are
            if (reader.Remaining != 0) throw new InvalidDataException($"settlement snapshot: details of payment index {index} have {reader.Remaining} trailing bytes");
            AddDetails(index, details, bytes);
        }
    }

    private bool HasOvernightCredit()
    {
        foreach (AccountRecord a in _accounts) if (a.OvernightCredit != 0) return true;
        foreach (AccountStatement s in _statements) if (s.OvernightCreditMinor != 0) return true;
        return false;
    }

    /// <summary>
    /// Overnight credit (engine snapshot format 8, after payment returns): count, then (account index, amount) for
    /// accounts owing it; count, then (statement index, amount) for statements reporting it; both in index order.
    /// </summary>
    public void WriteOvernightCreditSnapshot(BinaryWriter w)
    {
        int accounts = 0, statements = 0;
        foreach (AccountRecord a in _accounts) if (a.OvernightCredit != 0) accounts++;
        foreach (AccountStatement s in _statements) if (s.OvernightCreditMinor != 0) statements++;
        w.Write(accounts);
        foreach (AccountRecord a in _accounts) if (a.OvernightCredit != 0) { w.Write(a.Index); w.Write(a.OvernightCredit); }
        w.Write(statements);
        for (int i = 0; i < _statements.Count; i++)
            if (_statements[i].OvernightCreditMinor != 0) { w.Write(i); w.Write(_statements[i].OvernightCreditMinor); }
    }

    public void ReadOvernightCreditSnapshot(BinaryReader r)
    {
        int accounts = Count(r, _accounts.Count);
        for (int i = 0; i < accounts; i++)
        {
            int index = r.ReadInt32();
            long amount = r.ReadInt64();
            if ((uint)index >= (uint)_accounts.Count || amount <= 0 || amount > MaxAmountMinor || _accounts[index].OvernightCredit != 0)
                throw new InvalidDataException($"settlement snapshot: overnight credit {amount} of account index {index}");
            _accounts[index].OvernightCredit = amount;
        }
        int statements = Count(r, _statements.Count);
        for (int i = 0; i < statements; i++)
        {
            int index = r.ReadInt32();
            long amount = r.ReadInt64();
            if ((uint)index >= (uint)_statements.Count || amount <= 0 || _statements[index].OvernightCreditMinor != 0)
                throw new InvalidDataException($"settlement snapshot: overnight credit {amount} of statement index {index}");
            _statements.ReplaceWhileUnfrozen(index, _statements[index] with { OvernightCreditMinor = amount }); // a restore: no capture yet
        }
    }

    private static int Count(BinaryReader r, int max)
    {
        int n = r.ReadInt32();
        if (n < 0 || n > max) throw new InvalidDataException($"settlement snapshot: count {n} outside 0..{max}");
        return n;
    }

    private static void WriteU128(BinaryWriter w, UInt128 v) { w.Write((ulong)v); w.Write((ulong)(v >> 64)); }

    private static UInt128 ReadU128(BinaryReader r) { ulong lo = r.ReadUInt64(); ulong hi = r.ReadUInt64(); return new UInt128(hi, lo); }
}
