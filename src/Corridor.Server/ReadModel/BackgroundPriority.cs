using System.Runtime.InteropServices;

namespace Corridor.Server.ReadModel;

/// <summary>
/// Lowers the calling thread's CPU priority (Linux nice value) so that, when the cores are saturated, the
/// write path — Kestrel, sequencer, engine — is served first and a background thread (the read-model
/// projector) takes what is left and catches up when load drops. .NET's <c>Thread.Priority</c> does nothing
/// on Linux, hence setpriority(2) on the thread id. Raising niceness needs no privilege.
/// </summary>
internal static partial class BackgroundPriority
{
    private const int PrioProcess = 0;

    [LibraryImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static partial int SetPriority(int which, int who, int priority);

    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetTid();

    /// <summary>Sets this thread's nice value (0 normal … 19 lowest); false when the platform does not allow it.</summary>
    public static bool LowerCurrentThread(int nice)
    {
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
