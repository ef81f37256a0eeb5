using Corridor.Storage.Files;

namespace Corridor.Storage.Tests;

/// <summary>An open file seen through another <see cref="IFileHandle"/>: a test that breaks or holds one operation overrides it.</summary>
internal class ForwardingFileHandle(IFileHandle inner) : IFileHandle
{
    public string Path => inner.Path;
    public long Length => inner.Length;
    public virtual int Read(Span<byte> buffer, long offset) => inner.Read(buffer, offset);
    public virtual void Write(ReadOnlySpan<byte> buffer, long offset) => inner.Write(buffer, offset);
    public virtual void WriteGathered(ReadOnlySpan<byte> header, ReadOnlySpan<byte> body, long offset) => inner.WriteGathered(header, body, offset);
    public virtual void SetLength(long bytes) => inner.SetLength(bytes);
    public virtual void Sync() => inner.Sync();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
    }
}
