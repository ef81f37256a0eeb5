using System.Xml;
using System.Xml.Schema;
using Corridor.Iso20022.Model;
using Corridor.Iso20022.Reading;
using Corridor.Iso20022.Validation;
using Corridor.Iso20022.Writing;
using Corridor.Iso20022.Xml;

namespace Corridor.Iso20022;

/// <summary>Result of reading a message: the model (and AppHdr when enveloped), or the refusal with ISO reason codes.</summary>
public sealed record ParseResult
{
    public IsoMessage? Message { get; init; }
    public AppHeader? Header { get; init; }
    public IReadOnlyList<ValidationIssue> Errors { get; init; } = [];

    /// <summary>Message definition read from the Document namespace even when parsing failed (for the pacs.002 OrgnlMsgNmId), else null.</summary>
    public string? DetectedDefinition { get; init; }

    /// <summary>GrpHdr/MsgId (camt.056: Assgnmt/Id) read even when parsing failed (for the pacs.002 OrgnlMsgId), else null.</summary>
    public string? DetectedMsgId { get; init; }

    public bool IsSuccess => Message is not null && Errors.Count == 0;

    internal static ParseResult Fail(ValidationIssue issue, string? definition) => new() { Errors = [issue], DetectedDefinition = definition };
}

/// <summary>Entry point of the ISO 20022 library: parse (XSD-validated, streaming, hardened), validate business rules, build.</summary>
/// <remarks>
/// Nothing thrown by the XML stack escapes <see cref="Parse(ReadOnlySpan{byte})"/> or <see cref="Validate(ReadOnlySpan{byte}, BusinessRuleOptions?)"/>:
/// malformed, hostile, oversized or schema-invalid input comes back as a <see cref="ParseResult"/> with reason FF01
/// (or AM03/AM12/AM02 for amounts that cannot be represented in minor units).
/// </remarks>
public static class Iso20022Codec
{
    private static readonly Lazy<XmlReaderSettings> s_validating = new(() => XmlLimits.Hardened(validate: true));

    /// <summary>Compiles the schemas now (otherwise done on first parse, which then takes ~100 ms longer).</summary>
    public static void Warm() => _ = s_validating.Value;

    /// <summary>Parses and XSD-validates one message held in memory.</summary>
    public static unsafe ParseResult Parse(ReadOnlySpan<byte> xml)
    {
        if (xml.IsEmpty)
            return ParseResult.Fail(new(ReasonCodes.InvalidFileFormat, "", "empty message"), null);
        fixed (byte* p = xml)
        {
            using var stream = new UnmanagedMemoryStream(p, xml.Length);
            if (xml.Length > XmlLimits.MaxMessageBytes)
                return ParseResult.Fail(new(ReasonCodes.InvalidFileFormat, "", $"message of {xml.Length} bytes exceeds the limit of {XmlLimits.MaxMessageBytes} bytes"), null)
                    with { DetectedMsgId = MessageIdScan.Find(stream) };
            return Parse(stream);
        }
    }

    /// <summary>Parses and XSD-validates one message read from <paramref name="xml"/> (bounded to <see cref="XmlLimits.MaxMessageBytes"/> characters).</summary>
    public static ParseResult Parse(Stream xml)
    {
        long start = xml.CanSeek ? xml.Position : -1;
        ParseResult result = ParseOnce(xml);
        if (result.IsSuccess || start < 0) return result;
        // Refused: name the message in the pacs.002 when its MsgId can be read (a seekable stream is read again from its start).
        xml.Position = start;
        return result with { DetectedMsgId = MessageIdScan.Find(xml) };
    }

    private static ParseResult ParseOnce(Stream xml)
    {
        XmlReader? reader = null;
        try
        {
            reader = XmlReader.Create(xml, ThreadNameTable.For(s_validating.Value)); // this thread's readers share their names
            var (message, header) = MessageReader.Read(reader);
            return new ParseResult { Message = message, Header = header, DetectedDefinition = message.MessageDefinition };
        }
        catch (IsoRefusalException e)
        {
            return ParseResult.Fail(e.Issue, Detected(reader));
        }
        catch (XmlSchemaValidationException e)
        {
            return ParseResult.Fail(new(ReasonCodes.InvalidFileFormat, $"line {e.LineNumber}, col {e.LinePosition}", "XSD: " + e.Message), Detected(reader));
        }
        catch (XmlSchemaException e)
        {
            return ParseResult.Fail(new(ReasonCodes.InvalidFileFormat, $"line {e.LineNumber}, col {e.LinePosition}", "XSD: " + e.Message), Detected(reader));
        }
        catch (XmlException e)
        {
            return ParseResult.Fail(new(ReasonCodes.InvalidFileFormat, $"line {e.LineNumber}, col {e.LinePosition}", "XML: " + e.Message), Detected(reader));
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or InvalidOperationException or InvalidCastException)
        {
            // Typed conversions of text the schema allowed but .NET cannot represent (e.g. year 10000).
            return ParseResult.Fail(new(ReasonCodes.InvalidFileFormat, reader is null ? "" : XmlCursor.Where(reader), "unreadable value: " + e.Message), Detected(reader));
        }
        finally
        {
            reader?.Dispose();
        }
    }

