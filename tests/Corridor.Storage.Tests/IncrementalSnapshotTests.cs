using System.Buffers.Binary;
using CsCheck;
using Corridor.Core.Engine;
using Corridor.Core.Ledger;
using Corridor.Storage.Files;
using Corridor.Storage.Journal;

namespace Corridor.Storage.Tests;

/// <summary>
/// Incremental snapshots on real files: deltas (file format 3, engine format 17) against a full snapshot restore to the
/// state they were captured from, mapped and read; damage to either file, or a base that is gone, is refused and reported
/// like any damaged snapshot; the pruning keeps the bases of the deltas it keeps.
/// </summary>
public sealed class IncrementalSnapshotTests
{
    private const int Accounts = 10;
    private const int Transfers = 140_000; // two whole 65,536-transfer chunks (deltas refer to them) and a partial one
    private static readonly Lazy<(string Directory, Engine Engine)> Template = new(BuildTemplate);

    /// <summary>A full snapshot of <see cref="Transfers"/> transfers, written once; each case starts from a copy of the file.</summary>
    private static (string, Engine) BuildTemplate()
    {
        string dir = Directory.CreateTempSubdirectory("corridor-incremental-template-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        Engine engine = MappedSnapshotTests.EngineWithTransfers(Transfers);
        new SnapshotStore(dir).Write(engine.Sequence, engine.WriteSnapshot);
        return (dir, engine);
    }

    /// <summary>A store in <paramref name="dir"/> holding a copy of the template's full snapshot, and the engine restored from it (mapped).</summary>
    private static (SnapshotStore Store, Engine Engine) FromTemplate(TempDirectory dir)
    {
        foreach (string f in Directory.GetFiles(Template.Value.Directory)) File.Copy(f, Path.Combine(dir.Path, Path.GetFileName(f)));
        var store = new SnapshotStore(dir.Path);
        Assert.True(store.TryRestoreLatest(Engine.ReadSnapshot, out _, out Engine? engine));
        Assert.NotNull(engine!.SnapshotBaseFile); // restored from a full snapshot the store named: the next one may be a delta
        return (store, engine);
    }

    [Fact]
    public void Restore_from_base_and_delta_gives_the_state_at_capture_for_any_commands_and_snapshots_between()
    {
        // Steps: 0–6 a batch of commands (new transfers, posting and voiding pendings old and new, repeated ids), 7–9 a snapshot
        // captured there and written after the next batch (as the node's writer thread does). Then the stop's snapshot, and
        // restores mapped and read must give the engine's state hash, and go on exactly as the engine does.
        Gen<(int[] Steps, bool Always)> gen = Gen.Select(Gen.Int[0, 9].Array[1, 10], Gen.Bool);
        Check.Sample(gen, t =>
        {
            using var dir = new TempDirectory();
            (SnapshotStore store, Engine engine) = FromTemplate(dir);
            double fraction = t.Always ? double.PositiveInfinity : LedgerState.MaxDeltaFraction;
            Engine.EngineSnapshot? pending = null;
            int deltas = 0, next = 0;
            foreach (int step in t.Steps)
            {
                if (step >= 7)
                {
                    if (pending is not null) deltas += Write(store, pending);
                    pending = Capture(store, engine, fraction);
                    continue;
                }
                Apply(engine, Batch(step, ref next));
                if (pending is not null) { deltas += Write(store, pending); pending = null; }
            }
            if (pending is not null) deltas += Write(store, pending);
            deltas += Write(store, Capture(store, engine, fraction)); // the stop's
            Interlocked.Add(ref _deltasWritten, deltas);

            IReadOnlyList<string> damaged = store.VerifyAll();
            Assert.True(damaged.Count == 0, string.Join("; ", damaged));
            string expected = engine.StateHashHex();
            Assert.True(store.TryRestoreLatest(Engine.ReadSnapshot, out _, out Engine? mapped));
            Assert.True(new SnapshotStore(dir.Path, new ForwardingFileSystem()).TryRestoreLatest(Engine.ReadSnapshot, out _, out Engine? read));
            Assert.True(store.TryOpenLatest(out _, out Stream opened));
            Engine streamed;
            using (opened) streamed = Engine.ReadSnapshot(opened);
            foreach (Engine restored in new[] { mapped!, read!, streamed }) Assert.Equal(expected, restored.StateHashHex());
            int again = next;
            foreach (Engine e in new[] { engine, mapped!, read!, streamed }) { next = again; Apply(e, Batch(3, ref next)); }
            foreach (Engine restored in new[] { mapped!, read!, streamed }) Assert.Equal(engine.StateHashHex(), restored.StateHashHex());
        }, iter: 12, threads: 1);
        Assert.True(_deltasWritten > 0, "no delta written in any case");
    }

    private static int _deltasWritten;

    [Fact]
    public void A_restarted_node_that_ran_on_writes_a_delta_of_what_changed_and_the_pruning_keeps_its_base()
    {
        using var dir = new TempDirectory();
        (SnapshotStore store, Engine engine) = FromTemplate(dir);
        long baseSequence = engine.Sequence;
        string baseName = SnapshotStore.NameFor(baseSequence);
        long fullBytes = new FileInfo(Path.Combine(dir.Path, baseName)).Length;
        int next = 0;
        var written = new List<long>();
        for (int i = 0; i < 4; i++)
        {
            Apply(engine, Batch(i, ref next));
            Engine.EngineSnapshot image = Capture(store, engine, double.PositiveInfinity);
            Assert.True(image.IsDelta);
            Assert.Equal(baseSequence, image.BaseFile!.Value.Sequence);
            Write(store, image);
            written.Add(engine.Sequence);
            // What changed since the base: the transfers' and metadata's last chunks, the chunks of the pendings posted and voided, accounts.
            long deltaBytes = new FileInfo(Path.Combine(dir.Path, SnapshotStore.NameFor(engine.Sequence))).Length;
            Assert.True(deltaBytes < fullBytes / 3, $"a delta of {deltaBytes} bytes against a full snapshot of {fullBytes}");
        }
        // The newest two and the base they name; the older deltas are gone.
        Assert.Equal([baseSequence, written[2], written[3]], store.List().Select(s => s.Sequence));

        // A full snapshot (deltas off) becomes the next base; the delta before it keeps its own base until it is pruned.
        Apply(engine, Batch(1, ref next));
        Engine.EngineSnapshot full = engine.CaptureSnapshot(incremental: false);
        Assert.False(full.IsDelta);
        Write(store, full);
        long fullSequence = engine.Sequence;
        Assert.Equal([baseSequence, written[3], fullSequence], store.List().Select(s => s.Sequence));
        Apply(engine, Batch(2, ref next));
        Engine.EngineSnapshot delta = Capture(store, engine, double.PositiveInfinity);
        Assert.Equal(fullSequence, delta.BaseFile!.Value.Sequence);
        Write(store, delta);
        Assert.Equal([fullSequence, engine.Sequence], store.List().Select(s => s.Sequence));
        Assert.True(store.TryRestoreLatest(Engine.ReadSnapshot, out long restoredAt, out Engine? restored));
        Assert.Equal(engine.Sequence, restoredAt);
        Assert.Equal(engine.StateHashHex(), restored!.StateHashHex());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Damage_to_the_delta_or_its_base_is_refused_and_reported(bool mappedPath)
    {
        using var dir = new TempDirectory();
        (SnapshotStore store, Engine engine) = FromTemplate(dir);
        string baseFile = Path.Combine(dir.Path, SnapshotStore.NameFor(engine.Sequence));
        long baseSequence = engine.Sequence;
        string baseHash = engine.StateHashHex();
        int next = 0;
        Apply(engine, Batch(0, ref next));
        Write(store, Capture(store, engine, double.PositiveInfinity));
        string deltaFile = Path.Combine(dir.Path, SnapshotStore.NameFor(engine.Sequence));
        Assert.Equal(SnapshotStore.DeltaFormatVersion, BinaryPrimitives.ReadUInt16LittleEndian(File.ReadAllBytes(deltaFile).AsSpan(4)));
        var reader = new SnapshotStore(dir.Path, mappedPath ? null : new ForwardingFileSystem());
        byte[] delta = File.ReadAllBytes(deltaFile), full = File.ReadAllBytes(baseFile);
        const string Damaged = "checksum mismatch: the snapshot is damaged";

        // A damaged delta: refused; the restore falls back to its base.
        File.WriteAllBytes(deltaFile, Flipped(delta, delta.Length / 2));
        Assert.True(reader.TryRestoreLatest(Engine.ReadSnapshot, out long sequence, out Engine? restored));
        Assert.Equal(baseSequence, sequence);
        Assert.Equal(baseHash, restored!.StateHashHex());
        Assert.Equal($"{deltaFile}: {Damaged}", Assert.Single(reader.LastRejected));
        Assert.Equal($"{deltaFile}: {Damaged}", Assert.Single(reader.VerifyAll()));
        File.WriteAllBytes(deltaFile, delta);

        // A damaged base: both refused (nothing left: a node replays its journal).
        File.WriteAllBytes(baseFile, Flipped(full, 4096 + SnapshotStore.BlockBytes + 99));
        Assert.False(reader.TryRestoreLatest(Engine.ReadSnapshot, out _, out Engine? _));
        string baseName = SnapshotStore.NameFor(baseSequence);
        Assert.Equal([$"{deltaFile}: its base {baseName}: {Damaged}", $"{baseFile}: {Damaged}"], reader.LastRejected);
        Assert.Equal([$"{baseFile}: {Damaged}", $"{deltaFile}: its base {baseName}: {Damaged}"], reader.VerifyAll());
        Assert.False(reader.TryOpenLatest(out _, out _));

        // Another file under the base's name (its checksum differs from the one the delta names).
        Engine other = MappedSnapshotTests.EngineWithTransfers(1_000);
        using (var otherDir = new TempDirectory())
        {
            var otherStore = new SnapshotStore(otherDir.Path);
            otherStore.Write(baseSequence, other.WriteSnapshot);
            File.Copy(Path.Combine(otherDir.Path, baseName), baseFile, overwrite: true);
        }
        Assert.True(reader.TryRestoreLatest(Engine.ReadSnapshot, out sequence, out _));
        Assert.Equal(baseSequence, sequence); // the other file, a valid full snapshot
        Assert.StartsWith($"{deltaFile}: its base {baseName}: not the file the delta was written against", Assert.Single(reader.LastRejected));

        // The base gone: the delta is reported and skipped.
        File.Delete(baseFile);
        Assert.False(reader.TryRestoreLatest(Engine.ReadSnapshot, out _, out Engine? _));
        Assert.Equal($"{deltaFile}: its base {baseName} is missing", Assert.Single(reader.LastRejected));
        Assert.Equal($"{deltaFile}: its base {baseName} is missing", Assert.Single(reader.VerifyAll()));
        Assert.False(reader.Holds(new SnapshotFileId(baseSequence, 0)));
    }

    [Fact]
    public async Task A_mapped_restore_makes_the_id_table_its_own_beside_the_engine_once_verified()
    {
        if (!Corridor.Storage.Files.MappedFile.IsSupported) return;
        using var dir = new TempDirectory();
        (SnapshotStore restoredBy, Engine engine) = FromTemplate(dir);
        Assert.Equal("5 MiB of the id table being made the node's own beside the engine", restoredBy.LastIdTable); // a machine that runs the tests has twice 5 MiB free
        string file = Path.Combine(dir.Path, SnapshotStore.NameFor(engine.Sequence));
        // 140,000 ids at ≤ 75 %: 2^18 slots of 20 bytes, 5,120 KiB, all copied into the process's own pages on a thread of
        // their own; without that, a restore writes none of them (the id table is read where it lies until ids are added).
        const long tableKib = (1L << 18) * 20 / 1024;
        long anonymous = 0;
        for (int i = 0; i < 300 && (anonymous = AnonymousKibOf(file)) < tableKib; i++) await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.InRange(anonymous, tableKib, tableKib + 1024);
        Assert.Equal(Template.Value.Engine.StateHashHex(), engine.StateHashHex());
        int next = 0;
        Apply(engine, Batch(0, ref next)); // adds ids into those pages
        Assert.True(store(dir).TryRestoreLatest(Engine.ReadSnapshot, out _, out Engine? again));
        Assert.Equal(Template.Value.Engine.StateHashHex(), again!.StateHashHex()); // the file never changed
        GC.KeepAlive(engine);

        static SnapshotStore store(TempDirectory d) => new(d.Path);
    }

    /// <summary>KiB of the process's mappings of <paramref name="path"/> that are its own copies (smaps' "Anonymous").</summary>
    private static long AnonymousKibOf(string path)
    {
        long kib = 0;
        bool inside = false;
        foreach (string line in File.ReadLines("/proc/self/smaps"))
        {
            int space = line.IndexOf(' ');
            if (space > 0 && line[space - 1] != ':') // a mapping's line ("start-end perms offset dev inode path"), not one of its fields ("Rss: …")
            {
                inside = line.EndsWith(" " + path, StringComparison.Ordinal) || line.EndsWith(" " + path + " (deleted)", StringComparison.Ordinal);
                continue;
            }
            if (inside && line.StartsWith("Anonymous:", StringComparison.Ordinal))
                kib += long.Parse(line.AsSpan(10).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        return kib;
    }

    [Fact]
    public void A_node_writes_deltas_against_the_snapshot_it_restored_and_a_full_one_without_a_base()
    {
        using var dir = new TempDirectory();
        (SnapshotStore store, Engine engine) = FromTemplate(dir);
        // Without the base in the store (an operator deleted it), the next snapshot is full.
        string baseFile = Path.Combine(dir.Path, SnapshotStore.NameFor(engine.Sequence));
        File.Move(baseFile, baseFile + ".away");
        int next = 0;
        Apply(engine, Batch(0, ref next));
        Assert.False(store.Holds(engine.SnapshotBaseFile!.Value));
        Engine.EngineSnapshot image = Capture(store, engine, double.PositiveInfinity);
        Assert.False(image.IsDelta);
        Write(store, image);
        // That full one is the base from now on.
        Apply(engine, Batch(1, ref next));
        image = Capture(store, engine, double.PositiveInfinity);
        Assert.True(image.IsDelta);
        Assert.Equal(engine.Sequence - 1, image.BaseFile!.Value.Sequence);
        Write(store, image);
        Assert.True(store.TryRestoreLatest(Engine.ReadSnapshot, out _, out Engine? restored));
        Assert.Equal(engine.StateHashHex(), restored!.StateHashHex());
    }

    [Fact]
    public void Pending_transfers_that_expire_are_found_again_by_a_mapped_restore_of_a_full_snapshot_and_of_a_delta()
    {
        // Pendings with a timeout in whole chunks of the base and in the delta: a mapped restore finds them while it hashes
        // the files (not through the mapping); they expire as in the original.
        using var dir = new TempDirectory();
        var engine = new Engine();
        var accounts = new Account[Accounts];
        for (int i = 0; i < Accounts; i++) accounts[i] = new Account { Id = (UInt128)(1_000_001 + i), Ledger = 840, Code = 1, Participant = 1 };
        Apply(engine, CommandBatch.Encode<Account>(Operation.CreateAccounts, accounts), expectOk: true);
        for (int start = 0; start < 140_000; start += 10_000) Apply(engine, Timed(start, 10_000, timeout: (uint)(100 + start / 1_000)), expectOk: true);
        var store = new SnapshotStore(dir.Path);
        Write(store, Capture(store, engine, double.PositiveInfinity));
        Apply(engine, Timed(200_000, 5_000, timeout: 50), expectOk: true);
        Engine.EngineSnapshot delta = Capture(store, engine, double.PositiveInfinity);
        Assert.True(delta.IsDelta);
        Write(store, delta);
        int pending = engine.Ledger.PendingExpiryCount;
        Assert.True(pending > 20_000);

        Assert.True(store.TryRestoreLatest(Engine.ReadSnapshot, out _, out Engine? fromDelta));
        Assert.Equal(pending, fromDelta!.Ledger.PendingExpiryCount);
        File.Delete(Path.Combine(dir.Path, SnapshotStore.NameFor(engine.Sequence))); // the delta: the full one is next
        Assert.True(store.TryRestoreLatest(Engine.ReadSnapshot, out long fullAt, out Engine? fromFull));
        Assert.Equal(engine.Sequence - 1, fullAt);
        Assert.True(fromFull!.Ledger.PendingExpiryCount > 20_000);
        Apply(fromFull, Timed(200_000, 5_000, timeout: 50), expectOk: true); // to the delta's batch again
        foreach (Engine e in new[] { engine, fromDelta, fromFull })
        {
            // 120 s on: the pendings of timeouts up to 120 s expire (voided), the others stay.
            var replies = new List<CommandReply>();
            e.Apply(e.Sequence + 1, 1_700_000_000_000_000_000UL + (ulong)e.Sequence * 1_000 + 120_000_000_000UL,
                CommandBatch.Encode<Transfer>(Operation.CreateTransfers, [new Transfer { Id = 99_999_999, DebitAccountId = 1_000_001, CreditAccountId = 1_000_002, Amount = 1, Ledger = 840, Code = 1 }]), replies);
        }
        Assert.True(engine.Ledger.PendingExpiryCount < pending);
        Assert.Equal(engine.StateHashHex(), fromDelta.StateHashHex());
        Assert.Equal(engine.StateHashHex(), fromFull.StateHashHex());
        Assert.Equal(engine.Ledger.PendingExpiryCount, fromDelta.Ledger.PendingExpiryCount);
        Assert.Equal(engine.Ledger.PendingExpiryCount, fromFull.Ledger.PendingExpiryCount);
    }

    /// <summary><paramref name="count"/> transfers from id 60,000,000 + <paramref name="first"/>, every fifth pending with a timeout.</summary>
    private static byte[] Timed(int first, int count, uint timeout)
    {
        var items = new Transfer[count];
        for (int i = 0; i < count; i++)
        {
            int n = first + i;
            bool pending = n % 5 == 0;
            items[i] = new Transfer
            {
                Id = (UInt128)(60_000_000 + n), DebitAccountId = (UInt128)(1_000_001 + n % Accounts), CreditAccountId = (UInt128)(1_000_001 + (n + 1) % Accounts),
                Amount = 1, Ledger = 840, Code = 1, Flags = pending ? TransferFlags.Pending : TransferFlags.None, TimeoutSeconds = pending ? timeout : 0,
            };
        }
        return CommandBatch.Encode<Transfer>(Operation.CreateTransfers, items);
    }

    // ───────────────────────────── helpers ─────────────────────────────

    /// <summary>As the node captures: a delta when the store still holds the engine's base.</summary>
    private static Engine.EngineSnapshot Capture(SnapshotStore store, Engine engine, double fraction) =>
        engine.CaptureSnapshot(engine.SnapshotBaseFile is { } b && store.Holds(b), fraction);

    /// <summary>As the node's writer: writes, tells the image where it went, releases it; 1 for a delta.</summary>
    private static int Write(SnapshotStore store, Engine.EngineSnapshot image)
    {
        try { image.Written(store.Write(image.Sequence, image.WriteTo, image.BaseFile)); }
        finally { image.Release(); }
        return image.IsDelta ? 1 : 0;
    }

    private static byte[] Flipped(byte[] bytes, long at)
    {
        byte[] copy = (byte[])bytes.Clone();
        copy[at] ^= 0x10;
        return copy;
    }

    /// <summary>
    /// A batch of kind <paramref name="kind"/>: new transfers (some pending, some linked in a chain that fails and rolls back),
    /// posts and voids of pending transfers of the template's first chunks and of new ones, and ids repeated.
    /// </summary>
    private static byte[] Batch(int kind, ref int next)
    {
        var items = new List<Transfer>();
        int count = 200 + kind * 1_700;
        for (int i = 0; i < count; i++)
        {
            int n = next++;
            items.Add(new Transfer
            {
                Id = (UInt128)(70_000_000 + n), DebitAccountId = (UInt128)(1_000_001 + n % Accounts), CreditAccountId = (UInt128)(1_000_001 + (n + 1 + kind) % Accounts),
                Amount = 1 + kind, Ledger = 840, Code = 1, Flags = n % 4 == 0 ? TransferFlags.Pending : TransferFlags.None,
            });
        }
        for (int i = 0; i < 40; i++)
        {
            int old = (kind * 977 + i * 3_001) % Transfers / 3 * 3; // a pending of the template, in any of its chunks
            items.Add(new Transfer { Id = (UInt128)(80_000_000 + next++), PendingId = (UInt128)(50_000_000 + old), Flags = i % 2 == 0 ? TransferFlags.PostPendingTransfer : TransferFlags.VoidPendingTransfer });
            int recent = Math.Max(0, next - 500 - i * 4) / 4 * 4; // a pending made since (or already resolved: an error, the same everywhere)
            items.Add(new Transfer { Id = (UInt128)(80_000_000 + next++), PendingId = (UInt128)(70_000_000 + recent), Flags = TransferFlags.VoidPendingTransfer });
        }
        items.Add(new Transfer { Id = (UInt128)(70_000_000 + next / 2), DebitAccountId = 1_000_001, CreditAccountId = 1_000_002, Amount = 1, Ledger = 840, Code = 1 }); // an id seen before
        items.Add(new Transfer { Id = (UInt128)(90_000_000 + next), DebitAccountId = 1_000_001, CreditAccountId = 1_000_002, Amount = 1, Ledger = 840, Code = 1, Flags = TransferFlags.Linked });
        items.Add(new Transfer { Id = (UInt128)(90_000_001 + next), DebitAccountId = 1_000_001, CreditAccountId = 1_000_001, Amount = 1, Ledger = 840, Code = 1 }); // fails: the chain rolls back
        next += 2;
        return CommandBatch.Encode<Transfer>(Operation.CreateTransfers, items.ToArray());
    }

    /// <summary>Applies a batch as the next one; its items may fail (the same on every copy of the state).</summary>
    private static void Apply(Engine engine, byte[] body, bool expectOk = false)
    {
        var replies = new List<CommandReply>();
        engine.Apply(engine.Sequence + 1, 1_700_000_000_000_000_000UL + (ulong)engine.Sequence * 1_000, body, replies);
        if (expectOk) Assert.True(replies.Single().AllOk);
    }
}
