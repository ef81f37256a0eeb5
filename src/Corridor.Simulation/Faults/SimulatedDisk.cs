using Corridor.Storage.Files;

namespace Corridor.Simulation.Faults;

/// <summary>
/// A deterministic, in-memory disk behind <see cref="IFileSystem"/>, driven by one seed. Every file keeps what the
/// running process sees (the page cache) apart from what is stored (the platter): a write is stored only by
/// <see cref="IFileHandle.Sync"/>, a created, renamed or deleted name only by <see cref="SyncDirectory"/>. A power loss
/// (<see cref="Crash"/>) throws the cache away; each unsynced write then reaches the platter whole, in part (torn) or
/// not at all, and unsynced directory changes survive as a prefix. <see cref="DiskFaults"/> adds the faults a real disk
/// has on top: lost and misdirected writes at fsync, bit flips, failing fsyncs, a full disk; and a process crash can be
/// injected inside any disk operation (<see cref="SimulatedCrashException"/>). Everything injected is recorded in
/// <see cref="Events"/>; faults that may destroy acknowledged data are counted per file in <see cref="Damage"/>.
/// </summary>
public sealed class SimulatedDisk : IFileSystem
{
    public const int SectorBytes = 512;

    private readonly Dictionary<string, Inode> _names = new(StringComparer.Ordinal); // what the process sees
    private readonly Dictionary<string, Inode> _storedNames = new(StringComparer.Ordinal); // what a power loss leaves
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);
    private readonly HashSet<string> _storedDirectories = new(StringComparer.Ordinal);
    private readonly List<NameChange> _unsyncedNames = new();
    private Xoshiro256 _random;
    private int _generation; // handles of an earlier process generation are dead
    private long _operations;

    public SimulatedDisk(ulong seed, DiskFaults faults, params string[] roots)
    {
        _random = new Xoshiro256(seed);
        Faults = faults;
        foreach (string root in roots)
        {
            _directories.Add(root);
            _storedDirectories.Add(root);
        }
    }

    public DiskFaults Faults { get; set; }

    /// <summary>Probability that a disk operation is the last thing the process does (it crashes there). 0 while recovering or checking.</summary>
    public double CrashPerOperation { get; set; }

    /// <summary>Faults and crashes injected, in order, for the replay of a failing seed.</summary>
    public List<string> Events { get; } = new();

    /// <summary>Faults that may have destroyed stored (acknowledged) data, per path.</summary>
    public Dictionary<string, int> Damage { get; } = new(StringComparer.Ordinal);

    public long Operations => _operations;

    /// <summary>Sum of the lengths of all files the process sees.</summary>
    public long UsedBytes
    {
        get
        {
            long used = 0;
            foreach (Inode inode in DistinctInodes()) used += inode.Current.Length;
            return used;
        }
    }

    // ───────────────────────────── IFileSystem ─────────────────────────────

    public bool DirectoryExists(string path) => _directories.Contains(Normal(path));

    public void CreateDirectory(string path)
    {
        Step("mkdir", path);
        path = Normal(path);
        var missing = new List<string>();
        for (string? p = path; p is not null && !_directories.Contains(p); p = Path.GetDirectoryName(p)) missing.Add(p);
        for (int i = missing.Count - 1; i >= 0; i--)
        {
            _directories.Add(missing[i]);
            _unsyncedNames.Add(new NameChange(ParentOf(missing[i]), NameChangeKind.MakeDirectory, missing[i], null, null));
        }
    }

    public void SyncDirectory(string path)
    {
        Step("fsync-dir", path);
        path = Normal(path);
        if (!_directories.Contains(path)) throw new DirectoryNotFoundException($"simulated disk: no directory {path}");
        MaybeFailSync(path);
        for (int i = 0; i < _unsyncedNames.Count;)
        {
            if (_unsyncedNames[i].Directory == path)
            {
                ApplyStored(_unsyncedNames[i]);
                _unsyncedNames.RemoveAt(i);
            }
            else i++;
        }
    }

    public IEnumerable<string> EnumerateFiles(string directory, string pattern)
    {
        directory = Normal(directory);
        if (!_directories.Contains(directory)) throw new DirectoryNotFoundException($"simulated disk: no directory {directory}");
        int star = pattern.IndexOf('*', StringComparison.Ordinal);
        string prefix = star < 0 ? pattern : pattern[..star];
        string suffix = star < 0 ? "" : pattern[(star + 1)..];
        var found = new List<string>();
        foreach (string path in _names.Keys)
        {
            if (ParentOf(path) != directory) continue;
            string name = Path.GetFileName(path);
            if (star < 0 ? name == pattern : name.Length >= prefix.Length + suffix.Length && name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(suffix, StringComparison.Ordinal))
                found.Add(path);
        }
        found.Sort(StringComparer.Ordinal);
        return found;
    }

    public IFileHandle Open(string path, FileMode mode, FileAccess access, FileShare share)
    {
        Step("open", path);
        path = Normal(path);
        if (!_directories.Contains(ParentOf(path))) throw new DirectoryNotFoundException($"simulated disk: no directory for {path}");
        bool exists = _names.TryGetValue(path, out Inode? inode);
        switch (mode)
        {
            case FileMode.Open when !exists:
                throw new FileNotFoundException($"simulated disk: no file {path}", path);
            case FileMode.CreateNew when exists:
                throw new IOException($"simulated disk: {path} already exists");
            case FileMode.Open or FileMode.OpenOrCreate or FileMode.CreateNew:
                break;
            default:
                throw new NotSupportedException($"simulated disk: file mode {mode}");
        }
        if (inode is null)
        {
            inode = new Inode();
            _names[path] = inode;
            _unsyncedNames.Add(new NameChange(ParentOf(path), NameChangeKind.Create, path, null, inode));
        }
        if (share == FileShare.None)
        {
            if (inode.ExclusiveHolder == _generation + 1) throw new IOException($"simulated disk: {path} is locked by another handle");
            inode.ExclusiveHolder = _generation + 1;
        }
        return new Handle(this, inode, path, access, share == FileShare.None, _generation);
    }

    public void Delete(string path)
    {
        Step("unlink", path);
        path = Normal(path);
        if (!_names.Remove(path)) return;
        _unsyncedNames.Add(new NameChange(ParentOf(path), NameChangeKind.Delete, path, null, null));
    }

    public void Move(string source, string destination)
    {
        Step("rename", source);
        source = Normal(source);
        destination = Normal(destination);
        if (!_names.Remove(source, out Inode? inode)) throw new FileNotFoundException($"simulated disk: no file {source}", source);
        _names[destination] = inode;
        _unsyncedNames.Add(new NameChange(ParentOf(source), NameChangeKind.Rename, source, destination, inode));
    }

    // ───────────────────────────── crashes and faults ─────────────────────────────

    /// <summary>
    /// The process dies: every handle is dead. With <paramref name="powerLoss"/> the page cache is lost too: each file
    /// becomes what was stored plus, per unsynced write, all of it, a torn part, or nothing; each directory keeps a
    /// random prefix of its unsynced name changes.
    /// </summary>
    public void Crash(bool powerLoss)
    {
        _generation++;
        foreach (Inode inode in AllInodes()) inode.ExclusiveHolder = 0;
        if (!powerLoss)
        {
            Events.Add($"process crash (page cache kept)");
            return;
        }
        Events.Add($"power loss: {_unsyncedNames.Count} unsynced name changes, {CountUnsyncedWrites()} unsynced writes");
        // Name changes: per directory, a prefix survives.
        var cut = new HashSet<string>(StringComparer.Ordinal);
        foreach (NameChange change in _unsyncedNames)
        {
            if (cut.Contains(change.Directory)) continue;
            if (_random.NextDouble() < Faults.UnsyncedWriteSurvives)
            {
                ApplyStored(change);
                Events.Add($"  survived: {change}");
            }
            else cut.Add(change.Directory);
        }
        _unsyncedNames.Clear();
        // File contents: each unsynced write whole, torn or not at all.
        foreach (Inode inode in AllInodes())
        {
            foreach (Write w in inode.Unsynced)
            {
                double r = _random.NextDouble();
                if (w.Bytes is null)
                {
                    if (r < Faults.UnsyncedWriteSurvives) inode.Stored.SetLength(w.Offset);
                    continue;
                }
                if (r < Faults.TornWrite)
                {
                    int sectors = (w.Bytes.Length + SectorBytes - 1) / SectorBytes;
                    int kept = sectors <= 1 ? 0 : _random.NextInt(sectors);
                    int keptBytes = Math.Min(w.Bytes.Length, kept * SectorBytes);
                    if (_random.NextInt(2) == 0 || sectors <= 1) keptBytes = _random.NextInt(w.Bytes.Length + 1); // not sector aligned: a torn page
                    inode.Stored.Write(w.Offset, w.Bytes.AsSpan(0, keptBytes));
                    Events.Add($"  torn write: {keptBytes} of {w.Bytes.Length} bytes at {w.Offset} of {NameOf(inode)}");
                }
                else if (r < Faults.TornWrite + Faults.UnsyncedWriteSurvives)
                {
                    inode.Stored.Write(w.Offset, w.Bytes);
                }
            }
            inode.Unsynced.Clear();
        }
        // What survives is what the next process sees.
        _names.Clear();
        foreach (KeyValuePair<string, Inode> kv in _storedNames) _names[kv.Key] = kv.Value;
        _directories.Clear();
        _directories.UnionWith(_storedDirectories);
        foreach (Inode inode in _names.Values) inode.Current = inode.Stored.Clone();
    }

    /// <summary>Maybe flips one bit of a stored file (rate <see cref="DiskFaults.BitFlip"/> per call); the running process sees it too.</summary>
    public void MaybeFlipBit()
    {
        if (Faults.BitFlip <= 0 || _random.NextDouble() >= Faults.BitFlip) return;
        var candidates = new List<string>();
        foreach (KeyValuePair<string, Inode> kv in _storedNames)
            if (kv.Value.Stored.Length > 0 && _names.TryGetValue(kv.Key, out Inode? seen) && ReferenceEquals(seen, kv.Value)) candidates.Add(kv.Key);
        if (candidates.Count == 0) return;
        candidates.Sort(StringComparer.Ordinal);
        string path = candidates[_random.NextInt(candidates.Count)];
        Inode inode = _storedNames[path];
        int at = _random.NextInt((int)inode.Stored.Length);
        byte bit = (byte)(1 << _random.NextInt(8));
        inode.Stored.Data[at] ^= bit;
        if (at < inode.Current.Length) inode.Current.Data[at] ^= bit;
        AddDamage(path, $"bit flip at byte {at} of {path}");
    }

    private void Step(string operation, string path)
    {
        _operations++;
        if (CrashPerOperation > 0 && _random.NextDouble() < CrashPerOperation)
        {
            Events.Add($"crash during {operation} {path} (operation {_operations})");
            throw new SimulatedCrashException($"simulated crash during {operation} of {path}");
        }
    }

    private void MaybeFailSync(string path)
    {
        if (Faults.SyncError > 0 && _random.NextDouble() < Faults.SyncError)
        {
            Events.Add($"fsync error (EIO) on {path}");
            throw new IOException($"simulated EIO: fsync of {path} failed");
        }
    }

    private void SyncFile(Inode inode, string path)
    {
        Step("fsync", path);
        if (Faults.SyncError > 0 && _random.NextDouble() < Faults.SyncError)
        {
            // Linux after EIO: some dirty pages were written, the rest are marked clean and lost for the platter.
            int stored = 0;
            foreach (Write w in inode.Unsynced)
            {
                if (_random.NextInt(2) == 0) continue;
                if (w.Bytes is null) inode.Stored.SetLength(w.Offset); else inode.Stored.Write(w.Offset, w.Bytes);
                stored++;
            }
            Events.Add($"fsync error (EIO) on {path}: {stored} of {inode.Unsynced.Count} unsynced writes stored");
            inode.Unsynced.Clear();
            throw new IOException($"simulated EIO: fsync of {path} failed");
        }
        foreach (Write w in inode.Unsynced)
        {
            if (w.Bytes is null)
            {
                inode.Stored.SetLength(w.Offset);
                continue;
            }
            double r = _random.NextDouble();
            if (r < Faults.LostWrite)
            {
                AddDamage(path, $"lost write: {w.Bytes.Length} bytes at {w.Offset} of {path} acknowledged by fsync, never stored");
            }
            else if (r < Faults.LostWrite + Faults.MisdirectedWrite)
            {
                int shift = (1 + _random.NextInt(4)) * SectorBytes * (_random.NextInt(2) == 0 ? -1 : 1);
                long at = Math.Max(0, w.Offset + shift);
                if (at == w.Offset) at += SectorBytes;
                inode.Stored.Write(at, w.Bytes);
                AddDamage(path, $"misdirected write: {w.Bytes.Length} bytes meant for {w.Offset} of {path} stored at {at}");
            }
            else inode.Stored.Write(w.Offset, w.Bytes);
        }
        inode.Unsynced.Clear();
    }

    private void AddDamage(string path, string what)
    {
        Events.Add(what);
        Damage[path] = Damage.GetValueOrDefault(path) + 1;
    }

    private void CheckSpace(string path, long offset, int bytes, Inode inode, out int allowed)
    {
        allowed = bytes;
        long growth = Math.Max(0, offset + bytes - inode.Current.Length);
        if (Faults.CapacityBytes > 0 && growth > 0 && UsedBytes + growth > Faults.CapacityBytes)
        {
            long room = Math.Max(0, Faults.CapacityBytes - UsedBytes);
            allowed = (int)Math.Max(0, Math.Min(bytes, inode.Current.Length - offset + room));
        }
        else if (Faults.NoSpace > 0 && bytes > 0 && _random.NextDouble() < Faults.NoSpace)
        {
            allowed = _random.NextInt(bytes); // transient ENOSPC after a part was written
        }
        if (allowed < bytes) Events.Add($"disk full (ENOSPC) writing {bytes} bytes at {offset} of {path}: {allowed} written");
    }

    // ───────────────────────────── bookkeeping ─────────────────────────────

    private void ApplyStored(NameChange change)
    {
        switch (change.Kind)
        {
            case NameChangeKind.MakeDirectory:
                _storedDirectories.Add(change.Path);
                break;
            case NameChangeKind.Create:
                _storedNames[change.Path] = change.Inode!;
                break;
            case NameChangeKind.Delete:
                _storedNames.Remove(change.Path);
                break;
            case NameChangeKind.Rename:
                _storedNames.Remove(change.Path);
                _storedNames[change.Destination!] = change.Inode!;
                break;
        }
    }

    private List<Inode> AllInodes()
    {
        var seen = new HashSet<Inode>(ReferenceEqualityComparer.Instance);
        var ordered = new List<Inode>();
        foreach (string key in SortedKeys(_names)) if (seen.Add(_names[key])) ordered.Add(_names[key]);
        foreach (string key in SortedKeys(_storedNames)) if (seen.Add(_storedNames[key])) ordered.Add(_storedNames[key]);
        foreach (NameChange c in _unsyncedNames) if (c.Inode is not null && seen.Add(c.Inode)) ordered.Add(c.Inode);
        return ordered;
    }

    private IEnumerable<Inode> DistinctInodes()
    {
        var seen = new HashSet<Inode>(ReferenceEqualityComparer.Instance);
        foreach (Inode inode in _names.Values) if (seen.Add(inode)) yield return inode;
    }

    private static List<string> SortedKeys(Dictionary<string, Inode> names)
    {
        var keys = new List<string>(names.Keys);
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    private int CountUnsyncedWrites()
    {
        int n = 0;
        foreach (Inode inode in AllInodes()) n += inode.Unsynced.Count;
        return n;
    }

    private string NameOf(Inode inode)
    {
        foreach (KeyValuePair<string, Inode> kv in _names) if (ReferenceEquals(kv.Value, inode)) return kv.Key;
        return "(unlinked file)";
    }

    private static string Normal(string path) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));

    private static string ParentOf(string path) => Path.GetDirectoryName(path) ?? path;

    /// <summary>Bytes of a file: the page cache's view or the platter's.</summary>
    private sealed class Bytes
    {
        public byte[] Data = [];
        public long Length;

        public Bytes Clone() => new() { Data = Data.AsSpan(0, (int)Length).ToArray(), Length = Length };

        public void Write(long offset, ReadOnlySpan<byte> bytes)
        {
            long end = offset + bytes.Length;
            Ensure(end);
            if (offset > Length) Data.AsSpan((int)Length, (int)(offset - Length)).Clear();
            bytes.CopyTo(Data.AsSpan((int)offset));
            Length = Math.Max(Length, end);
        }

        public void SetLength(long length)
        {
            Ensure(length);
            if (length > Length) Data.AsSpan((int)Length, (int)(length - Length)).Clear();
            Length = length;
        }

        private void Ensure(long length)
        {
            if (length <= Data.Length) return;
            Array.Resize(ref Data, (int)Math.Max(length, Math.Max(4096, Data.Length * 2L)));
        }
    }

    private sealed record Write(long Offset, byte[]? Bytes); // Bytes null: truncate to Offset

    private sealed class Inode
    {
        public Bytes Current = new();
        public Bytes Stored = new();
        public readonly List<Write> Unsynced = new();
        public int ExclusiveHolder; // generation + 1 of the handle holding FileShare.None, 0 none
    }

    private enum NameChangeKind { MakeDirectory, Create, Delete, Rename }

    private sealed record NameChange(string Directory, NameChangeKind Kind, string Path, string? Destination, Inode? Inode)
    {
        public override string ToString() => Kind == NameChangeKind.Rename ? $"rename {Path} -> {Destination}" : $"{Kind} {Path}";
    }

    private sealed class Handle(SimulatedDisk disk, Inode inode, string path, FileAccess access, bool exclusive, int generation) : IFileHandle
    {
        private bool _disposed;

        public string Path => path;

        public long Length
        {
            get
            {
                Check();
                return inode.Current.Length;
            }
        }

        public int Read(Span<byte> buffer, long offset)
        {
            Check();
            if ((access & FileAccess.Read) == 0) throw new UnauthorizedAccessException($"simulated disk: {path} not open for reading");
            long available = Math.Max(0, inode.Current.Length - offset);
            int n = (int)Math.Min(buffer.Length, available);
            if (n == 0) return 0;
            inode.Current.Data.AsSpan((int)offset, n).CopyTo(buffer);
            return n;
        }

        public void Write(ReadOnlySpan<byte> buffer, long offset)
        {
            Check();
            if ((access & FileAccess.Write) == 0) throw new UnauthorizedAccessException($"simulated disk: {path} not open for writing");
            disk.Step("write", path);
            disk.CheckSpace(path, offset, buffer.Length, inode, out int allowed);
            if (allowed > 0)
            {
                inode.Current.Write(offset, buffer[..allowed]);
                inode.Unsynced.Add(new SimulatedDisk.Write(offset, buffer[..allowed].ToArray()));
            }
            if (allowed < buffer.Length) throw new IOException($"simulated ENOSPC: no space left on device writing {path}");
        }

        public void WriteGathered(ReadOnlySpan<byte> header, ReadOnlySpan<byte> body, long offset)
        {
            var joined = new byte[header.Length + body.Length];
            header.CopyTo(joined);
            body.CopyTo(joined.AsSpan(header.Length));
            Write(joined, offset);
        }

        public void SetLength(long bytes)
        {
            Check();
            disk.Step("truncate", path);
            inode.Current.SetLength(bytes);
            inode.Unsynced.Add(new SimulatedDisk.Write(bytes, null));
        }

        public void Sync()
        {
            Check();
            disk.SyncFile(inode, path);
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            if (exclusive && generation == disk._generation && inode.ExclusiveHolder == generation + 1) inode.ExclusiveHolder = 0;
        }

        private void Check()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (generation != disk._generation) throw new SimulatedCrashException($"simulated disk: handle of {path} belongs to a process that crashed");
        }
    }
}

/// <summary>The simulated process died inside a disk operation: nothing after it runs; the simulator restarts the node.</summary>
public sealed class SimulatedCrashException(string message) : Exception(message);
