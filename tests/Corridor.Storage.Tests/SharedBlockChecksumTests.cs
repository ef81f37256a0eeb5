using CsCheck;
using Corridor.Storage.Journal;

namespace Corridor.Storage.Tests;

/// <summary>
/// A mapped restore's checksum is computed from the restore's own reads where they are whole blocks, the rest by the
/// checksum's thread: the verdict is the same as one pass over the file, whoever read which block, and a block the
/// restore hashed counts like any other.
/// </summary>
public sealed class SharedBlockChecksumTests
{
    private const int Block = SnapshotStore.BlockBytes;

    /// <summary>A format-2 file written by the store around <paramref name="content"/>; its header and content length as a restore reads them.</summary>
    private static (string File, byte[] Header, long ContentBytes) Written(TempDirectory dir, byte[] content)
    {
        new SnapshotStore(dir.Path).Write(1, s => s.Write(content));
        string file = Path.Combine(dir.Path, SnapshotStore.NameFor(1));
        byte[] header = File.ReadAllBytes(file).AsSpan(0, SnapshotStore.HeaderBytes).ToArray();
        return (file, header, new FileInfo(file).Length - SnapshotStore.HeaderBytes - 16);
    }

    [Fact]
    public void Whole_blocks_read_by_the_restore_are_hashed_once_and_the_verdict_is_that_of_the_file()
    {
        Gen<(int Blocks, int Tail, int[] Reads, bool Concurrent)> gen = Gen.Select(Gen.Int[1, 6], Gen.Int[0, 3000], Gen.Int[0, 7].Array[0, 12], Gen.Bool);
        gen.Sample(x =>
        {
            using var dir = new TempDirectory();
            byte[] content = new byte[x.Blocks * Block + x.Tail];
            new Random(x.Blocks * 7919 + x.Tail).NextBytes(content);
            (string file, byte[] header, long contentBytes) = Written(dir, content);
            Assert.Equal(content.Length, contentBytes);
            using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.Read);
            var blocks = new SnapshotStore.SharedBlockChecksum(handle, SnapshotStore.HeaderBytes, contentBytes);
            int count = (int)((contentBytes + Block - 1) / Block);
            Assert.Equal(count, blocks.Blocks);

            // The restore's reads: whole blocks (some twice) and, for odd picks, a piece across a block boundary (never claims).
            void ReadAsRestore()
            {
                foreach (int pick in x.Reads)
                {
                    int block = pick % count;
                    long at = (long)block * Block + (pick % 2 == 1 ? 100 : 0);
                    int length = (int)Math.Min(Block, contentBytes - at);
                    if (length <= 0) continue;
                    byte[] read = new byte[length];
                    blocks.Read(at, read);
                    Assert.True(content.AsSpan((int)at, length).SequenceEqual(read));
                }
            }
            if (x.Concurrent)
            {
                Task restore = Task.Run(ReadAsRestore);
                Assert.True(blocks.Matches(header));
                restore.GetAwaiter().GetResult();
                Assert.InRange(blocks.HashedByReads, 0, count);
            }
            else
            {
                ReadAsRestore();
                Assert.Equal(x.Reads.Where(p => p % 2 == 0).Select(p => p % count).Distinct().Count(), blocks.HashedByReads);
                Assert.True(blocks.Matches(header));
            }
        }, iter: 60);
    }

    [Fact]
    public void Damage_in_a_block_the_restore_hashed_is_a_mismatch()
    {
        using var dir = new TempDirectory();
        byte[] content = new byte[3 * Block + 512];
        new Random(5).NextBytes(content);
        (string file, byte[] header, long contentBytes) = Written(dir, content);
        byte[] bytes = File.ReadAllBytes(file);
        bytes[SnapshotStore.HeaderBytes + Block + 9] ^= 0x01; // in block 1
        File.WriteAllBytes(file, bytes);
        using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.Read);
        var blocks = new SnapshotStore.SharedBlockChecksum(handle, SnapshotStore.HeaderBytes, contentBytes);
        blocks.Read(Block, new byte[Block]); // the restore reads (and hashes) the damaged block
        Assert.Equal(1, blocks.HashedByReads);
        Assert.False(blocks.Matches(header));
    }

    [Fact]
    public void A_file_shorter_than_its_header_says_is_a_mismatch_not_a_hang()
    {
        using var dir = new TempDirectory();
        byte[] content = new byte[2 * Block];
        (string file, byte[] header, long contentBytes) = Written(dir, content);
        using (var stream = new FileStream(file, FileMode.Open)) stream.SetLength(SnapshotStore.HeaderBytes + Block + 10);
        using var handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.Read);
        var blocks = new SnapshotStore.SharedBlockChecksum(handle, SnapshotStore.HeaderBytes, contentBytes);
        Assert.Throws<EndOfStreamException>(() => blocks.Read(Block, new byte[Block])); // the restore's read fails and gives its claim back
        Assert.False(blocks.Matches(header));
    }
}
