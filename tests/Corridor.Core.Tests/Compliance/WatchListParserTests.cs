using CsCheck;
using Corridor.Core.Compliance;
using Xunit;

namespace Corridor.Core.Tests.Compliance;

public class WatchListParserTests
{
    private const string Csv =
        "id,kind,name,aliases,countries,dates_of_birth,program\n" +
        "# comment line\n" +
        "RU-1,person,\"PUTIN, Vladimir\",\"Владимир Путин;Wladimir Putin\",RU,1952-10-07,UKRAINE-EO13660\n" +
        "\n" +
        "KP-O1,organisation,\"Korea \"\"Kwangson\"\" Banking\nCorporation\",,KP,,DPRK\n" +
        "X-1,,Someone,,,1960,\r\n";

    [Fact]
    public void Csv_parses_quoted_fields_aliases_and_multi_line_records()
    {
        var result = WatchListParser.ParseCsv(Csv, "ofac", "2026-11-23");
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        var list = result.List!;
        Assert.Equal("ofac", list.Name);
        Assert.Equal("2026-11-23", list.Version);
        Assert.Equal(3, list.Entries.Length);
        var putin = list.Entries[0];
        Assert.Equal(["PUTIN, Vladimir", "Владимир Путин", "Wladimir Putin"], putin.Names.ToArray());
        Assert.Equal(["RU"], putin.Countries.ToArray());
        Assert.Equal(new PartialDate(1952, 10, 7), putin.DatesOfBirth[0]);
        Assert.Equal("UKRAINE-EO13660", putin.Program);
        Assert.Equal("Korea \"Kwangson\" Banking\nCorporation", list.Entries[1].PrimaryName);
        Assert.Equal(WatchListEntryKind.Organisation, list.Entries[1].Kind);
        Assert.Equal(WatchListEntryKind.Other, list.Entries[2].Kind);
        Assert.Equal(new PartialDate(1960), list.Entries[2].DatesOfBirth[0]);
        Assert.Equal(64, list.ContentHash.Length);
    }

    [Fact]
    public void Csv_columns_may_come_in_any_order()
    {
        var result = WatchListParser.ParseCsv("NAME,Id\nJohn Doe,A1\n", "l", "1");
        Assert.True(result.IsSuccess);
        Assert.Equal("A1", result.List!.Entries[0].Id);
    }

    [Theory]
    [InlineData("id,name\nA,x\nA,y\n", 3, WatchListParseErrorCode.DuplicateId)]
    [InlineData("id,name\nA,x\n,y\n", 3, WatchListParseErrorCode.MissingId)]
    [InlineData("id,name\nA,\n", 2, WatchListParseErrorCode.MissingName)]
    [InlineData("id,name\nA,x,extra\n", 2, WatchListParseErrorCode.FieldCountMismatch)]
    [InlineData("id,name,kind\nA,x,planet\n", 2, WatchListParseErrorCode.InvalidKind)]
    [InlineData("id,name,countries\nA,x,RU;ZZ\n", 2, WatchListParseErrorCode.InvalidCountry)]
    [InlineData("id,name,dates_of_birth\nA,x,1952-13-01\n", 2, WatchListParseErrorCode.InvalidDate)]
    [InlineData("id,name,dates_of_birth\nA,x,1951-02-29\n", 2, WatchListParseErrorCode.InvalidDate)]
    [InlineData("id,name,colour\n", 1, WatchListParseErrorCode.UnknownColumn)]
    [InlineData("id,aliases\n", 1, WatchListParseErrorCode.MissingColumn)]
    [InlineData("id,name\n\"A,x\n", 2, WatchListParseErrorCode.UnterminatedQuote)]
    [InlineData("id,name\n\"A\"b,x\n", 2, WatchListParseErrorCode.TextAfterQuote)]
    [InlineData("id,name\nA,\"multi\nline\"\nB,y\nB,z\n", 5, WatchListParseErrorCode.DuplicateId)]
    [InlineData("", 1, WatchListParseErrorCode.EmptyInput)]
    public void Csv_errors_name_the_line(string csv, int line, WatchListParseErrorCode code)
    {
        var result = WatchListParser.ParseCsv(csv, "l", "1");
        Assert.False(result.IsSuccess);
        Assert.Null(result.List);
        var error = result.Errors[0];
        Assert.Equal(code, error.Code);
        Assert.Equal(line, error.Line);
    }

    [Fact]
    public void Csv_field_too_long_is_refused()
    {
        var result = WatchListParser.ParseCsv("id,name\nA," + new string('x', WatchListParser.MaxFieldChars + 1) + "\n", "l", "1");
        Assert.Equal(WatchListParseErrorCode.FieldTooLong, result.Errors[0].Code);
    }

    [Fact]
    public void Errors_are_bounded()
    {
        var csv = "id,name\n" + string.Concat(Enumerable.Repeat("A,\n", WatchListParser.MaxErrors * 2));
        Assert.Equal(WatchListParser.MaxErrors, WatchListParser.ParseCsv(csv, "l", "1").Errors.Length);
    }

