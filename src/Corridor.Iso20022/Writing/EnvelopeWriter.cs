using System.Xml;
using Corridor.Iso20022.Model;

namespace Corridor.Iso20022.Writing;

/// <summary>Writes the business message envelope: &lt;Envelope xmlns="urn:corridor:xsd:envelope"&gt; AppHdr + Document &lt;/Envelope&gt;.</summary>
public static class EnvelopeWriter
{
    /// <summary>Root element Corridor writes around AppHdr + Document.</summary>
    public const string EnvelopeName = "Envelope";

    /// <summary>Namespace of the envelope element (Corridor's own; the envelope carries no business data).</summary>
    public const string EnvelopeNamespace = "urn:corridor:xsd:envelope";

    internal static void AppHdr(XmlWriter w, AppHeader h)
    {
        w.WriteStartElement("AppHdr", AppHeader.Namespace);
        Bic(w, "Fr", h.FromBic);
        Bic(w, "To", h.ToBic);
        w.WriteElementString("BizMsgIdr", AppHeader.Namespace, h.BizMsgIdr);
        w.WriteElementString("MsgDefIdr", AppHeader.Namespace, h.MsgDefIdr);
        if (h.BizSvc is not null) w.WriteElementString("BizSvc", AppHeader.Namespace, h.BizSvc);
        w.WriteElementString("CreDt", AppHeader.Namespace, h.CreDt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteEndElement();
    }

    private static void Bic(XmlWriter w, string name, string bic)
    {
        w.WriteStartElement(name, AppHeader.Namespace);
        w.WriteStartElement("FIId", AppHeader.Namespace);
        w.WriteStartElement("FinInstnId", AppHeader.Namespace);
        w.WriteElementString("BICFI", AppHeader.Namespace, bic);
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
    }
}