    private static string? Detected(XmlReader? reader)
    {
        try
        {
            return reader is null ? null : SchemaCatalog.DefinitionOf(reader.LookupNamespace(""));
        }
        catch (Exception e) when (e is XmlException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>XSD validation plus business rules: every finding with its ISO reason code; empty means valid.</summary>
    public static IReadOnlyList<ValidationIssue> Validate(ReadOnlySpan<byte> xml, BusinessRuleOptions? options = null)
    {
        var parsed = Parse(xml);
        if (!parsed.IsSuccess) return parsed.Errors;
        return BusinessRules.Check(parsed.Message!, options);
    }

    /// <summary>Business rules only, on an already parsed (or built) message.</summary>
    public static IReadOnlyList<ValidationIssue> Validate(IsoMessage message, BusinessRuleOptions? options = null)
        => BusinessRules.Check(message, options);

    /// <summary>Builds any message model as XML (a bare Document, or the envelope with AppHdr when <paramref name="header"/> is given).</summary>
    public static byte[] Build(IsoMessage message, AppHeader? header = null, bool indent = false) => message switch
    {
        Pacs008Message m => MessageWriter.Pacs008(m, header, indent),
        Pacs009Message m => MessageWriter.Pacs009(m, header, indent),
        Pacs004Message m => MessageWriter.Pacs004(m, header, indent),
        Camt056Message m => MessageWriter.Camt056(m, header, indent),
        StatusReport m => MessageWriter.Pacs002(m, header, indent),
        StatusRequest m => MessageWriter.Pacs028(m, header, indent),
        ResolutionOfInvestigation m => MessageWriter.Camt029(m, header, indent),
        AccountReportMessage m => MessageWriter.AccountReport(m.Kind, m.Report, header, indent),
        _ => throw new ArgumentException("no builder for " + message.GetType().Name, nameof(message)),
    };

    /// <summary>camt.052 / camt.053 / camt.054 for one account.</summary>
    public static byte[] BuildAccountReport(AccountReportKind kind, AccountReport report, AppHeader? header = null, bool indent = false)
        => MessageWriter.AccountReport(kind, report, header, indent);

    /// <summary>
    /// pacs.002 RJCT for a message that could not be parsed: OrgnlMsgId is its MsgId when that could be read
    /// (<see cref="ParseResult.DetectedMsgId"/>), "NONREF" otherwise; group status RJCT, reasons from the parse errors.
    /// </summary>
    public static StatusReport RejectionOf(ParseResult failed, string reportMsgId, DateTimeOffset creDtTm, Agent? instgAgt = null, Agent? instdAgt = null)
    {
        var reasons = new List<ReasonInfo>();
        foreach (var e in failed.Errors)
        {
            if (reasons.Count == 10) break;
            reasons.Add(new ReasonInfo { Code = e.ReasonCode, AdditionalInfo = [Truncate(e.Path.Length > 0 ? e.Path + ": " + e.Message : e.Message, 105)] });
        }
        if (reasons.Count == 0) reasons.Add(new ReasonInfo { Code = ReasonCodes.InvalidFileFormat });
        return new StatusReport
        {
            ReportMsgId = reportMsgId,
            CreDtTm = creDtTm,
            InstgAgt = instgAgt,
            InstdAgt = instdAgt,
            OrgnlMsgId = failed.Message?.MsgId ?? failed.DetectedMsgId ?? StatusReport.NoReference,
            OrgnlMsgNmId = failed.DetectedDefinition ?? StatusReport.NoReference,
            GroupStatus = PaymentStatusCodes.Rejected,
            GroupReasons = ValueList.From(reasons),
        };
    }

    /// <summary>
    /// pacs.002 answering a parsed pacs.008/pacs.009 after the business rules: transactions with findings are RJCT with
    /// their reason codes, the others get <paramref name="acceptedStatus"/> (ACCP by default, ACSC once settled, PDNG when queued).
    /// A finding outside any transaction (GrpHdr) rejects the whole group. Group status: all accepted, RJCT, or PART.
    /// </summary>
    public static StatusReport StatusReportFor(IsoMessage message, IReadOnlyList<ValidationIssue> issues, string reportMsgId, DateTimeOffset creDtTm,
        string acceptedStatus = PaymentStatusCodes.Accepted)
    {
        var (grpHdr, ids) = message switch
        {
            Pacs008Message m => (m.GrpHdr, m.Transactions.Select(t => t.PmtId).ToArray()),
            Pacs009Message m => (m.GrpHdr, m.Transactions.Select(t => t.PmtId).ToArray()),
            _ => throw new ArgumentException("status reports answer pacs.008 and pacs.009", nameof(message)),
        };
        var perTx = new List<ReasonInfo>?[ids.Length];
        var group = new List<ReasonInfo>();
        foreach (var issue in issues)
        {
            var reason = new ReasonInfo { Code = issue.ReasonCode, AdditionalInfo = [Truncate(issue.Path + ": " + issue.Message, 105)] };
            int index = TransactionIndex(issue.Path);
            if (index >= 0 && index < ids.Length) (perTx[index] ??= []).Add(reason);
            else group.Add(reason);
        }
        var report = new StatusReport
        {
            ReportMsgId = reportMsgId,
            CreDtTm = creDtTm,
            InstgAgt = grpHdr.InstdAgt,
            InstdAgt = grpHdr.InstgAgt,
            OrgnlMsgId = grpHdr.MsgId,
            OrgnlMsgNmId = message.MessageDefinition,
            OrgnlCreDtTm = grpHdr.CreDtTm,
            OrgnlNbOfTxs = grpHdr.NbOfTxs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (group.Count > 0)
            return report with { GroupStatus = PaymentStatusCodes.Rejected, GroupReasons = ValueList.From(group.Take(10).ToList()) };
        var txs = new TransactionStatus[ids.Length];
        int rejected = 0;
        for (int i = 0; i < ids.Length; i++)
        {
            bool bad = perTx[i] is not null;
            if (bad) rejected++;
            txs[i] = new TransactionStatus
            {
                OrgnlInstrId = ids[i].InstrId, OrgnlEndToEndId = ids[i].EndToEndId, OrgnlTxId = ids[i].TxId, OrgnlUetr = ids[i].Uetr,
                TxSts = bad ? PaymentStatusCodes.Rejected : acceptedStatus,
                Reasons = bad ? ValueList.From(perTx[i]!.Take(10).ToList()) : default,
            };
        }
        string groupStatus = rejected == 0 ? acceptedStatus : rejected == ids.Length ? PaymentStatusCodes.Rejected : "PART";
        return report with { GroupStatus = groupStatus, Transactions = new ValueList<TransactionStatus>(txs) };
    }

    /// <summary>Index N of a "CdtTrfTxInf[N]/..." path, or -1.</summary>
    private static int TransactionIndex(string path)
    {
        const string Prefix = "CdtTrfTxInf[";
        if (!path.StartsWith(Prefix, StringComparison.Ordinal)) return -1;
        int end = path.IndexOf(']', Prefix.Length);
        return end > 0 && int.TryParse(path.AsSpan(Prefix.Length, end - Prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int i) ? i : -1;
    }

    /// <summary>Convenience: pacs.002 RJCT bytes for unparseable input.</summary>
    public static byte[] BuildRejection(ParseResult failed, string reportMsgId, DateTimeOffset creDtTm)
        => MessageWriter.Pacs002(RejectionOf(failed, reportMsgId, creDtTm));

    /// <summary>Keeps at most <paramref name="max"/> characters that XML can carry (error texts may quote the offending bytes).</summary>
    private static string Truncate(string s, int max)
    {
        var sb = new System.Text.StringBuilder(Math.Min(s.Length, max));
        for (int i = 0; i < s.Length && sb.Length < max; i++)
        {
            char c = s[i];
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                if (sb.Length + 2 > max) break;
                sb.Append(c).Append(s[++i]);
            }
            else if (XmlConvert.IsXmlChar(c))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('?');
            }
        }
        return sb.Length == 0 ? "?" : sb.ToString();
    }
}
