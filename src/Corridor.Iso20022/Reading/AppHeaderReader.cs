using System.Xml;
using Corridor.Iso20022.Codes;
using Corridor.Iso20022.Model;
using static Corridor.Iso20022.Reading.XmlCursor;

namespace Corridor.Iso20022.Reading;

/// <summary>Reads and checks a head.001.001.02 AppHdr by hand-written rules (no head.001 XSD ships with Corridor).</summary>
/// <remarks>
/// Rules (from the head.001.001.02 message definition): elements in schema order
/// CharSet?, Fr, To, BizMsgIdr, MsgDefIdr, BizSvc?, MktPrctc?, CreDt, BizPrcgDt?, CpyDplct?, PssblDplct?, Prty?, Sgntr?, Rltd*;
/// Fr and To must be FIId/FinInstnId/BICFI holding a BIC (BICFIDec2014Identifier, known country code);
/// BizMsgIdr and MsgDefIdr are 1..35 characters; CreDt is an ISONormalisedDateTime (UTC, ending in "Z").
/// Any violation is refused with FF01.
/// </remarks>
internal static class AppHeaderReader
{
    private static readonly string[] s_order =
        ["CharSet", "Fr", "To", "BizMsgIdr", "MsgDefIdr", "BizSvc", "MktPrctc", "CreDt", "BizPrcgDt", "CpyDplct", "PssblDplct", "Prty", "Sgntr", "Rltd"];

    public static AppHeader Read(XmlReader r)
    {
        string? fr = null, to = null, bizMsgIdr = null, msgDefIdr = null, bizSvc = null;
        DateTimeOffset? creDt = null;
        int last = -1;
        int d = Enter(r);
        while (Next(r, d))
        {
            int index = Array.IndexOf(s_order, r.LocalName);
            if (index < 0) throw Refuse(r, $"unknown AppHdr element '{r.LocalName}'");
            if (index < last || (index == last && r.LocalName != "Rltd")) throw Refuse(r, $"AppHdr element '{r.LocalName}' out of order or repeated");
            last = index;
            switch (r.LocalName)
            {
                case "Fr": fr = Bic(r); break;
                case "To": to = Bic(r); break;
                case "BizMsgIdr": bizMsgIdr = Max35(r); break;
                case "MsgDefIdr": msgDefIdr = Max35(r); break;
                case "BizSvc": bizSvc = Max35(r); break;
                case "CreDt":
                    string text = Text(r).Trim();
                    if (!text.EndsWith('Z')) throw Refuse(r, "AppHdr CreDt must be UTC (ISONormalisedDateTime ending in Z)");
                    creDt = ParseDateTime(text);
                    break;
                default: Skip(r); break;
            }
        }
        if (fr is null) throw Refuse(r, "AppHdr without Fr");
        if (to is null) throw Refuse(r, "AppHdr without To");
        if (bizMsgIdr is null) throw Refuse(r, "AppHdr without BizMsgIdr");
        if (msgDefIdr is null) throw Refuse(r, "AppHdr without MsgDefIdr");
        if (creDt is null) throw Refuse(r, "AppHdr without CreDt");
        return new AppHeader { FromBic = fr, ToBic = to, BizMsgIdr = bizMsgIdr, MsgDefIdr = msgDefIdr, BizSvc = bizSvc, CreDt = creDt.Value };
    }

    private static string Max35(XmlReader r)
    {
        string v = Text(r);
        if (v.Length is < 1 or > 35) throw Refuse(r, "AppHdr identifier must be 1..35 characters");
        return v;
    }

    /// <summary>Fr or To: Party44Choice / FIId / FinInstnId / BICFI.</summary>
    private static string Bic(XmlReader r)
    {
        string? bic = null;
        int d = Enter(r);
        while (Next(r, d))
        {
            if (r.LocalName != "FIId") throw Refuse(r, "AppHdr Fr/To must be FIId (financial institution)");
            int d2 = Enter(r);
            while (Next(r, d2))
            {
                if (r.LocalName != "FinInstnId") { Skip(r); continue; }
                int d3 = Enter(r);
                while (Next(r, d3))
                {
                    if (r.LocalName == "BICFI") bic = Text(r);
                    else Skip(r);
                }
            }
        }
        if (bic is null || !BicRules.IsWellFormed(bic)) throw Refuse(r, $"AppHdr Fr/To BICFI missing or not a valid BIC: '{bic}'");
        return bic;
    }
}
