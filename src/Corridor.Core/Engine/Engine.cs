using System.IO.Hashing;
using System.Runtime.InteropServices;
using Corridor.Core.Access;
using Corridor.Core.Compliance;
using Corridor.Core.Exchange;
using Corridor.Core.Federation;
using Corridor.Core.Ledger;
using Corridor.Core.Settlement;

namespace Corridor.Core.Engine;

/// <summary>
/// The deterministic state machine: <c>state' = Apply(state, batch)</c>. No clock, no I/O, no threads:
/// time arrives as the batch timestamp written in the journal, so replay rebuilds identical state.
/// </summary>
public sealed class Engine
{
    private const int SnapshotFormatVersion = 16; // 2: settlement after ledger; 3: exchange after settlement; 4: compliance after exchange; 5: participant BIC; 6: payment details after compliance; 7: payment returns after details; 8: overnight credit after returns; 9: PvP payment ids after overnight credit; 10: raw ledger grants after the PvP ids; 11: PvP legs in RTGS after the grants; 12: operator acts (four eyes); 13: peers and cross-node payments; 14: client-certificate bindings; 15: the day schedule after every other section; 16: large ledger lists at 4096-byte boundaries and the transfer-id table itself (a restore maps them)
    private const int DeltaSnapshotFormatVersion = 17; // 17: format 16 but the ledger as a delta against a full (16) snapshot file (LedgerState's WriteDelta); full snapshots stay 16
    private const int OldestReadableSnapshotFormat = 5;
    private static ReadOnlySpan<byte> SnapshotMagic => "CRDSNAP1"u8;

    private readonly List<TransferError> _transferErrors = new();
    private readonly List<AccountError> _accountErrors = new();
    private readonly List<UInt128> _releasedDebitAccounts = new();

    public Engine(int accountCapacity = 0, int transferCapacity = 0)
        : this(new LedgerState(accountCapacity, transferCapacity)) { }

    private Engine(LedgerState ledger, SettlementState? settlement = null)
    {
        Ledger = ledger;
        Settlement = settlement ?? new SettlementState(ledger);
        Exchange = new ExchangeState(ledger);
        Compliance = new ComplianceState(Exchange, Settlement);
        Exchange.Settlement = Settlement;
        Settlement.PvpExchange = Exchange;
        Federation = new FederationState(ledger) { Settlement = Settlement, Exchange = Exchange, Compliance = Compliance };
        Compliance.Federation = Federation;
        Certificates = new CertificateBindings(Settlement, Compliance);
        Ledger.SubmitterMayUseLedger = ParticipantMayUseLedger;
    }

    /// <summary>
    /// Raw ledger access of a participant: only ledgers the operator granted it, never a settlement ledger nor the ledger
    /// of a configured currency (money moves there as payments, through the payment lifecycle).
    /// </summary>
    private bool ParticipantMayUseLedger(ulong participant, uint ledger) =>
        Settlement.GrantsRawLedgerAccess(participant, ledger) && !Exchange.Currencies.TryGetByLedger(ledger, out _);

    /// <summary>Encodes an <see cref="Operation.CreateParticipantTransfers"/> payload.</summary>
    public static byte[] EncodeParticipantTransfers(ulong participant, ReadOnlySpan<Transfer> transfers)
    {
        ReadOnlySpan<byte> body = MemoryMarshal.AsBytes(transfers);
        var payload = new byte[ParticipantTransfersPrefixBytes + body.Length];
        MemoryMarshal.Write(payload, in participant);
        body.CopyTo(payload.AsSpan(ParticipantTransfersPrefixBytes));
        return payload;
    }

    /// <summary>Bytes before the transfers in an <see cref="Operation.CreateParticipantTransfers"/> payload: participant u64 and 8 zero bytes.</summary>
    public const int ParticipantTransfersPrefixBytes = 16;

    public LedgerState Ledger { get; }

    /// <summary>RTGS queues, LSM, netting windows and the operating day, moving money through <see cref="Ledger"/>.</summary>
    public SettlementState Settlement { get; }

    /// <summary>Cross-currency settlement: currencies, FX quotes, PvP payments, bilateral FX trades.</summary>
    public ExchangeState Exchange { get; }

