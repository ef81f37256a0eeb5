using System.Runtime.InteropServices;

namespace Corridor.Core.Engine;

/// <summary>
/// Lowers the calling thread's CPU priority (Linux nice value) so that, when the cores are saturated, the write path —
/// Kestrel, sequencer, engine, and those of another node on the same host — is served first, and a background thread (the
/// read-model projector, the threads that fault memory in ahead of the engine) takes what is left. .NET's
/// <c>Thread.Priority</c> does nothing on Linux, hence setpriority(2) on the thread id (Linux keeps a nice value per
/// thread). Raising niceness needs no privilege.
/// </summary>
public static partial class BackgroundPriority
{
    /// <summary>The lowest priority a thread can ask for: it runs when nothing at a normal priority is waiting for a core.</summary>
    public const int Lowest = 19;

    private const int PrioProcess = 0;

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    /// <summary>Sets this thread's nice value (0 normal … 19 lowest); false when the platform does not allow it.</summary>
    public static bool LowerCurrentThread(int nice)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nice);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nice, Lowest);
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return SetPriority(PrioProcess, GetTid(), nice) == 0;
        }
        catch (EntryPointNotFoundException)
        {
            return false; // a libc without gettid (glibc < 2.30)
        }
    }
}
