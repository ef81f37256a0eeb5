using System.IO.Hashing;

namespace Corridor.Core.Engine;

/// <summary>Small pieces the state sections share when they write snapshots and feed the state hash.</summary>
internal static class SnapshotIO
{
    public static void Write128(BinaryWriter w, UInt128 v) { w.Write((ulong)v); w.Write((ulong)(v >> 64)); }

    public static UInt128 Read128(BinaryReader r) { ulong lo = r.ReadUInt64(); return new UInt128(r.ReadUInt64(), lo); }
}

/// <summary>Write-only stream that feeds an incremental hash (a state section hashed by writing its snapshot form).</summary>
internal sealed class HashingStream(XxHash128 hash) : Stream
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