    /// <summary>Peers and cross-node payments (federation of sovereign nodes, docs/federation.md).</summary>
    public FederationState Federation { get; }

    /// <summary>Watch lists, rules, screening of every cross-border payment before settlement, holds, operator audit log.</summary>
    public ComplianceState Compliance { get; }

    /// <summary>Client certificates bound to participants and operator users (mutual TLS at the server).</summary>
    public CertificateBindings Certificates { get; }

    /// <summary>
    /// The operating day over every payment path: RTGS payments of the day (settlement) and cross-currency PvP payments
    /// submitted since the day opened (exchange), in the same buckets.
    /// </summary>
    public DayStatus GetDayStatus()
    {
        DayStatus day = Settlement.GetDayStatus();
        if (day.BusinessDate == 0) return day;
        var (submitted, settled, held, queued, failed) = Exchange.CountPaymentsSince(day.DayStartNs);
        return day with
        {
            Submitted = day.Submitted + submitted, Settled = day.Settled + settled, Rejected = day.Rejected + failed,
            Held = day.Held + held, Queued = day.Queued + queued, CrossCurrency = submitted,
        };
    }

    /// <summary>Sequence number of the last batch applied (0 before the first).</summary>
    public long Sequence { get; private set; }

    /// <summary>Timestamp (ns since Unix epoch) of the last event applied; engine time never goes back.</summary>
    public ulong LastTimestamp { get; private set; }

    /// <summary>
    /// Applies one journaled batch. <paramref name="sequence"/> must follow <see cref="Sequence"/>;
    /// a gap or repeat means the journal and the state disagree, which stops the node.
    /// Replies, one per command in order, are added to <paramref name="replies"/> when given.
    /// </summary>
    public void Apply(long sequence, ulong timestampNs, ReadOnlySpan<byte> body, List<CommandReply>? replies)
    {
        if (sequence != Sequence + 1)
            throw new InvalidOperationException($"batch {sequence} applied after batch {Sequence}: journal and state disagree");
        Sequence = sequence;

        ulong now = Math.Max(timestampNs, LastTimestamp + 1);
        _releasedDebitAccounts.Clear();
        Ledger.ExpirePending(now, _releasedDebitAccounts);
        Exchange.Expire(now);
        ulong clock = now - 1; // each event takes the next nanosecond
        Settlement.OnBatchTime(now, ref clock);
        Settlement.OnLiquidityReleased(_releasedDebitAccounts, ref clock);
        Settlement.DeliverPvpRejections(ref clock);

        int offset = 0;
        while (offset < body.Length)
        {
            CommandFrame command = CommandBatch.Read(body, ref offset);
            ReadOnlySpan<byte> payload = body.Slice(command.PayloadOffset, command.PayloadBytes);
            CommandReply reply = ApplyCommand(command, payload, ref clock);
            Settlement.DeliverPvpRejections(ref clock); // PvP payments whose queued payer leg the command rejected fail now
            reply.Batch = sequence;
            if (command.Actor != 0 && command.Operation >= Operation.RegisterParticipant) Compliance.AuditOperatorAction(++clock, command.Actor, command, payload, reply);
            replies?.Add(reply);
        }
        LastTimestamp = Math.Max(clock, now);
    }

