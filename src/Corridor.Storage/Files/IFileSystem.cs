namespace Corridor.Storage.Files;

/// <summary>
/// The file operations the journal and the snapshot store use, and nothing more: the seam where a simulated
/// disk (deterministic faults, power loss) replaces the real one. <see cref="LocalFileSystem"/> is the default.
/// Durability follows POSIX: written bytes survive a power loss only after <see cref="IFileHandle.Sync"/>, and a
/// created, renamed or deleted name only after <see cref="SyncDirectory"/> of its directory.
/// </summary>
public interface IFileSystem
{
    bool DirectoryExists(string path);

    /// <summary>Creates the directory and any missing parents (durable once the parent is synced).</summary>
    void CreateDirectory(string path);

    /// <summary>fsync(2) of a directory: names created, renamed or removed in it become durable.</summary>
    void SyncDirectory(string path);

    /// <summary>Full paths of the files in <paramref name="directory"/> whose names match <paramref name="pattern"/> (<c>*</c> wildcards), in no particular order.</summary>
    IEnumerable<string> EnumerateFiles(string directory, string pattern);

    /// <summary>
    /// Opens a file for positional I/O. <paramref name="share"/> <see cref="FileShare.None"/> takes an exclusive
    /// lock (an <see cref="IOException"/> when another handle holds the file).
    /// </summary>
    IFileHandle Open(string path, FileMode mode, FileAccess access, FileShare share);

    /// <summary>Removes the name; nothing happens when it does not exist (File.Delete).</summary>
    void Delete(string path);

    /// <summary>Renames <paramref name="source"/> to <paramref name="destination"/>, replacing it (rename(2)).</summary>
    void Move(string source, string destination);
}

/// <summary>An open file: positional reads and writes, its length, truncation and fdatasync.</summary>
public interface IFileHandle : IDisposable
{
    string Path { get; }

    long Length { get; }

    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>; fewer only at the end of the file.</summary>
    int Read(Span<byte> buffer, long offset);

    /// <summary>Writes all of <paramref name="buffer"/> at <paramref name="offset"/> (not yet durable).</summary>
    void Write(ReadOnlySpan<byte> buffer, long offset);

    /// <summary>Writes <paramref name="header"/> then <paramref name="body"/> at <paramref name="offset"/>, completely, in one call where the platform allows.</summary>
    void WriteGathered(ReadOnlySpan<byte> header, ReadOnlySpan<byte> body, long offset);

    void SetLength(long bytes);

    /// <summary>fdatasync(2): the file's data and the metadata needed to read it (its size) reach stable storage.</summary>
    void Sync();
}
