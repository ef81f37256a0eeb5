using System.Buffers.Binary;
using System.IO.Hashing;
using Corridor.Core.Engine;
using Corridor.Core.Ledger;
using Corridor.Storage.Files;
using Corridor.Storage.Journal;

namespace Corridor.Storage.Tests;

/// <summary>
/// Snapshots restored by mapping the file copy-on-write (the real file system) against restored by reading it (any other
/// file system, here the real one behind a forwarding wrapper, as the simulated disk would be): the same state, the same
/// rejections, and the file never changes under a mapped state that goes on.
/// </summary>
public sealed class MappedSnapshotTests
{
    private const int Accounts = 10;
    private const int Transfers = 150_000; // two whole 65,536-transfer chunks (mapped) and a partial one; an id table of 4 pages

    [Fact]
    public void A_mapped_restore_goes_on_like_the_original_and_leaves_the_file_unchanged()
    {
        using var dir = new TempDirectory();
        Engine original = LargeEngine();
        var store = new SnapshotStore(dir.Path);
        store.Write(original.Sequence, original.WriteSnapshot);
        string file = Path.Combine(dir.Path, SnapshotStore.NameFor(original.Sequence));
        UInt128 fileHash = XxHash128.HashToUInt128(File.ReadAllBytes(file));

        Assert.True(store.TryRestoreLatest(Engine.ReadSnapshot, out _, out Engine? mapped));
        Assert.True(new SnapshotStore(dir.Path, new ForwardingFileSystem()).TryRestoreLatest(Engine.ReadSnapshot, out _, out Engine? read));
        Assert.Equal(original.StateHashHex(), mapped!.StateHashHex());
        Assert.Equal(original.StateHashHex(), read!.StateHashHex());
        Assert.Contains(file, File.ReadAllText("/proc/self/maps")); // the restored state lies in the file's pages
        // The checksum covered every 1 MiB block, some perhaps from the restore's own reads of the transfers (read once).
        long contentBytes = new FileInfo(file).Length - SnapshotStore.HeaderBytes - 16;
        Assert.Equal((int)((contentBytes + SnapshotStore.BlockBytes - 1) / SnapshotStore.BlockBytes), store.LastChecksumBlocks.Blocks);
        Assert.InRange(store.LastChecksumBlocks.HashedByRestore, 0, store.LastChecksumBlocks.Blocks);

        // A snapshot captured from the mapped state before it changes, written after: copy on write of mapped chunks and id pages.
        string before = mapped.StateHashHex();
        Engine.EngineSnapshot captured = mapped.CaptureSnapshot();
        foreach (Engine engine in new[] { original, mapped, read }) GoOn(engine);
        Assert.Equal(original.StateHashHex(), mapped.StateHashHex());
        Assert.Equal(original.StateHashHex(), read.StateHashHex());
        Assert.NotEqual(before, mapped.StateHashHex());
        using var later = new TempDirectory();
        new SnapshotStore(later.Path).Write(captured.Sequence, captured.WriteTo);
        captured.Release();
        Assert.True(new SnapshotStore(later.Path).TryRestoreLatest(Engine.ReadSnapshot, out _, out Engine? fromCapture));
        Assert.Equal(before, fromCapture!.StateHashHex());

        // The engine wrote into mapped pages (posted and voided pending transfers of the first chunks): private copies only.
        Assert.Equal(fileHash, XxHash128.HashToUInt128(File.ReadAllBytes(file)));
        Assert.True(store.TryRestoreLatest(Engine.ReadSnapshot, out _, out Engine? again));
        Assert.Equal(before, again!.StateHashHex());
        GC.KeepAlive(mapped);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Damage_in_any_block_is_a_checksum_mismatch_mapped_or_read(bool mappedPath)
    {
        using var dir = new TempDirectory();
        Engine engine = LargeEngine();
        var store = new SnapshotStore(dir.Path, mappedPath ? null : new ForwardingFileSystem());
        store.Write(engine.Sequence, engine.WriteSnapshot);
        string file = Path.Combine(dir.Path, SnapshotStore.NameFor(engine.Sequence));
        byte[] bytes = File.ReadAllBytes(file);
        Assert.True(bytes.Length > 10 * SnapshotStore.BlockBytes);
        foreach (long at in new[] { 4096L + 5 * SnapshotStore.BlockBytes + 77, bytes.Length - 20 })
        {
            byte[] damaged = (byte[])bytes.Clone();
            damaged[at] ^= 0x10;
            File.WriteAllBytes(file, damaged);
            Assert.False(store.TryRestoreLatest(Engine.ReadSnapshot, out _, out Engine? _));
            Assert.Equal($"{file}: checksum mismatch: the snapshot is damaged", Assert.Single(store.LastRejected));
            Assert.Equal($"{file}: checksum mismatch: the snapshot is damaged", Assert.Single(store.VerifyAll()));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_file_of_format_1_is_still_read(bool mappedPath)
    {
        using var dir = new TempDirectory();
        Engine engine = EngineWithTransfers(1_000);
        var content = new MemoryStream();
        engine.WriteSnapshot(content);
        // Format 1: a 32-byte header, the content, XxHash128 over content then header.
        byte[] header = new byte[32];
        BinaryPrimitives.WriteUInt32LittleEndian(header, SnapshotStore.Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 32);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(8), engine.Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), content.Length);
        var checksum = new XxHash128();
        checksum.Append(content.ToArray());
        checksum.Append(header);
        File.WriteAllBytes(Path.Combine(dir.Path, SnapshotStore.NameFor(engine.Sequence)), [.. header, .. content.ToArray(), .. checksum.GetCurrentHash()]);

        var store = new SnapshotStore(dir.Path, mappedPath ? null : new ForwardingFileSystem());
        Assert.Empty(store.VerifyAll());
        Assert.True(store.TryRestoreLatest(Engine.ReadSnapshot, out long sequence, out Engine? restored));
        Assert.Equal(engine.Sequence, sequence);
        Assert.Equal(engine.StateHashHex(), restored!.StateHashHex());
        Assert.True(store.TryOpenLatest(out _, out Stream opened));
        using (opened) Assert.Equal(engine.StateHashHex(), Engine.ReadSnapshot(opened).StateHashHex());
    }

    private static Engine LargeEngine() => EngineWithTransfers(Transfers);

    /// <summary>Accounts, then <paramref name="transfers"/> transfers in batches of 8,000, every third one pending (each batch all ok).</summary>
    internal static Engine EngineWithTransfers(int transfers)
    {
        var engine = new Engine();
        var accounts = new Account[Accounts];
        for (int i = 0; i < Accounts; i++) accounts[i] = new Account { Id = (UInt128)(1_000_001 + i), Ledger = 840, Code = 1, Participant = 1 };
        Apply(engine, CommandBatch.Encode<Account>(Operation.CreateAccounts, accounts));
        for (int start = 0; start < transfers; start += 8_000)
        {
            var items = new Transfer[Math.Min(8_000, transfers - start)];
            for (int i = 0; i < items.Length; i++)
            {
                int n = start + i;
                items[i] = new Transfer
                {
                    Id = (UInt128)(50_000_000 + n), DebitAccountId = (UInt128)(1_000_001 + n % Accounts), CreditAccountId = (UInt128)(1_000_001 + (n + 3) % Accounts),
                    Amount = 1, Ledger = 840, Code = 1, Flags = n % 3 == 0 ? TransferFlags.Pending : TransferFlags.None,
                };
            }
            Apply(engine, CommandBatch.Encode<Transfer>(Operation.CreateTransfers, items));
        }
        return engine;
    }

    /// <summary>Posts and voids pending transfers in the first (mapped) chunks, creates new transfers and repeats old ids.</summary>
    private static void GoOn(Engine engine)
    {
        var items = new List<Transfer>();
        for (int n = 0; n < 3_000; n += 3)
            items.Add(new Transfer
            {
                Id = (UInt128)(90_000_000 + n), PendingId = (UInt128)(50_000_000 + n * 40),
                Flags = n % 2 == 0 ? TransferFlags.PostPendingTransfer : TransferFlags.VoidPendingTransfer,
            });
        for (int n = 0; n < 20_000; n++)
            items.Add(new Transfer { Id = (UInt128)(95_000_000 + n), DebitAccountId = 1_000_001, CreditAccountId = 1_000_002, Amount = 2, Ledger = 840, Code = 1 });
        items.Add(new Transfer { Id = 50_000_001, DebitAccountId = 1_000_002, CreditAccountId = 1_000_005, Amount = 1, Ledger = 840, Code = 1 }); // exists
        var replies = new List<CommandReply>();
        engine.Apply(engine.Sequence + 1, 1_800_000_000_000_000_000UL + (ulong)engine.Sequence, CommandBatch.Encode<Transfer>(Operation.CreateTransfers, items.ToArray()), replies);
        CommandReply reply = Assert.Single(replies);
        ItemResult exists = Assert.Single(reply.Errors);
        Assert.Equal((ushort)CreateTransferResult.Exists, exists.Code);
    }

    private static void Apply(Engine engine, byte[] body)
    {
        var replies = new List<CommandReply>();
        engine.Apply(engine.Sequence + 1, 1_700_000_000_000_000_000UL + (ulong)engine.Sequence, body, replies);
        Assert.True(replies.Single().AllOk);
    }
}
