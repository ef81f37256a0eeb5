using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace Corridor.Core.Compliance;

/// <summary>What a watch-list entry designates.</summary>
public enum WatchListEntryKind : byte
{
    Other = 0,
    Person = 1,
    Organisation = 2,
    Vessel = 3,
    Aircraft = 4,
}

/// <summary>A date that may be known only to the year or month (0 = unknown), as watch lists give them.</summary>
public readonly record struct PartialDate(int Year, int Month = 0, int Day = 0)
{
    /// <summary>Parses YYYY, YYYY-MM or YYYY-MM-DD.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out PartialDate date)
    {
        date = default;
        text = text.Trim();
        if (text.Length is not (4 or 7 or 10)) return false;
        if (!TryDigits(text[..4], out int year) || year < 1800 || year > 2200) return false;
        int month = 0, day = 0;
        if (text.Length >= 7 && (text[4] != '-' || !TryDigits(text.Slice(5, 2), out month) || month is < 1 or > 12)) return false;
        if (text.Length == 10
            && (text[7] != '-' || !TryDigits(text.Slice(8, 2), out day) || day < 1 || day > DateTime.DaysInMonth(year, month)))
        {
            return false;
        }
        date = new PartialDate(year, month, day);
        return true;
    }

    /// <summary>True when a full date agrees with every part known here.</summary>
    public bool Agrees(DateOnly date) =>
        Year == date.Year && (Month == 0 || Month == date.Month) && (Day == 0 || Day == date.Day);

    public override string ToString() =>
        Month == 0 ? $"{Year:D4}" : Day == 0 ? $"{Year:D4}-{Month:D2}" : $"{Year:D4}-{Month:D2}-{Day:D2}";

    private static bool TryDigits(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        foreach (char c in s)
        {
            if (c < '0' || c > '9') return false;
            value = value * 10 + (c - '0');
        }
        return true;
    }
}

/// <summary>One designation on a watch list: primary name first, then aliases.</summary>
public sealed record WatchListEntry(
    string Id,
    WatchListEntryKind Kind,
    ImmutableArray<string> Names,
    ImmutableArray<string> Countries,
    ImmutableArray<PartialDate> DatesOfBirth,
    string Program)
{
    /// <summary>The primary name.</summary>
    public string PrimaryName => Names.IsDefaultOrEmpty ? "" : Names[0];
}

/// <summary>
/// An operator watch list (sanctions, PEP, internal) at one version. <see cref="ContentHash"/>
/// (SHA-256, hex) identifies the content: same entries in any order give the same hash, and a
/// screening decision records it so that it can be reproduced.
/// </summary>
public sealed class WatchList
{
    /// <summary>Bound on entries in one list.</summary>
    public const int MaxEntries = 2_000_000;

    /// <summary>Bound on names (primary + aliases) per entry.</summary>
    public const int MaxNamesPerEntry = 64;

    public string Name { get; }
    public string Version { get; }
    public ImmutableArray<WatchListEntry> Entries { get; }

    /// <summary>Lower-case hex SHA-256 of the canonical encoding of the entries (see docs/compliance.md).</summary>
    public string ContentHash { get; }

    private WatchList(string name, string version, ImmutableArray<WatchListEntry> entries, string contentHash)
    {
        Name = name;
        Version = version;
        Entries = entries;
        ContentHash = contentHash;
    }

    /// <summary>
    /// Builds a list; throws <see cref="ArgumentException"/> on a duplicate or empty id, an entry without
    /// a name, or a bound exceeded (parsers report these as errors with line numbers before getting here).
    /// </summary>
    public static WatchList Create(string name, string version, IEnumerable<WatchListEntry> entries)
    {
        var array = entries.ToImmutableArray();
        if (array.Length > MaxEntries) throw new ArgumentException($"more than {MaxEntries} entries", nameof(entries));
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in array)
        {
            if (string.IsNullOrWhiteSpace(e.Id)) throw new ArgumentException("entry id is empty", nameof(entries));
            if (!ids.Add(e.Id)) throw new ArgumentException($"duplicate entry id '{e.Id}'", nameof(entries));
            if (e.Names.IsDefaultOrEmpty || string.IsNullOrWhiteSpace(e.Names[0]))
                throw new ArgumentException($"entry '{e.Id}' has no name", nameof(entries));
            if (e.Names.Length > MaxNamesPerEntry) throw new ArgumentException($"entry '{e.Id}' has more than {MaxNamesPerEntry} names", nameof(entries));
        }
        return new WatchList(name, version, array, ComputeHash(array));
    }

    // Canonical encoding: "corridor.watchlist.v1", then entries sorted by id (ordinal), each field as a
    // 4-byte little-endian length and UTF-8 bytes; arrays as a count then their items; dates as text.
    private static string ComputeHash(ImmutableArray<WatchListEntry> entries)
    {
        var sorted = entries.ToArray();
        Array.Sort(sorted, static (x, y) => string.CompareOrdinal(x.Id, y.Id));
        var buffer = new ArrayBufferWriter<byte>(1 << 16);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Text(buffer, "corridor.watchlist.v1");
        foreach (var e in sorted)
        {
            Text(buffer, e.Id);
            Int(buffer, (int)e.Kind);
            Int(buffer, e.Names.Length);
            foreach (var n in e.Names) Text(buffer, n);
            Int(buffer, e.Countries.IsDefault ? 0 : e.Countries.Length);
            if (!e.Countries.IsDefault) foreach (var c in e.Countries) Text(buffer, c);
            Int(buffer, e.DatesOfBirth.IsDefault ? 0 : e.DatesOfBirth.Length);
            if (!e.DatesOfBirth.IsDefault) foreach (var d in e.DatesOfBirth) Text(buffer, d.ToString());
            Text(buffer, e.Program ?? "");
            if (buffer.WrittenCount > 1 << 15)
            {
                hash.AppendData(buffer.WrittenSpan);
                buffer.ResetWrittenCount();
            }
        }
        hash.AppendData(buffer.WrittenSpan);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Int(ArrayBufferWriter<byte> buffer, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    private static void Text(ArrayBufferWriter<byte> buffer, string value)
    {
        int bytes = Encoding.UTF8.GetByteCount(value);
        Int(buffer, bytes);
        Encoding.UTF8.GetBytes(value, buffer.GetSpan(bytes));
        buffer.Advance(bytes);
    }
}
