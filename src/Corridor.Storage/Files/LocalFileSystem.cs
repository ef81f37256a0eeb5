using Corridor.Storage.Journal;
using Microsoft.Win32.SafeHandles;

namespace Corridor.Storage.Files;

/// <summary>The real file system: .NET file APIs plus the Linux durability syscalls of <see cref="NativeSync"/>.</summary>
public sealed class LocalFileSystem : IFileSystem
{
    public static readonly LocalFileSystem Instance = new();

    private LocalFileSystem() { }

    public bool DirectoryExists(string path) => Directory.Exists(path);

    public void CreateDirectory(string path) => Directory.CreateDirectory(path);

    public void SyncDirectory(string path) => NativeSync.SyncDirectory(path);

    public IEnumerable<string> EnumerateFiles(string directory, string pattern) => Directory.EnumerateFiles(directory, pattern);

    public IFileHandle Open(string path, FileMode mode, FileAccess access, FileShare share) =>
        new Handle(new FileStream(path, mode, access, share, bufferSize: 0));

    public void Delete(string path) => File.Delete(path);

    public void Move(string source, string destination) => File.Move(source, destination, overwrite: true);

    /// <summary>An unbuffered <see cref="FileStream"/>, used only through its handle for positional I/O.</summary>
    private sealed class Handle : IFileHandle
    {
        private readonly FileStream _stream;
        private readonly SafeFileHandle _handle;

        public Handle(FileStream stream)
        {
            _stream = stream;
            _handle = stream.SafeFileHandle;
        }

        public string Path => _stream.Name;

        public long Length => RandomAccess.GetLength(_handle);

        public int Read(Span<byte> buffer, long offset)
        {
            int total = 0;
            while (total < buffer.Length)
            {
                int n = RandomAccess.Read(_handle, buffer[total..], offset + total);
                if (n == 0) break;
                total += n;
            }
            return total;
        }

        public void Write(ReadOnlySpan<byte> buffer, long offset) => RandomAccess.Write(_handle, buffer, offset);

        public void WriteGathered(ReadOnlySpan<byte> header, ReadOnlySpan<byte> body, long offset) =>
            NativeSync.WriteGathered(_handle, header, body, offset, _stream.Name);

        public void SetLength(long bytes) => RandomAccess.SetLength(_handle, bytes);

        public void Sync()
        {
            if (NativeSync.IsLinux) NativeSync.DataSync(_handle, _stream.Name);
            else _stream.Flush(flushToDisk: true);
        }

        public void Dispose() => _stream.Dispose();
    }
}
