using System.Xml;
using System.Xml.Schema;
using Corridor.Iso20022.Xml;

namespace Corridor.Iso20022.Tests;

internal static class TestData
{
    public static string SamplesDir => Path.Combine(AppContext.BaseDirectory, "Samples");

    public static byte[] Sample(string name) => File.ReadAllBytes(Path.Combine(SamplesDir, name));

    public static IEnumerable<string> SampleNames => Directory.EnumerateFiles(SamplesDir, "*.xml").Select(Path.GetFileName).OfType<string>();

    /// <summary>Validates a bare Document against the shipped XSDs, independently of the codec; warnings (no schema found) fail too.</summary>
    public static void AssertSchemaValid(byte[] xml)
    {
        var settings = new XmlReaderSettings
        {
            ValidationType = ValidationType.Schema,
            Schemas = SchemaCatalog.All,
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings,
        };
        var problems = new List<string>();
        settings.ValidationEventHandler += (_, e) => problems.Add($"{e.Severity} line {e.Exception.LineNumber}: {e.Message}");
        using var reader = XmlReader.Create(new MemoryStream(xml), settings);
        reader.MoveToContent();
        Assert.Equal("Document", reader.LocalName);
        Assert.NotNull(SchemaCatalog.DefinitionOf(reader.NamespaceURI));
        while (reader.Read()) { }
        Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n" + System.Text.Encoding.UTF8.GetString(xml));
    }
}
