namespace Corridor.Storage.Files;

/// <summary>A seekable <see cref="Stream"/> over an <see cref="IFileHandle"/> (positional I/O); owns the handle when asked to.</summary>
public sealed class FileHandleStream(IFileHandle file, bool ownsHandle) : Stream
{
    private long _position;

    public IFileHandle File => file;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => true;
    public override long Length => file.Length;

    public override long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    public override int Read(Span<byte> buffer)
    {
        int n = file.Read(buffer, _position);
        _position += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        file.Write(buffer, _position);
        _position += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override long Seek(long offset, SeekOrigin origin)
    {
        Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => file.Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        return _position;
    }

    public override void SetLength(long value) => file.SetLength(value);

    public override void Flush() { } // positional writes are not buffered here; durability is IFileHandle.Sync

    protected override void Dispose(bool disposing)
    {
        if (disposing && ownsHandle) file.Dispose();
        base.Dispose(disposing);
    }
}
