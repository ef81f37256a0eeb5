using System.Xml;
using Corridor.Iso20022.Xml;

namespace Corridor.Iso20022.Reading;

/// <summary>
/// Reads the MsgId of a message that failed to parse (schema violation or refusal further down), so that its pacs.002
/// RJCT names it in OrgnlMsgId; "NONREF" is left for input whose MsgId cannot be read (ISO 20022 pacs.002 OrgnlGrpInf).
/// </summary>
internal static class MessageIdScan
{
    /// <summary>Longest MsgId echoed (Max35Text, the type of OrgnlMsgId).</summary>
    public const int MaxMsgIdChars = 35;

    /// <summary>
    /// The first <c>GrpHdr/MsgId</c> (pacs.*) or <c>Assgnmt/Id</c> (camt.056, camt.029) of the Document (bare or in an envelope),
    /// read without the schema with the hardened settings; null when the XML before it is broken or the value is not Max35Text.
    /// Stops at the MsgId, so it reads only the head of the message.
    /// </summary>
    public static string? Find(Stream xml)
    {
        try
        {
            using XmlReader r = XmlReader.Create(xml, XmlLimits.Hardened(validate: false));
            if (r.MoveToContent() != XmlNodeType.Element) return null;
            if (Array.IndexOf(MessageReader.EnvelopeNames, r.LocalName) >= 0 && !Child(r, "Document")) return null;
            if (r.LocalName != "Document") return null;
            if (!Child(r, null)) return null;            // the message element, e.g. FIToFICstmrCdtTrf
            if (!Child(r, null)) return null;            // its first block
            string? idName = r.LocalName switch { "GrpHdr" => "MsgId", "Assgnmt" => "Id", _ => null };
            if (idName is null || !Child(r, idName)) return null;
            string text = r.ReadElementContentAsString();
            return text.Length is >= 1 and <= MaxMsgIdChars ? text : null;
        }
        catch (Exception e) when (e is XmlException or InvalidOperationException or IOException or ArgumentException)
        {
            // ArgumentException: XmlTextReader's encoding switch throws ArgumentOutOfRangeException (not XmlException)
            // for some broken XML declarations, e.g. <?xml version="1.0\x81 encoding=\xE5UTF-8"?>.
            return null;
        }
    }

    /// <summary>Moves to the first child element (named <paramref name="name"/> when given: other children are skipped).</summary>
    private static bool Child(XmlReader r, string? name)
    {
        if (r.IsEmptyElement) return false;
        int depth = r.Depth;
        r.Read();
        while (!r.EOF && r.Depth > depth)
        {
            if (r.NodeType == XmlNodeType.Element)
            {
                if (name is null || r.LocalName == name) return true;
                r.Skip();
            }
            else r.Read();
        }
        return false;
    }
}
