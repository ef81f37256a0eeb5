using System.Buffers.Binary;
using System.Security.Cryptography;
using Corridor.Storage.Journal;

namespace Corridor.Storage.Tests;

/// <summary>The on-disk record layout is a contract with every journal ever written: pin it byte by byte.</summary>
public sealed class BatchRecordTests
{
    [Fact]
    public void Crc32C_matches_the_Castagnoli_check_value()
    {
        Assert.Equal(0xE3069283u, BatchRecord.Crc32C("123456789"u8));
        Assert.Equal(0u, BatchRecord.Crc32C([]));
    }

    [Fact]
    public void Header_layout_on_disk_is_as_documented()
    {
        using var dir = new TempDirectory();
        byte[] body = [1, 2, 3, 4, 5];
        byte[] firstHash;
        using (FileJournal journal = FileJournal.Open(dir.Path))
        {
            journal.Append(1, 123_456_789UL, body);
            firstHash = journal.LastHash;
            journal.Append(2, 987UL, body);
        }
        byte[] file = File.ReadAllBytes(dir.File("journal-00000000000000000001.seg"));
        Assert.Equal(2 * (100 + body.Length), file.Length);
        ReadOnlySpan<byte> h = file.AsSpan(0, 100);
        Assert.Equal("CRDJ"u8.ToArray(), h[..4].ToArray());
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(h[4..]));
        Assert.Equal(100, BinaryPrimitives.ReadUInt16LittleEndian(h[6..]));
        Assert.Equal(5u, BinaryPrimitives.ReadUInt32LittleEndian(h[8..]));
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(h[12..]));
        Assert.Equal(1UL, BinaryPrimitives.ReadUInt64LittleEndian(h[16..]));
        Assert.Equal(123_456_789UL, BinaryPrimitives.ReadUInt64LittleEndian(h[24..]));
        Assert.Equal(new byte[32], h[32..64].ToArray());
        Assert.Equal(SHA256.HashData(body), h[64..96].ToArray());
        Assert.Equal(BatchRecord.Crc32C(h[..96]), BinaryPrimitives.ReadUInt32LittleEndian(h[96..]));
        Assert.Equal(body, file[100..105]);
        Assert.Equal(SHA256.HashData(h), firstHash);
        Assert.Equal(firstHash, file.AsSpan(105 + 32, 32).ToArray()); // batch 2 names batch 1's hash
    }
}
