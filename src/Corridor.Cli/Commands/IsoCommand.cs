using System.CommandLine;
using Corridor.Iso20022;
using Corridor.Iso20022.Validation;
using Corridor.Iso20022.Xml;
using IsoParseResult = Corridor.Iso20022.ParseResult;

namespace Corridor.Cli.Commands;

/// <summary><c>corridor iso ...</c>: ISO 20022 messages at the edge.</summary>
public static class IsoCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The message (XML: a Document, or an Envelope with AppHdr and Document)." };
        var pacs002 = new Option<bool>("--pacs002") { Description = "Also print the pacs.002 status report Corridor would answer with." };
        var validate = new Command("validate", "Validate a message against its ISO 20022 schema and Corridor's business rules; prints each problem with its ISO reason code. Exit 0 when valid, 1 when not.")
        {
            file, pacs002,
        };
        validate.SetAction(parse =>
        {
            FileInfo f = parse.GetValue(file)!;
            if (!f.Exists) { Console.Error.WriteLine($"corridor iso validate: no such file {f.FullName}"); return 2; }
            if (f.Length > XmlLimits.MaxMessageBytes) { Console.Error.WriteLine($"corridor iso validate: FF01 message of {f.Length} bytes exceeds {XmlLimits.MaxMessageBytes}"); return 1; }
            byte[] xml = File.ReadAllBytes(f.FullName);
            IsoParseResult parsed = Iso20022Codec.Parse(xml);
            IReadOnlyList<ValidationIssue> issues = parsed.IsSuccess ? Iso20022Codec.Validate(parsed.Message!) : parsed.Errors;
            string definition = parsed.Message?.MessageDefinition ?? parsed.DetectedDefinition ?? "unknown message";
            if (issues.Count == 0) Console.WriteLine($"valid {definition} {parsed.Message!.MsgId}");
            foreach (ValidationIssue issue in issues) Console.WriteLine($"{issue.ReasonCode} {issue.Path}: {issue.Message}");
            if (parse.GetValue(pacs002))
            {
                DateTimeOffset now = DateTimeOffset.UtcNow;
                string reportId = "CRDR-" + now.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
                byte[] report = parsed.Message is null
                    ? Iso20022Codec.BuildRejection(parsed, reportId, now)
                    : Iso20022Codec.Build(Iso20022Codec.StatusReportFor(parsed.Message, issues, reportId, now), indent: true);
                Console.WriteLine(System.Text.Encoding.UTF8.GetString(report));
            }
            return issues.Count == 0 ? 0 : 1;
        });
        return new Command("iso", "ISO 20022 messages: validate them offline.") { validate };
    }
}
