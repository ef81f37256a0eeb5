using Corridor.Storage.Files;

namespace Corridor.Storage.Tests;

/// <summary>
/// The real file system seen through another <see cref="IFileSystem"/>: a snapshot store cannot map its files, so it reads
/// them. A test that breaks one operation overrides it.
/// </summary>
internal class ForwardingFileSystem : IFileSystem
{
    private static readonly LocalFileSystem Inner = LocalFileSystem.Instance;
    public virtual bool DirectoryExists(string path) => Inner.DirectoryExists(path);
    public virtual void CreateDirectory(string path) => Inner.CreateDirectory(path);
    public virtual void SyncDirectory(string path) => Inner.SyncDirectory(path);
    public virtual IEnumerable<string> EnumerateFiles(string directory, string pattern) => Inner.EnumerateFiles(directory, pattern);
    public virtual IFileHandle Open(string path, FileMode mode, FileAccess access, FileShare share) => Inner.Open(path, mode, access, share);
    public virtual void Delete(string path) => Inner.Delete(path);
    public virtual void Move(string source, string destination) => Inner.Move(source, destination);
}
