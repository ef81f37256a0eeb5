namespace Corridor.Core.Exchange;

/// <summary>
/// Append-only storage for byte strings kept for the life of a state (a PvP payment's journaled bytes): each is copied
/// into a shared chunk and handed back as a slice of it. Chunks start at 4 KiB and double up to 256 KiB, so a small state
/// takes little, and a large one keeps its bytes in arrays on the large-object heap, which the collector neither copies
/// nor walks — one array per payment had been the state's most-copied object as it aged through the generations. A
/// slice never changes once written (the arena only appends), so a snapshot capture may refer to it from another thread.
/// Full-size chunks are pinned and allocated one ahead, whose pages <see cref="Engine.FreshPages"/>' thread faults in
/// while this one fills: copying into a fresh chunk had been the engine thread's costliest page faults.
/// </summary>
internal sealed class ByteArena
{
    internal const int FirstChunkBytes = 4096;
    internal const int MaxChunkBytes = 256 * 1024;

    private byte[] _chunk = [];
    private byte[]? _next; // the full-size chunk after this one, its pages being faulted in
    private int _used;

    /// <summary>A slice of the arena holding a copy of <paramref name="bytes"/>.</summary>
    public ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> bytes)
    {
        Memory<byte> slot = Allocate(bytes.Length);
        bytes.CopyTo(slot.Span);
        return slot;
    }

    /// <summary>A fresh slice of <paramref name="length"/> bytes for the caller to fill before anyone reads it.</summary>
    public Memory<byte> Allocate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length == 0) return Memory<byte>.Empty;
        if (_chunk.Length - _used < length)
        {
            // A byte string larger than a chunk gets a chunk of its own size; the rest of the old chunk stays unused.
            int size = Math.Max(Math.Min(MaxChunkBytes, Math.Max(FirstChunkBytes, _chunk.Length * 2)), length);
            if (_next is not null && size == MaxChunkBytes) (_chunk, _next) = (_next, null);
            else _chunk = GC.AllocateUninitializedArray<byte>(size, pinned: size >= MaxChunkBytes);
            _used = 0;
            if (size == MaxChunkBytes && Engine.FreshPages.Active)
            {
                _next = GC.AllocateUninitializedArray<byte>(MaxChunkBytes, pinned: true);
                Engine.FreshPages.Ahead(_next);
            }
        }
        var slice = new Memory<byte>(_chunk, _used, length);
        _used += length;
        return slice;
    }
}
