using System.Buffers.Binary;
using Corridor.Storage.Files;

namespace Corridor.Storage.Journal;

/// <summary>
/// The file journal's redundant record of what it acknowledged: <c>journal.commit</c>, written after every batch is
/// durable, so recovery can tell a torn write of the one unacknowledged batch (the tail past this record) from lost
/// acknowledged data (the journal ends before it). Two copies in separate 4 KiB blocks, written alternately, each
/// checksummed: a torn or damaged copy leaves the other, one batch older. Format 1, little-endian, per copy:
/// <code>
///  offset size  field
///       0    4  magic                 "CRDA" (0x41445243)
///       4    2  format version        1
///       6    2  copy bytes            128
///       8    8  sequence              last acknowledged batch
///      16    8  segment               first sequence of the segment holding it (its file name)
///      24    8  end offset            byte offset in that segment where its record ends
///      32   32  hash                  the batch's chain hash (SHA-256 of its header)
///      64   60  reserved              0
///     124    4  CRC-32C of bytes 0..123
/// </code>
/// The file never claims a batch that was not durable: it is written only after the batch's fdatasync returned.
/// </summary>
internal sealed record CommitRecord(long Sequence, long SegmentFirstSequence, long EndOffset, byte[] Hash)
{
    public const string FileName = "journal.commit";
    public const uint Magic = 0x41445243; // "CRDA"
    public const ushort FormatVersion = 1;
    public const int CopyBytes = 128;
    public const int BlockBytes = 4096;
    public const int FileBytes = 2 * BlockBytes;
    private const int CrcOffset = 124;

    /// <summary>Where copy <paramref name="sequence"/> % 2 lives: consecutive writes alternate, so one torn write never hits both.</summary>
    public static long OffsetOf(long sequence) => (sequence & 1) * BlockBytes;

    /// <summary>Fills <paramref name="copy"/> (<see cref="CopyBytes"/>) with a copy attesting batch <paramref name="sequence"/>; no allocation (once per group commit).</summary>
    public static void Write(Span<byte> copy, long sequence, long segmentFirstSequence, long endOffset, ReadOnlySpan<byte> hash)
    {
        copy[..CopyBytes].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(copy, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(copy[4..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(copy[6..], CopyBytes);
        BinaryPrimitives.WriteInt64LittleEndian(copy[8..], sequence);
        BinaryPrimitives.WriteInt64LittleEndian(copy[16..], segmentFirstSequence);
        BinaryPrimitives.WriteInt64LittleEndian(copy[24..], endOffset);
        hash.CopyTo(copy[32..]);
        BinaryPrimitives.WriteUInt32LittleEndian(copy[CrcOffset..], BatchRecord.Crc32C(copy[..CrcOffset]));
    }

    /// <summary>A copy that verifies (magic, version, size, CRC), else null.</summary>
    public static CommitRecord? ReadCopy(ReadOnlySpan<byte> copy)
    {
        if (copy.Length < CopyBytes || BinaryPrimitives.ReadUInt32LittleEndian(copy) != Magic) return null;
        if (BinaryPrimitives.ReadUInt16LittleEndian(copy[4..]) != FormatVersion || BinaryPrimitives.ReadUInt16LittleEndian(copy[6..]) != CopyBytes) return null;
        if (BinaryPrimitives.ReadUInt32LittleEndian(copy[CrcOffset..]) != BatchRecord.Crc32C(copy[..CrcOffset])) return null;
        long sequence = BinaryPrimitives.ReadInt64LittleEndian(copy[8..]);
        long segment = BinaryPrimitives.ReadInt64LittleEndian(copy[16..]);
        long end = BinaryPrimitives.ReadInt64LittleEndian(copy[24..]);
        if (sequence < 1 || segment < 1 || segment > sequence || end < BatchRecord.HeaderBytes) return null;
        return new CommitRecord(sequence, segment, end, copy.Slice(32, BatchRecord.HashBytes).ToArray());
    }

    /// <summary>What the file says: the newest copy that verifies, and how many copies did not (0, 1 or 2).</summary>
    public readonly record struct Reading(bool Exists, CommitRecord? Newest, int DamagedCopies, long FileBytes);

    public static Reading Read(IFileSystem files, string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!files.EnumerateFiles(directory, FileName).Any()) return new Reading(false, null, 0, 0);
        using IFileHandle file = files.Open(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> copy = stackalloc byte[CopyBytes];
        CommitRecord? newest = null;
        int damaged = 0;
        for (int k = 0; k < 2; k++)
        {
            copy.Clear();
            int n = file.Read(copy, k * BlockBytes);
            CommitRecord? r = n == CopyBytes ? ReadCopy(copy) : null;
            // A copy never written yet (the file's first batch) is all zeros, not damage.
            if (r is null) { if (n == CopyBytes && copy.ContainsAnyExcept((byte)0)) damaged++; continue; }
            if (newest is null || r.Sequence > newest.Sequence) newest = r;
        }
        return new Reading(true, newest, damaged, file.Length);
    }

    /// <summary>Check of a scanned journal against the record: null when every acknowledged batch is there, else what is missing.</summary>
    public string? MissingFrom(long lastValidSequence, ReadOnlySpan<byte> hashAtSequence, string segmentPath)
    {
        if (lastValidSequence < Sequence)
            return $"batches {lastValidSequence + 1}..{Sequence} were acknowledged (the commit record {FileName} attests batch {Sequence} ending at byte {EndOffset} of {segmentPath}) but the journal's valid batches end at batch {lastValidSequence}: acknowledged data was lost";
        if (!hashAtSequence.IsEmpty && !hashAtSequence.SequenceEqual(Hash))
            return $"batch {Sequence} hashes to {Convert.ToHexStringLower(hashAtSequence)}, the commit record {FileName} attests {Convert.ToHexStringLower(Hash)}: the journal is another history than the one acknowledged";
        return null;
    }
}
