using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Corridor.Storage.Files;

/// <summary>
/// A whole file mapped private and writable (mmap(2) <c>MAP_PRIVATE</c>, <c>PROT_READ | PROT_WRITE</c>): reads see the file's
/// pages in the page cache without copying them into fresh memory; the first write to a page copies it for this process
/// alone, and the file itself never changes. Unmapped when disposed or, if never disposed, when the last object holding it
/// (a restored state's chunks) is collected. Linux only (<see cref="IsSupported"/>).
/// </summary>
internal sealed unsafe partial class MappedFile : IDisposable
{
    private const int ProtRead = 1, ProtWrite = 2, MapPrivate = 2, MadvWillNeed = 3;
    private nint _address;

    private MappedFile(nint address, long length)
    {
        _address = address;
        Length = length;
    }

    public static bool IsSupported => OperatingSystem.IsLinux();

    public byte* Address => _address != 0 ? (byte*)_address : throw new ObjectDisposedException(nameof(MappedFile));

    public long Length { get; }

    /// <summary>Maps all <paramref name="length"/> bytes of the open file <paramref name="handle"/> and asks the kernel to read them ahead.</summary>
    public static MappedFile Map(SafeFileHandle handle, long length, string path)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            nint address = Mmap(0, (nuint)length, ProtRead | ProtWrite, MapPrivate, (int)handle.DangerousGetHandle(), 0);
            if (address == -1) throw new IOException($"{path}: mmap failed (errno {Marshal.GetLastPInvokeError()})");
            _ = Madvise(address, (nuint)length, MadvWillNeed); // a hint: the file is read whole right after
            return new MappedFile(address, length);
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    public void Dispose()
    {
        Unmap();
        GC.SuppressFinalize(this);
    }

    ~MappedFile() => Unmap();

    private void Unmap()
    {
        nint address = Interlocked.Exchange(ref _address, 0);
        if (address != 0) _ = Munmap(address, (nuint)Length);
    }

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static partial int Munmap(nint address, nuint length);

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint address, nuint length, int advice);
}