    private CommandReply ApplyCommand(CommandFrame command, ReadOnlySpan<byte> payload, ref ulong clock)
    {
        if (Compliance.RefusesSingleHanded(command)) return Compliance.RefuseSingleHanded(command, ++clock);
        switch (command.Operation)
        {
            case Operation.CreateTransfers:
            {
                ReadOnlySpan<Transfer> transfers = Records<Transfer>(payload, command, Transfer.SizeBytes);
                _transferErrors.Clear();
                ulong first = clock + 1;
                Ledger.CreateTransfers(transfers, ref clock, _transferErrors);
                Settlement.OnLedgerTransfers(transfers, ref clock);
                return new CommandReply(command.Operation, command.Count, ToItems(_transferErrors)) { FirstEventTimestamp = first };
            }
            case Operation.CreateParticipantTransfers:
            {
                if (payload.Length < ParticipantTransfersPrefixBytes) throw new InvalidDataException("CreateParticipantTransfers: payload shorter than its prefix");
                ulong participant = MemoryMarshal.Read<ulong>(payload);
                if (participant == 0 || MemoryMarshal.Read<ulong>(payload[8..]) != 0) throw new InvalidDataException("CreateParticipantTransfers: bad prefix");
                ReadOnlySpan<Transfer> transfers = Records<Transfer>(payload[ParticipantTransfersPrefixBytes..], command, Transfer.SizeBytes);
                _transferErrors.Clear();
                ulong first = clock + 1;
                Ledger.CreateParticipantTransfers(participant, transfers, ref clock, _transferErrors);
                Settlement.OnLedgerTransfers(transfers, ref clock);
                return new CommandReply(command.Operation, command.Count, ToItems(_transferErrors)) { FirstEventTimestamp = first };
            }
            case Operation.CreateAccounts:
            {
                ReadOnlySpan<Account> accounts = Records<Account>(payload, command, Account.SizeBytes);
                _accountErrors.Clear();
                ulong first = clock + 1;
                Ledger.CreateAccounts(accounts, ref clock, _accountErrors);
                return new CommandReply(command.Operation, command.Count, ToItems(_accountErrors)) { FirstEventTimestamp = first };
            }
            case var op when ExchangeState.Handles(op):
                return Exchange.Apply(command, payload, ref clock);
            case var op when FederationState.Handles(op):
                return Federation.Apply(command, payload, ref clock);
            case Operation.BindCertificate or Operation.RevokeCertificate:
                return Certificates.Apply(command, payload, ref clock);
            case >= Operation.LoadWatchList and <= (Operation)399:
                return Compliance.Apply(command, payload, ref clock);
            case >= Operation.RegisterParticipant and <= (Operation)199:
                return Settlement.Apply(command, payload, ref clock);
            default:
                throw new InvalidDataException($"unknown operation {(ushort)command.Operation} in journaled batch");
        }
    }

    private static ReadOnlySpan<T> Records<T>(ReadOnlySpan<byte> payload, CommandFrame command, int size) where T : struct
    {
        if (payload.Length != command.Count * size)
            throw new InvalidDataException($"{command.Operation}: {command.Count} records need {command.Count * size} bytes, payload has {payload.Length}");
        return MemoryMarshal.Cast<byte, T>(payload);
    }

    private static ItemResult[] ToItems(List<TransferError> errors)
    {
        if (errors.Count == 0) return CommandReply.NoErrors;
        var items = new ItemResult[errors.Count];
        for (int i = 0; i < items.Length; i++) items[i] = new ItemResult(errors[i].Index, (ushort)errors[i].Result);
        return items;
    }

    private static ItemResult[] ToItems(List<AccountError> errors)
    {
        if (errors.Count == 0) return CommandReply.NoErrors;
        var items = new ItemResult[errors.Count];
        for (int i = 0; i < items.Length; i++) items[i] = new ItemResult(errors[i].Index, (ushort)errors[i].Result);
        return items;
    }

    /// <summary>A 128-bit digest of the whole state; equal digests mean equal states (replay determinism).</summary>
    public UInt128 ComputeStateHash()
    {
        var hash = new XxHash128();
        HashHeader(hash, Sequence, LastTimestamp);
        Ledger.HashInto(hash);
        using (var stream = new HashingStream(hash)) WriteHashTail(stream);
        return hash.GetCurrentHashAsUInt128();
    }

    private static void HashHeader(XxHash128 hash, long sequence, ulong lastTimestamp)
    {
        Span<byte> header = stackalloc byte[16];
        MemoryMarshal.Write(header, sequence);
        MemoryMarshal.Write(header[8..], lastTimestamp);
        hash.Append(header);
    }

    /// <summary>What the state hash covers after the ledger, as the bytes it hashes.</summary>
    private void WriteHashTail(Stream stream)
    {
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        ForEachHashSection(section => section(w));
    }