    private const string Xml = """
        <?xml version="1.0" encoding="utf-8"?>
        <watchList name="operator-internal" version="v7">
          <entry id="RU-1" kind="person" program="UKRAINE-EO13660">
            <name>Vladimir Putin</name>
            <alias>Владимир Путин</alias>
            <country>RU</country>
            <dateOfBirth>1952-10-07</dateOfBirth>
          </entry>
          <entry id="KP-O1" kind="organisation">
            <name>Korea Kwangson Banking Corporation</name>
          </entry>
        </watchList>
        """;

    [Fact]
    public void Xml_parses_entries_and_takes_name_and_version_from_attributes()
    {
        var result = WatchListParser.ParseXml(Xml);
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal("operator-internal", result.List!.Name);
        Assert.Equal("v7", result.List.Version);
        Assert.Equal(["Vladimir Putin", "Владимир Путин"], result.List.Entries[0].Names.ToArray());
        Assert.Equal("UKRAINE-EO13660", result.List.Entries[0].Program);
    }

    [Fact]
    public void Same_content_has_the_same_hash_whatever_the_format_or_order()
    {
        var fromXml = WatchListParser.ParseXml(Xml).List!;
        var csv = "id,kind,name,aliases,countries,dates_of_birth,program\n" +
                  "KP-O1,organisation,Korea Kwangson Banking Corporation,,,,\n" +
                  "RU-1,person,Vladimir Putin,Владимир Путин,RU,1952-10-07,UKRAINE-EO13660\n";
        var fromCsv = WatchListParser.ParseCsv(csv, "other-name", "other-version").List!;
        Assert.Equal(fromXml.ContentHash, fromCsv.ContentHash);
        var changed = WatchListParser.ParseCsv(csv.Replace("1952-10-07", "1952-10-08"), "x", "y").List!;
        Assert.NotEqual(fromXml.ContentHash, changed.ContentHash);
    }

    [Theory]
    [InlineData("<watchList><entry id=\"A\"><name>x</name></entry>\n<entry id=\"A\"><name>y</name></entry></watchList>", 2, WatchListParseErrorCode.DuplicateId)]
    [InlineData("<watchList>\n<entry><name>x</name></entry></watchList>", 2, WatchListParseErrorCode.MissingId)]
    [InlineData("<watchList>\n\n<entry id=\"A\"/></watchList>", 3, WatchListParseErrorCode.MissingName)]
    [InlineData("<watchList>\n<entry id=\"A\">\n<name>x</name>\n<nickname>y</nickname></entry></watchList>", 4, WatchListParseErrorCode.UnexpectedElement)]
    [InlineData("<watchList>\n<entry id=\"A\"><name>x</name><country>Russia</country></entry></watchList>", 2, WatchListParseErrorCode.InvalidCountry)]
    [InlineData("<watchList>\n<entry id=\"A\">\n<name>x</name>\n</entry>\n", 5, WatchListParseErrorCode.MalformedXml)]
    [InlineData("<list/>", 1, WatchListParseErrorCode.UnexpectedElement)]
    [InlineData("<!DOCTYPE watchList [<!ENTITY x \"y\">]><watchList/>", 1, WatchListParseErrorCode.MalformedXml)]
    public void Xml_errors_name_the_line(string xml, int line, WatchListParseErrorCode code)
    {
        var result = WatchListParser.ParseXml(xml, "l", "1");
        Assert.False(result.IsSuccess);
        Assert.Equal(code, result.Errors[0].Code);
        Assert.Equal(line, result.Errors[0].Line);
    }

