using System.ComponentModel;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Corridor.Storage.Journal;

/// <summary>
/// The durability syscalls .NET does not expose: fdatasync on a file, fsync on a directory, and a
/// gathered positional write (pwritev) so header and body leave in one call without a copy. Linux only;
/// callers fall back to managed APIs elsewhere.
/// </summary>
internal static unsafe partial class NativeSync
{
    public static bool IsLinux => OperatingSystem.IsLinux();

    private const int ORdOnly = 0;
    private const int OCloExec = 0x80000; // 02000000 on every Linux architecture .NET runs on
    private static int ODirectory =>
        RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x4000 : 0x10000;

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FdataSync(int fd);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "pwritev", SetLastError = true)]
    private static partial nint PWriteV(int fd, IoVec* iov, int iovcnt, long offset);

    private const int EIntr = 4;

    /// <summary>fdatasync(2): data and the metadata needed to read it back (size) reach stable storage.</summary>
    public static void DataSync(SafeFileHandle file, string path)
    {
        bool added = false;
        file.DangerousAddRef(ref added);
        try
        {
            int fd = (int)file.DangerousGetHandle();
            while (FdataSync(fd) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno != EIntr) throw new IOException($"fdatasync of {path} failed: {new Win32Exception(errno).Message} (errno {errno})");
            }
        }
        finally
        {
            if (added) file.DangerousRelease();
        }
    }

    /// <summary>fsync(2) of a directory so entries created, renamed or removed in it are durable.</summary>
    public static void SyncDirectory(string directory)
    {
        if (!IsLinux) return; // Windows cannot open directories for sync; NTFS journals metadata itself.
        int fd = Open(directory, ORdOnly | ODirectory | OCloExec);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"open of directory {directory} for fsync failed: {new Win32Exception(errno).Message} (errno {errno})");
        }
        try
        {
            while (FSync(fd) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno != EIntr) throw new IOException($"fsync of directory {directory} failed: {new Win32Exception(errno).Message} (errno {errno})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Writes <paramref name="header"/> then <paramref name="body"/> at <paramref name="offset"/>, completely.</summary>
    public static void WriteGathered(SafeFileHandle file, ReadOnlySpan<byte> header, ReadOnlySpan<byte> body, long offset, string path)
    {
        if (!IsLinux)
        {
            RandomAccess.Write(file, header, offset);
            RandomAccess.Write(file, body, offset + header.Length);
            return;
        }
        long total = (long)header.Length + body.Length;
        long written;
        bool added = false;
        file.DangerousAddRef(ref added);
        try
        {
            int fd = (int)file.DangerousGetHandle();
            fixed (byte* h = header)
            fixed (byte* b = body)
            {
                IoVec* iov = stackalloc IoVec[2];
                iov[0] = new IoVec { Base = h, Length = (nuint)header.Length };
                iov[1] = new IoVec { Base = b, Length = (nuint)body.Length };
                nint n;
                while ((n = PWriteV(fd, iov, body.Length == 0 ? 1 : 2, offset)) < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno != EIntr) throw new IOException($"pwritev to {path} at byte {offset} failed: {new Win32Exception(errno).Message} (errno {errno})");
                }
                written = n;
            }
        }
        finally
        {
            if (added) file.DangerousRelease();
        }
        // A short write (disk full, signal) leaves the rest to plain positional writes, which throw on error.
        if (written < header.Length)
        {
            RandomAccess.Write(file, header[(int)written..], offset + written);
            written = header.Length;
        }
        if (written < total)
        {
            int bodyDone = (int)(written - header.Length);
            RandomAccess.Write(file, body[bodyDone..], offset + written);
        }
    }
}