    /// <summary>The snapshot sections the state hash covers after the ledger, in its order.</summary>
    private void ForEachHashSection(Action<Action<BinaryWriter>> section)
    {
        Settlement.ForEachHashSection(section);
        Exchange.ForEachHashSection(section);
        section(Compliance.WriteSnapshot);
        if (Compliance.HasOperatorActState) section(Compliance.WriteOperatorActsSnapshot); // absent until the first act or policy: older states hash as before
        if (!Federation.IsEmpty) section(Federation.WriteSnapshot); // likewise absent until the first peer
        if (Certificates.Count > 0) section(Certificates.WriteSnapshot); // absent until the first binding: older states hash as before
    }

    /// <summary>The sections after the ledger in a snapshot, in the file's order.</summary>
    private void ForEachSnapshotSection(Action<Action<BinaryWriter>> section)
    {
        section(Settlement.WriteSnapshot);
        section(Exchange.WriteSnapshot);
        section(Compliance.WriteSnapshot);
        section(Settlement.WriteDetailsSnapshot);
        section(Settlement.WriteReturnsSnapshot);
        section(Settlement.WriteOvernightCreditSnapshot);
        section(Exchange.WriteReferencesSnapshot);
        section(Settlement.WriteLedgerGrantsSnapshot);
        section(Settlement.WritePvpLegsSnapshot);
        section(Compliance.WriteOperatorActsSnapshot);
        section(Federation.WriteSnapshot);
        section(Certificates.WriteSnapshot);
        section(Settlement.WriteScheduleSnapshot);
    }

    public string StateHashHex() => ComputeStateHash().ToString("x32");

    /// <summary>Writes the whole state; <see cref="ReadSnapshot"/> restores it with the same state hash.</summary>
    public void WriteSnapshot(Stream stream)
    {
        EngineSnapshot snapshot = Capture(frozen: false);
        snapshot.WriteTo(stream);
    }

    /// <summary>
    /// The state as it is now, to be written by another thread while this engine goes on applying batches: the ledger's
    /// lists are frozen (copy on write, <see cref="LedgerState.Freeze"/>), and so are the lists that grow with the payments
    /// held — RTGS payments and PvP payer legs (copy on write per chunk), PvP locks, payments and trades (a record keeps a
    /// copy of itself before its first change, <see cref="CopyOnWriteRecord"/>): the writer thread serialises their records.
    /// The rest of the state is serialised now. <see cref="EngineSnapshot.WriteTo"/> writes exactly what <see cref="WriteSnapshot"/> would have
    /// written here, state hash included. One at a time; release it (<see cref="EngineSnapshot.Release"/>) when written.
    /// </summary>
    public EngineSnapshot CaptureSnapshot() => Capture(frozen: true, incremental: false);

    /// <summary>
    /// As <see cref="CaptureSnapshot()"/>; with <paramref name="incremental"/> the image is a delta (format 17) against
    /// <see cref="SnapshotBaseFile"/> when the ledger's rule allows (<see cref="LedgerState.MaxDeltaFraction"/>): the ledger's
    /// chunks changed or appended since that full snapshot, everything else whole. The writer says where the image went
    /// (<see cref="EngineSnapshot.Written"/>): a full image written becomes the base of the deltas after it.
    /// </summary>
    public EngineSnapshot CaptureSnapshot(bool incremental, double maxDeltaFraction = LedgerState.MaxDeltaFraction) =>
        Capture(frozen: true, incremental, maxDeltaFraction);

    /// <summary>The full snapshot file a delta captured now would refer to, or null (none written or restored yet, or forgotten).</summary>
    public SnapshotFileId? SnapshotBaseFile => Ledger.SnapshotBaseFile;

    /// <summary>The next snapshot is full (this state will be written to another snapshot store than the one it came from).</summary>
    public void ForgetSnapshotBase() => Ledger.ForgetSnapshotBase();

