using System.Xml;

namespace Corridor.Iso20022.Xml;

/// <summary>Bounds and hardened reader settings for untrusted ISO 20022 input.</summary>
public static class XmlLimits
{
    /// <summary>Largest message accepted, in bytes (and in characters for streams): 1 MiB.</summary>
    public const int MaxMessageBytes = 1 << 20;

    /// <summary>Deepest element nesting accepted (the deepest valid pacs.008 path is about 12).</summary>
    public const int MaxDepth = 64;

    /// <summary>Settings that refuse DTDs (no entity expansion: XXE and billion laughs), resolve nothing, and bound size.</summary>
    internal static XmlReaderSettings Hardened(bool validate)
    {
        var s = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxMessageBytes,
            MaxCharactersFromEntities = 1024,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            CloseInput = false,
        };
        if (validate)
        {
            s.ValidationType = ValidationType.Schema;
            s.ValidationFlags = System.Xml.Schema.XmlSchemaValidationFlags.None;
            s.Schemas = SchemaCatalog.All;
        }
        return s;
    }
}
