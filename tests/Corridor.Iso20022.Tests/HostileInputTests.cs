using System.Text;
using Corridor.Iso20022.Validation;
using Corridor.Iso20022.Xml;

namespace Corridor.Iso20022.Tests;

/// <summary>Hostile or broken XML is refused with FF01 and a precise message; nothing throws out of the codec.</summary>
public sealed class HostileInputTests
{
    private static ValidationIssue Refused(string xml) => Refused(Encoding.UTF8.GetBytes(xml));

    private static ValidationIssue Refused(byte[] xml)
    {
        var r = Iso20022Codec.Parse(xml);
        Assert.False(r.IsSuccess);
        Assert.Null(r.Message);
        return Assert.Single(r.Errors);
    }

    private static string Pacs008Text => Encoding.UTF8.GetString(TestData.Sample("pacs.008-kes-ghs-trade.xml"));

    [Fact]
    public void External_entity_XXE_is_refused_without_reading_the_file()
    {
        var e = Refused("""<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09">&x;</Document>""");
        Assert.Equal(ReasonCodes.InvalidFileFormat, e.ReasonCode);
        Assert.Contains("DTD", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Billion_laughs_is_refused()
    {
        var sb = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (int i = 1; i < 10; i++) sb.Append($"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{(i == 1 ? "" : i - 1)};", 10))}\">");
        sb.Append("]><Document>&lol9;</Document>");
        var e = Refused(sb.ToString());
        Assert.Equal(ReasonCodes.InvalidFileFormat, e.ReasonCode);
        Assert.Contains("DTD", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_is_refused_at_the_depth_bound()
    {
        // Inside an envelope nothing is schema-checked before the Document, so only the depth bound stops it.
        string deep = string.Concat(Enumerable.Repeat("<a>", 5000)) + string.Concat(Enumerable.Repeat("</a>", 5000));
        var e = Refused($"<Envelope>{deep}</Envelope>");
        Assert.Equal(ReasonCodes.InvalidFileFormat, e.ReasonCode);
        Assert.Contains("unexpected element", e.Message, StringComparison.Ordinal);

        string inAppHdr = $"<Envelope><AppHdr xmlns=\"{Model.AppHeader.Namespace}\"><Rltd>{deep}</Rltd></AppHdr></Envelope>";
        var e2 = Refused(inAppHdr);
        Assert.Contains($"deeper than {XmlLimits.MaxDepth}", e2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_inside_the_document_is_refused()
    {
        string deep = string.Concat(Enumerable.Repeat("<a>", 200)) + string.Concat(Enumerable.Repeat("</a>", 200));
        var e = Refused($"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09\">{deep}</Document>");
        Assert.Equal(ReasonCodes.InvalidFileFormat, e.ReasonCode);
    }

    [Fact]
    public void Oversized_message_is_refused_as_span_and_as_stream()
    {
        string padding = new(' ', XmlLimits.MaxMessageBytes);
        byte[] big = Encoding.UTF8.GetBytes(Pacs008Text.Replace("<FIToFICstmrCdtTrf>", "<FIToFICstmrCdtTrf>" + padding, StringComparison.Ordinal));
        var e = Refused(big);
        Assert.Contains("exceeds the limit", e.Message, StringComparison.Ordinal);

        var fromStream = Iso20022Codec.Parse(new MemoryStream(big));
        Assert.False(fromStream.IsSuccess);
        Assert.Equal(ReasonCodes.InvalidFileFormat, fromStream.Errors[0].ReasonCode);
    }

    [Fact]
    public void Not_well_formed_is_refused_with_line_and_column()
    {
        var e = Refused(Pacs008Text.Replace("</MsgId>", "</MsgIdX>", StringComparison.Ordinal));
        Assert.Equal(ReasonCodes.InvalidFileFormat, e.ReasonCode);
        Assert.StartsWith("line ", e.Path, StringComparison.Ordinal);
        Assert.StartsWith("XML:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_xml_declaration_that_trips_the_readers_encoding_switch_is_refused()
    {
        // Found by Random_byte_mutations_never_throw_out_of_the_codec: .NET's XmlTextReader throws ArgumentOutOfRangeException
        // (not XmlException) while switching encoding on this declaration, in the parse and again in the MsgId scan.
        byte[] xml = [.. "<?xml version=\"1.0"u8, 0x81, .. " encoding="u8, 0xE5, .. "UTF-8\"?>"u8];
        var r = Iso20022Codec.Parse(xml);
        Assert.False(r.IsSuccess);
        Assert.Equal(ReasonCodes.InvalidFileFormat, Assert.Single(r.Errors).ReasonCode);
        Assert.Null(r.DetectedMsgId);
        TestData.AssertSchemaValid(Iso20022Codec.BuildRejection(r, "CRDR-STS-DECL", DateTimeOffset.UnixEpoch));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not xml at all")]
    [InlineData("<Document/>")]
    [InlineData("<Foo xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09\"/>")]
    [InlineData("<Envelope><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09\"/></Envelope>")]
    public void Garbage_is_refused(string xml)
    {
        Assert.Equal(ReasonCodes.InvalidFileFormat, Refused(xml).ReasonCode);
    }

    [Fact]
    public void Wrong_namespace_is_refused_naming_the_namespace()
    {
        var e = Refused(Pacs008Text.Replace("pacs.008.001.09", "pacs.008.001.08", StringComparison.Ordinal));
        Assert.Equal(ReasonCodes.InvalidFileFormat, e.ReasonCode);
        Assert.Contains("pacs.008.001.08", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_status_report_is_refused()
    {
        var e = Refused("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pacs.002.001.11\"><FIToFIPmtStsRpt/></Document>");
        Assert.Equal(ReasonCodes.InvalidFileFormat, e.ReasonCode);
    }

    [Fact]
    public void Schema_violation_is_refused_with_the_xsd_message()
    {
        var e = Refused(Pacs008Text.Replace("<EndToEndId>NAIROBIELEC-INV-2026-0917</EndToEndId>", "", StringComparison.Ordinal));
        Assert.Equal(ReasonCodes.InvalidFileFormat, e.ReasonCode);
        Assert.StartsWith("XSD:", e.Message, StringComparison.Ordinal);
        Assert.Contains("EndToEndId", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_code_value_is_refused_by_the_schema()
    {
        var e = Refused(Pacs008Text.Replace("<ChrgBr>DEBT</ChrgBr>", "<ChrgBr>XXXX</ChrgBr>", StringComparison.Ordinal));
        Assert.StartsWith("XSD:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Content_after_the_root_is_refused()
    {
        var e = Refused(Pacs008Text + "<Document/>");
        Assert.Equal(ReasonCodes.InvalidFileFormat, e.ReasonCode);
    }

    [Fact]
    public void Unknown_currency_is_refused_AM03()
    {
        var e = Refused(Pacs008Text.Replace("Ccy=\"GHS\"", "Ccy=\"XYZ\"", StringComparison.Ordinal));
        Assert.Equal(ReasonCodes.NotAllowedCurrency, e.ReasonCode);
        Assert.Contains("XYZ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_many_fraction_digits_for_the_currency_is_refused_AM12()
    {
        var e = Refused(Encoding.UTF8.GetString(TestData.Sample("pacs.008-batch-local.xml")).Replace(">850000<", ">850000.5<", StringComparison.Ordinal));
        Assert.Equal(ReasonCodes.InvalidAmount, e.ReasonCode);
        Assert.Contains("UGX", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Amount_beyond_64_bit_minor_units_is_refused_AM02()
    {
        // 18 digits pass the XSD (totalDigits 18) but × 1000 (KWD) overflow a long.
        string xml = Pacs008Text.Replace("<IntrBkSttlmAmt Ccy=\"GHS\">118750.00</IntrBkSttlmAmt>", "<IntrBkSttlmAmt Ccy=\"KWD\">999999999999999999</IntrBkSttlmAmt>", StringComparison.Ordinal);
        Assert.Equal(ReasonCodes.NotAllowedAmount, Refused(xml).ReasonCode);
    }

    [Fact]
    public void Unparseable_message_gets_a_schema_valid_pacs002_RJCT_with_NONREF()
    {
        var failed = Iso20022Codec.Parse(Encoding.UTF8.GetBytes("<<<garbage"));
        var report = Iso20022Codec.RejectionOf(failed, "CORRIDOR-STS-1", new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));
        Assert.Equal("NONREF", report.OrgnlMsgId);
        Assert.Equal("NONREF", report.OrgnlMsgNmId);
        Assert.Equal("RJCT", report.GroupStatus);
        Assert.Equal("FF01", report.GroupReasons[0].Code);
        TestData.AssertSchemaValid(Iso20022Codec.BuildRejection(failed, "CORRIDOR-STS-1", new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Rejection_of_a_schema_invalid_pacs008_names_the_message_definition()
    {
        var failed = Iso20022Codec.Parse(Encoding.UTF8.GetBytes(Pacs008Text.Replace("<ChrgBr>DEBT</ChrgBr>", "", StringComparison.Ordinal)));
        Assert.Equal("pacs.008.001.09", failed.DetectedDefinition);
        var report = Iso20022Codec.RejectionOf(failed, "CORRIDOR-STS-2", DateTimeOffset.UnixEpoch);
        Assert.Equal("pacs.008.001.09", report.OrgnlMsgNmId);
        TestData.AssertSchemaValid(Iso20022Codec.Build(report));
    }

    [Fact]
    public void Parsing_from_many_threads_at_once_gives_the_same_model()
    {
        byte[] xml = TestData.Sample("pacs.008-kes-ghs-trade.xml");
        var expected = Iso20022Codec.Parse(xml).Message;
        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            var r = Iso20022Codec.Parse(xml);
            Assert.True(r.IsSuccess);
            Assert.Equal(expected, r.Message);
        });
    }
}

/// <summary>The envelope does not switch schema validation off for the enclosed Document, and the AppHdr rules hold.</summary>
public sealed class EnvelopeTests
{
    private static string Enveloped => System.Text.Encoding.UTF8.GetString(TestData.Sample("pacs.008-envelope-apphdr.xml"));

    private static ValidationIssue Refused(string xml)
    {
        var r = Iso20022Codec.Parse(System.Text.Encoding.UTF8.GetBytes(xml));
        Assert.False(r.IsSuccess);
        return Assert.Single(r.Errors);
    }

    [Fact]
    public void Schema_violation_inside_an_enveloped_document_is_refused()
    {
        var e = Refused(Enveloped.Replace("<ChrgBr>SLEV</ChrgBr>", "", StringComparison.Ordinal));
        Assert.StartsWith("XSD:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AppHdr_with_a_bad_BIC_is_refused()
        => Assert.Contains("BIC", Refused(Enveloped.Replace("<BICFI>COBADEFF</BICFI></FinInstnId></FIId></Fr>", "<BICFI>COBA</BICFI></FinInstnId></FIId></Fr>", StringComparison.Ordinal)).Message, StringComparison.Ordinal);

    [Fact]
    public void AppHdr_naming_another_message_is_refused()
        => Assert.Contains("MsgDefIdr", Refused(Enveloped.Replace("<MsgDefIdr>pacs.008.001.09</MsgDefIdr>", "<MsgDefIdr>pacs.009.001.09</MsgDefIdr>", StringComparison.Ordinal)).Message, StringComparison.Ordinal);

    [Fact]
    public void AppHdr_with_a_local_creation_time_is_refused()
        => Assert.Contains("UTC", Refused(Enveloped.Replace("<CreDt>2026-11-23T08:02:11Z</CreDt>", "<CreDt>2026-11-23T08:02:11+01:00</CreDt>", StringComparison.Ordinal)).Message, StringComparison.Ordinal);

    [Fact]
    public void AppHdr_out_of_order_is_refused()
        => Assert.Contains("order", Refused(Enveloped.Replace("<BizMsgIdr>COBA-20261123-55021</BizMsgIdr>\n    <MsgDefIdr>pacs.008.001.09</MsgDefIdr>", "<MsgDefIdr>pacs.008.001.09</MsgDefIdr>\n    <BizMsgIdr>COBA-20261123-55021</BizMsgIdr>", StringComparison.Ordinal)).Message, StringComparison.Ordinal);

    [Fact]
    public void AppHdr_in_the_wrong_namespace_is_refused()
        => Assert.Contains("namespace", Refused(Enveloped.Replace("head.001.001.02", "head.001.001.01", StringComparison.Ordinal)).Message, StringComparison.Ordinal);

    [Fact]
    public void Envelope_without_AppHdr_is_refused()
    {
        string xml = Enveloped;
        int start = xml.IndexOf("<AppHdr", StringComparison.Ordinal);
        int end = xml.IndexOf("</AppHdr>", StringComparison.Ordinal) + "</AppHdr>".Length;
        Assert.Contains("AppHdr", Refused(xml[..start] + xml[end..]).Message, StringComparison.Ordinal);
    }
}