    private EngineSnapshot Capture(bool frozen, bool incremental = false, double maxDeltaFraction = LedgerState.MaxDeltaFraction)
    {
        // Each section is serialised once: the snapshot writes it and the state hash covers the same bytes (most sections
        // are in both; a state of many payments is most of its size in them).
        // A frozen capture leaves the records of the large lists (payments, locks, their legs and references) to the writer
        // thread: their sections write counts now and read the records later from views frozen here (SnapshotCapture).
        SnapshotCapture? capture = frozen ? new SnapshotCapture() : null;
        var serialised = new Dictionary<Action<BinaryWriter>, SegmentedBuffer>();
        SegmentedBuffer Serialise(Action<BinaryWriter> write)
        {
            if (serialised.TryGetValue(write, out SegmentedBuffer? buffer)) return buffer;
            buffer = new SegmentedBuffer { Capture = capture };
            using (var w = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true)) write(w);
            serialised.Add(write, buffer);
            return buffer;
        }
        try
        {
            var rest = new List<SegmentedBuffer>();
            ForEachSnapshotSection(write => rest.Add(Serialise(write)));
            var tail = new List<SegmentedBuffer>();
            ForEachHashSection(write => tail.Add(Serialise(write)));
            // A delta at its base's own batch would replace the base's file with itself: full instead.
            incremental &= Ledger.SnapshotBaseFile is { } baseFile && baseFile.Sequence < Sequence;
            long besideLedger = rest.Sum(b => b.Length); // what the file holds beside the ledger (the hash's bytes are not written)
            LedgerState.LedgerView ledger = frozen ? Ledger.Freeze(incremental, besideLedger, maxDeltaFraction) : Ledger.View();
            return new EngineSnapshot(Sequence, LastTimestamp, ledger, rest, tail, capture);
        }
        catch
        {
            capture?.Release(); // e.g. an image still in use: the lists frozen before the refusal are not left frozen
            throw;
        }
    }

    /// <summary>
    /// A consistent image of an engine's state after one batch (<see cref="CaptureSnapshot"/>), to hash and write on any thread.
    /// </summary>
    public sealed class EngineSnapshot
    {
        private readonly LedgerState.LedgerView _ledger;
        private readonly IReadOnlyList<SegmentedBuffer> _rest, _hashTail;
        private readonly SnapshotCapture? _capture;

        internal EngineSnapshot(long sequence, ulong lastTimestamp, LedgerState.LedgerView ledger, IReadOnlyList<SegmentedBuffer> rest, IReadOnlyList<SegmentedBuffer> hashTail,
            SnapshotCapture? capture)
        {
            _capture = capture;
            Sequence = sequence;
            LastTimestamp = lastTimestamp;
            _ledger = ledger;
            _rest = rest;
            _hashTail = hashTail;
        }

        /// <summary>The batch after which the state was captured.</summary>
        public long Sequence { get; }

        public ulong LastTimestamp { get; }

        /// <summary>Transfers in the captured ledger.</summary>
        public int TransferCount => _ledger.TransferCount;

        /// <summary>Whether this image writes a delta (format 17) against <see cref="BaseFile"/>.</summary>
        public bool IsDelta => _ledger.IsDelta;

        /// <summary>The full snapshot file a delta refers to; null for a full image.</summary>
        public SnapshotFileId? BaseFile => _ledger.BaseFile;

        /// <summary>Content bytes the last <see cref="WriteTo"/> wrote.</summary>
        public long ContentBytes { get; private set; }

        /// <summary>
        /// The image was written to a durable file, <paramref name="file"/> (any thread): a full image becomes the engine's
        /// snapshot base from its next capture on.
        /// </summary>
        public void Written(SnapshotFileId file) => _ledger.Written(file, ContentBytes);

        /// <summary>The state hash of the captured state (<see cref="ComputeStateHash"/> at capture); hashes the ledger's view.</summary>
        public UInt128 ComputeStateHash() => ComputeStateHash(baseFiles: null);

        private UInt128 ComputeStateHash(ISnapshotFiles? baseFiles)
        {
            var hash = new XxHash128();
            HashHeader(hash, Sequence, LastTimestamp);
            _ledger.HashInto(hash, baseFiles);
            foreach (SegmentedBuffer section in _hashTail)
                foreach (ReadOnlyMemory<byte> segment in section.Segments) hash.Append(segment.Span);
            return hash.GetCurrentHashAsUInt128();
        }

        /// <summary>Writes the snapshot exactly as <see cref="Engine.WriteSnapshot"/> would have at capture.</summary>
        public void WriteTo(Stream stream)
        {
            using var w = new BinaryWriter(new SnapshotWriteStream(stream), System.Text.Encoding.UTF8, leaveOpen: true);
            w.Write(SnapshotMagic);
            w.Write(_ledger.IsDelta ? DeltaSnapshotFormatVersion : SnapshotFormatVersion);
            w.Write(Sequence);
            w.Write(LastTimestamp);
            _ledger.WriteSnapshot(w);
            foreach (SegmentedBuffer section in _rest)
                foreach (ReadOnlyMemory<byte> segment in section.Segments) w.Write(segment.Span);
            // A delta's stream may read its base's file (the storage layer's): the unchanged chunks are hashed from there.
            w.Write(ComputeStateHash(stream as ISnapshotFiles).ToString("x32"));
            w.Flush();
            ContentBytes = w.BaseStream.Position;
        }

        /// <summary>The engine writes its ledger and records in place again; the snapshot must not be used after.</summary>
        public void Release()
        {
            _ledger.Release();
            _capture?.Release();
        }
    }

    public static Engine ReadSnapshot(Stream stream) => ReadSnapshot(stream, out _);

    /// <summary>As <see cref="ReadSnapshot(Stream)"/>; <paramref name="stateHash"/> is the restored state's hash, verified against the recorded one.</summary>
    public static Engine ReadSnapshot(Stream stream, out UInt128 stateHash)
    {
        using var r = new BinaryReader(new SnapshotReadStream(stream), System.Text.Encoding.UTF8, leaveOpen: true);
        Span<byte> magic = stackalloc byte[8];
        r.BaseStream.ReadExactly(magic);
        if (!magic.SequenceEqual(SnapshotMagic)) throw new InvalidDataException("not a Corridor snapshot (bad magic)");
        int version = r.ReadInt32();
        if (version is < OldestReadableSnapshotFormat or > DeltaSnapshotFormatVersion)
            throw new InvalidDataException($"snapshot format {version} is not supported (expected {OldestReadableSnapshotFormat}…{DeltaSnapshotFormatVersion})");
        long sequence = r.ReadInt64();
        ulong lastTimestamp = r.ReadUInt64();
        LedgerState ledger = LedgerState.ReadSnapshot(r, version);
        SettlementState settlement = SettlementState.ReadSnapshot(r, ledger);
        var engine = new Engine(ledger, settlement) { Sequence = sequence, LastTimestamp = lastTimestamp };
        engine.Exchange.ReadSnapshot(r);
        engine.Compliance.ReadSnapshot(r);
        if (version >= 6) engine.Settlement.ReadDetailsSnapshot(r);
        if (version >= 7) engine.Settlement.ReadReturnsSnapshot(r);
        if (version >= 8) engine.Settlement.ReadOvernightCreditSnapshot(r);
        if (version >= 9) engine.Exchange.ReadReferencesSnapshot(r);
        if (version >= 10) engine.Settlement.ReadLedgerGrantsSnapshot(r);
        if (version >= 11) engine.Settlement.ReadPvpLegsSnapshot(r);
        if (version >= 12) engine.Compliance.ReadOperatorActsSnapshot(r);
        if (version >= 13) engine.Federation.ReadSnapshot(r);
        if (version >= 14) engine.Certificates.ReadSnapshot(r);
        if (version >= 15) engine.Settlement.ReadScheduleSnapshot(r);
        string expected = r.ReadString();
        // As ComputeStateHash, but the ledger's mapped sections are read from the files (and the expiry queue filled on the way).
        var hash = new XxHash128();
        HashHeader(hash, engine.Sequence, engine.LastTimestamp);
        ledger.HashRestored(hash, ((SnapshotReadStream)r.BaseStream).Files);
        using (var tail = new HashingStream(hash)) engine.WriteHashTail(tail);
        stateHash = hash.GetCurrentHashAsUInt128();
        string actual = stateHash.ToString("x32");
        if (expected != actual) throw new InvalidDataException($"snapshot at batch {sequence} is corrupt: state hash {actual}, recorded {expected}");
        return engine;
    }
}
