using System.Xml;
using System.Xml.Schema;

namespace Corridor.Iso20022.Xml;

/// <summary>The embedded ISO 20022 XSDs, compiled once into one <see cref="XmlSchemaSet"/> shared by all readers.</summary>
/// <remarks>
/// The set is compiled inside a <see cref="Lazy{T}"/> (thread-safe) and never mutated afterwards; validating
/// readers only read a compiled set, which is safe to share between threads.
/// </remarks>
public static class SchemaCatalog
{
    /// <summary>Namespace prefix of every ISO 20022 message schema.</summary>
    public const string NamespacePrefix = "urn:iso:std:iso:20022:tech:xsd:";

    /// <summary>Message definitions whose XSD ships in Schemas/.</summary>
    public static readonly IReadOnlyList<string> Definitions =
    [
        "pacs.008.001.09", "pacs.009.001.09", "pacs.002.001.11", "pacs.004.001.10", "pacs.028.001.04",
        "camt.056.001.09", "camt.029.001.10", "camt.052.001.08", "camt.053.001.08", "camt.054.001.08",
    ];

    private static readonly Lazy<XmlSchemaSet> s_all = new(Compile, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>All shipped schemas, compiled.</summary>
    public static XmlSchemaSet All => s_all.Value;

    /// <summary>Target namespace of a definition, e.g. "urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09".</summary>
    public static string NamespaceOf(string definition) => NamespacePrefix + definition;

    /// <summary>Definition for a namespace, or null when Corridor has no schema for it.</summary>
    public static string? DefinitionOf(string? ns)
    {
        if (ns is null || !ns.StartsWith(NamespacePrefix, StringComparison.Ordinal)) return null;
        string def = ns[NamespacePrefix.Length..];
        foreach (var d in Definitions)
        {
            if (d == def) return d;
        }
        return null;
    }

    private static XmlSchemaSet Compile()
    {
        var set = new XmlSchemaSet { XmlResolver = null };
        var asm = typeof(SchemaCatalog).Assembly;
        var readSettings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        foreach (var def in Definitions)
        {
            string name = "Corridor.Iso20022.Schemas." + def + ".xsd";
            using var stream = asm.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException("embedded schema missing: " + name);
            using var reader = XmlReader.Create(stream, readSettings);
            set.Add(XmlSchema.Read(reader, null) ?? throw new InvalidOperationException("unreadable schema " + name));
        }
        set.Compile();
        return set;
    }
}