    [Fact]
    public void Un_consolidated_list_subset_is_read()
    {
        const string un = """
            <CONSOLIDATED_LIST dateGenerated="2026-11-20T00:00:00">
              <INDIVIDUALS>
                <INDIVIDUAL>
                  <DATAID>6908555</DATAID>
                  <FIRST_NAME>RI</FIRST_NAME>
                  <SECOND_NAME>WON HO</SECOND_NAME>
                  <UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
                  <REFERENCE_NUMBER>KPi.012</REFERENCE_NUMBER>
                  <NAME_ORIGINAL_SCRIPT>리원호</NAME_ORIGINAL_SCRIPT>
                  <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Ri Won-ho</ALIAS_NAME></INDIVIDUAL_ALIAS>
                  <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME></ALIAS_NAME></INDIVIDUAL_ALIAS>
                  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1964-07-17</DATE></INDIVIDUAL_DATE_OF_BIRTH>
                  <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><YEAR>1966</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
                </INDIVIDUAL>
              </INDIVIDUALS>
              <ENTITIES>
                <ENTITY>
                  <DATAID>110404</DATAID>
                  <FIRST_NAME>KOREA MINING DEVELOPMENT TRADING CORPORATION</FIRST_NAME>
                  <UN_LIST_TYPE>DPRK</UN_LIST_TYPE>
                  <REFERENCE_NUMBER>KPe.001</REFERENCE_NUMBER>
                  <ENTITY_ALIAS><ALIAS_NAME>KOMID</ALIAS_NAME></ENTITY_ALIAS>
                </ENTITY>
              </ENTITIES>
            </CONSOLIDATED_LIST>
            """;
        var result = WatchListParser.ParseXml(un);
        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        var list = result.List!;
        Assert.Equal("2026-11-20T00:00:00", list.Version);
        var ri = list.Entries[0];
        Assert.Equal("KPi.012", ri.Id);
        Assert.Equal(["RI WON HO", "리원호", "Ri Won-ho"], ri.Names.ToArray());
        Assert.Equal([new PartialDate(1964, 7, 17), new PartialDate(1966)], ri.DatesOfBirth.ToArray());
        Assert.Equal("DPRK", ri.Program);
        Assert.Equal(WatchListEntryKind.Organisation, list.Entries[1].Kind);
        Assert.Equal(["KOREA MINING DEVELOPMENT TRADING CORPORATION", "KOMID"], list.Entries[1].Names.ToArray());

        var screener = new Screener(list);
        Assert.Equal("KPi.012", screener.ScreenName("Ri Won Ho")[0].EntryId);
        Assert.Equal("KPe.001", screener.ScreenName("Komid")[0].EntryId);
    }

    [Fact]
    public void WatchList_create_refuses_duplicates_and_nameless_entries()
    {
        Assert.Throws<ArgumentException>(() => WatchList.Create("l", "1", [ScreeningTests.Person("A", "x"), ScreeningTests.Person("A", "y")]));
        Assert.Throws<ArgumentException>(() => WatchList.Create("l", "1", [ScreeningTests.Person("A")]));
    }

    private const string UnSample = """
        <CONSOLIDATED_LIST dateGenerated="2026-11-20T00:00:00">
          <INDIVIDUALS><INDIVIDUAL><DATAID>6908555</DATAID><FIRST_NAME>RI</FIRST_NAME><SECOND_NAME>WON HO</SECOND_NAME>
            <UN_LIST_TYPE>DPRK</UN_LIST_TYPE><REFERENCE_NUMBER>KPi.012</REFERENCE_NUMBER>
            <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Ri Won-ho</ALIAS_NAME></INDIVIDUAL_ALIAS>
            <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><DATE>1964-07-17</DATE></INDIVIDUAL_DATE_OF_BIRTH>
          </INDIVIDUAL></INDIVIDUALS>
          <ENTITIES><ENTITY><DATAID>110</DATAID><FIRST_NAME>KOREA MINING DEVELOPMENT TRADING CORPORATION</FIRST_NAME>
            <UN_LIST_TYPE>DPRK</UN_LIST_TYPE><ENTITY_ALIAS><ALIAS_NAME>KOMID</ALIAS_NAME></ENTITY_ALIAS></ENTITY></ENTITIES>
        </CONSOLIDATED_LIST>
        """;

    private static readonly string[] Seeds = [Csv, Xml, UnSample];

    /// <summary>Character edits: replace, insert, delete a run, truncate, duplicate a run (the ISO codec's fuzzing, on text).</summary>
    private static readonly Gen<(int Seed, (int Op, int Pos, char Value, int Count)[] Ops)> Mutations =
        Gen.Select(Gen.Int[0, 2], Gen.Select(Gen.Int[0, 4], Gen.Int[0, int.MaxValue], Gen.OneOf(Gen.Char, Gen.Char["<>&\"',;\n#/=ÿ\0"]), Gen.Int[1, 40]).Array[1, 6]);

    [Fact]
    public void Random_edits_of_a_list_are_parsed_or_refused_line_by_line_never_thrown()
    {
        Mutations.Sample(c =>
        {
            var text = new System.Text.StringBuilder(Seeds[c.Seed]);
            foreach (var (op, pos, value, count) in c.Ops)
            {
                if (text.Length == 0) break;
                int at = pos % text.Length;
                switch (op)
                {
                    case 0: text[at] = value; break;
                    case 1: text.Insert(at, value); break;
                    case 2: text.Remove(at, Math.Min(count, text.Length - at)); break;
                    case 3: text.Length = at; break;
                    default: text.Insert(at, text.ToString(at, Math.Min(count, text.Length - at))); break;
                }
            }
            string edited = text.ToString();
            WatchListParseResult result = c.Seed == 0 ? WatchListParser.ParseCsv(edited, "fuzz", "1") : WatchListParser.ParseXml(edited);
            if (result.IsSuccess)
            {
                Assert.Empty(result.Errors);
                Assert.All(result.List!.Entries, e => Assert.NotEmpty(e.Names));
            }
            else
            {
                Assert.NotEmpty(result.Errors);
                Assert.All(result.Errors, e => Assert.True(e.Line >= 1 && Enum.IsDefined(e.Code), e.ToString()));
            }
        }, iter: 3000, threads: 1);
    }
}
