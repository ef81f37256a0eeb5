using System.Globalization;
using System.Xml;
using Corridor.Iso20022.Codes;
using Corridor.Iso20022.Model;
using Corridor.Iso20022.Validation;
using Corridor.Iso20022.Xml;

namespace Corridor.Iso20022.Reading;

/// <summary>Forward-only helpers over an <see cref="XmlReader"/>: walk children, read leaves, skip, enforce the depth bound.</summary>
internal static class XmlCursor
{
    /// <summary>Enters the current start element; returns its depth, or -1 when empty (already consumed).</summary>
    public static int Enter(XmlReader r)
    {
        CheckDepth(r);
        if (r.IsEmptyElement)
        {
            r.Read();
            return -1;
        }
        int depth = r.Depth;
        r.Read();
        return depth;
    }

    /// <summary>Moves to the next child element of the element entered at <paramref name="depth"/>; false at its end (consumed).</summary>
    public static bool Next(XmlReader r, int depth)
    {
        if (depth < 0) return false;
        while (true)
        {
            switch (r.NodeType)
            {
                case XmlNodeType.Element:
                    CheckDepth(r);
                    return true;
                case XmlNodeType.EndElement when r.Depth == depth:
                    r.Read();
                    return false;
                case XmlNodeType.None:
                    throw Refuse(r, "unexpected end of document");
                default:
                    if (!r.Read()) throw Refuse(r, "unexpected end of document");
                    break;
            }
        }
    }

    /// <summary>Reads a leaf element's text and moves past it.</summary>
    public static string Text(XmlReader r)
    {
        CheckDepth(r);
        return r.ReadElementContentAsString();
    }

    /// <summary>Skips the current element and its subtree, still bounded in depth.</summary>
    public static void Skip(XmlReader r)
    {
        if (r.IsEmptyElement)
        {
            r.Read();
            return;
        }
        int depth = r.Depth;
        while (r.Read())
        {
            if (r.Depth > XmlLimits.MaxDepth) throw Refuse(r, $"nesting deeper than {XmlLimits.MaxDepth}");
            if (r.NodeType == XmlNodeType.EndElement && r.Depth == depth)
            {
                r.Read();
                return;
            }
        }
        throw Refuse(r, "unexpected end of document");
    }

    public static void CheckDepth(XmlReader r)
    {
        if (r.Depth > XmlLimits.MaxDepth) throw Refuse(r, $"nesting deeper than {XmlLimits.MaxDepth}");
    }

    public static string Where(XmlReader r)
    {
        string pos = r is IXmlLineInfo li && li.HasLineInfo() ? $"line {li.LineNumber}, col {li.LinePosition}" : "";
        return r.NodeType == XmlNodeType.Element || r.NodeType == XmlNodeType.Text ? $"{r.LocalName} ({pos})" : pos;
    }

    public static IsoRefusalException Refuse(XmlReader r, string message, string code = ReasonCodes.InvalidFileFormat)
        => new(code, Where(r), message);

    public static DateOnly Date(XmlReader r)
    {
        string s = Text(r).Trim();
        // xs:date may carry a time zone suffix ("Z", "+01:00"); a settlement date is a calendar day, so it is dropped.
        if (s.Length > 10) s = s[..10];
        return DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    public static DateTimeOffset DateTime(XmlReader r) => ParseDateTime(Text(r));

    /// <summary>xs:dateTime; without an offset the value is taken as UTC.</summary>
    public static DateTimeOffset ParseDateTime(string s)
        => DateTimeOffset.Parse(s.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>xs:time as UTC: an offset ("+03:00") is applied, none is taken as UTC.</summary>
    public static TimeOnly UtcTime(XmlReader r) =>
        TimeOnly.FromTimeSpan(DateTimeOffset.Parse("2000-01-01T" + Text(r).Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcDateTime.TimeOfDay);

    public static long Long(XmlReader r) => long.Parse(Text(r).Trim(), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>Reads an amount element with its Ccy attribute into minor units; refuses unknown currency (AM03), bad precision or sign (AM12), overflow (AM02).</summary>
    public static Money Money(XmlReader r)
    {
        string currency = r.GetAttribute("Ccy") ?? throw Refuse(r, "amount without Ccy attribute", ReasonCodes.NotAllowedCurrency);
        var at = Position.Of(r);
        string text = Text(r);
        var status = MinorUnits.TryParse(text, currency, out long minor);
        return status switch
        {
            AmountParseStatus.Ok => new Money(currency, minor),
            AmountParseStatus.UnknownCurrency => throw new IsoRefusalException(ReasonCodes.NotAllowedCurrency, at.ToString(), $"'{currency}' is not an active ISO 4217 currency"),
            AmountParseStatus.TooManyFractionDigits => throw new IsoRefusalException(ReasonCodes.InvalidAmount, at.ToString(), $"'{text}' has more fraction digits than {currency} allows"),
            AmountParseStatus.Negative => throw new IsoRefusalException(ReasonCodes.InvalidAmount, at.ToString(), $"'{text}' is negative"),
            AmountParseStatus.Overflow => throw new IsoRefusalException(ReasonCodes.NotAllowedAmount, at.ToString(), $"'{text}' {currency} exceeds the 64-bit minor-unit range"),
            _ => throw new IsoRefusalException(ReasonCodes.InvalidAmount, at.ToString(), $"'{text}' is not a decimal amount"),
        };
    }

    /// <summary>Element name and line/column captured before reading it, formatted only when an error needs it.</summary>
    private readonly record struct Position(string Name, int Line, int Column)
    {
        public static Position Of(XmlReader r) => r is IXmlLineInfo li && li.HasLineInfo() ? new(r.LocalName, li.LineNumber, li.LinePosition) : new(r.LocalName, 0, 0);

        public override string ToString() => $"{Name} (line {Line}, col {Column})";
    }

    public static ExchangeRate Rate(XmlReader r)
    {
        var at = Position.Of(r);
        string text = Text(r);
        var status = MinorUnits.TryParseScaled(text, ExchangeRate.Scale, out long scaled);
        if (status != AmountParseStatus.Ok)
            throw new IsoRefusalException(ReasonCodes.WrongAmount, at.ToString(), $"exchange rate '{text}' is not a positive rate with at most 10 fraction digits");
        return new ExchangeRate(scaled);
    }
}
