using System.Xml;

namespace Corridor.Iso20022.Xml;

/// <summary>
/// One thread's reader settings whose name table is shared by the readers that thread creates, one after another: an
/// ISO 20022 message repeats the same few hundred element names, which a reader of its own would atomize again (a string
/// and a table entry each, every message). A reader compares atomized names by reference, so the table is never replaced
/// while a reader uses it: only before the next reader is created, once more than <see cref="MaxNames"/> distinct names
/// were added (input may name anything; one message adds at most its own size, <see cref="XmlLimits.MaxMessageBytes"/>).
/// </summary>
internal static class ThreadNameTable
{
    /// <summary>Distinct names a thread's table holds before the next reader gets a fresh one (the schemas name ≈ 2,000).</summary>
    internal const int MaxNames = 8_192;

    [ThreadStatic] private static XmlReaderSettings? t_settings; // its NameTable: this thread's CountingNameTable

    /// <summary>Settings as <paramref name="template"/>, with this thread's name table (a fresh one when it grew past the bound).</summary>
    public static XmlReaderSettings For(XmlReaderSettings template)
    {
        if (t_settings?.NameTable is not CountingNameTable { Added: <= MaxNames })
        {
            XmlReaderSettings settings = template.Clone();
            settings.NameTable = new CountingNameTable();
            t_settings = settings;
        }
        return t_settings;
    }

    /// <summary>The distinct names this thread's table holds (for tests).</summary>
    internal static int NamesOnThisThread => (t_settings?.NameTable as CountingNameTable)?.Added ?? 0;

    /// <summary>A <see cref="NameTable"/> that counts the names added to it.</summary>
    private sealed class CountingNameTable : XmlNameTable
    {
        private readonly NameTable _names = new();

        public int Added { get; private set; }

        public override string Add(char[] array, int offset, int length)
        {
            if (length == 0) return string.Empty;
            string? known = _names.Get(array, offset, length);
            if (known is not null) return known;
            Added++;
            return _names.Add(array, offset, length);
        }

        public override string Add(string array)
        {
            string? known = _names.Get(array);
            if (known is not null) return known;
            Added++;
            return _names.Add(array);
        }

        public override string? Get(char[] array, int offset, int length) => _names.Get(array, offset, length);

        public override string? Get(string array) => _names.Get(array);
    }
}
