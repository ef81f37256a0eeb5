using System.Xml;
using System.Xml.Schema;

namespace Corridor.Server.Tests;

/// <summary>
/// Validates what the node writes against the official ISO 20022 XSDs, compiled here independently of the codec: from the
/// project's shared folder (<c>../shared/iso20022/xsd</c> beside the repository), else the unmodified copies in
/// <c>src/Corridor.Iso20022/Schemas</c> (a clone without the shared folder).
/// </summary>
internal static class OfficialSchemas
{
    private static readonly Lazy<XmlSchemaSet> s_set = new(Compile);

    /// <summary>Where the XSDs were read from.</summary>
    public static string Folder { get; } = FindFolder();

    private static string FindFolder()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (!File.Exists(Path.Combine(dir, "Corridor.slnx"))) continue;
            string shared = Path.GetFullPath(Path.Combine(dir, "..", "shared", "iso20022", "xsd"));
            return Directory.Exists(shared) ? shared : Path.Combine(dir, "src", "Corridor.Iso20022", "Schemas");
        }
        throw new DirectoryNotFoundException("repository root (Corridor.slnx) not found above " + AppContext.BaseDirectory);
    }

    private static XmlSchemaSet Compile()
    {
        var set = new XmlSchemaSet { XmlResolver = null };
        foreach (string name in new[] { "pacs.002.001.11", "pacs.004.001.10", "pacs.008.001.09", "pacs.009.001.09", "pacs.028.001.04", "camt.029.001.10", "camt.052.001.08", "camt.053.001.08", "camt.054.001.08" })
        {
            using var reader = XmlReader.Create(Path.Combine(Folder, name + ".xsd"), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            set.Add(null, reader);
        }
        set.Compile();
        return set;
    }

    /// <summary>The problems of <paramref name="xml"/> against its schema (empty when valid); a Document in another namespace is a problem.</summary>
    public static List<string> Problems(string xml)
    {
        var problems = new List<string>();
        var settings = new XmlReaderSettings
        {
            ValidationType = ValidationType.Schema, Schemas = s_set.Value, DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null,
            ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings,
        };
        settings.ValidationEventHandler += (_, e) => problems.Add($"{e.Severity} line {e.Exception.LineNumber}: {e.Message}");
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            reader.MoveToContent();
            if (reader.LocalName != "Document") problems.Add("root is " + reader.LocalName + ", not Document");
            while (reader.Read()) { }
        }
        catch (XmlException e) { problems.Add("not XML: " + e.Message); }
        return problems;
    }

    public static void AssertValid(string xml)
    {
        List<string> problems = Problems(xml);
        Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n" + xml);
    }
}
