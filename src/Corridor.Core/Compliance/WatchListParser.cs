using System.Collections.Immutable;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Corridor.Core.Countries;

namespace Corridor.Core.Compliance;

/// <summary>Why a watch-list file was refused. Values are stable; append only.</summary>
public enum WatchListParseErrorCode : byte
{
    EmptyInput = 1,
    UnknownColumn = 2,
    DuplicateColumn = 3,
    MissingColumn = 4,
    UnterminatedQuote = 5,
    TextAfterQuote = 6,
    FieldCountMismatch = 7,
    MissingId = 8,
    MissingName = 9,
    DuplicateId = 10,
    InvalidKind = 11,
    InvalidCountry = 12,
    InvalidDate = 13,
    FieldTooLong = 14,
    TooManyEntries = 15,
    TooManyNames = 16,
    MalformedXml = 17,
    UnexpectedElement = 18,
}

/// <summary>One parse error; <see cref="Line"/> is 1-based (the line where the record or element starts).</summary>
public readonly record struct WatchListParseError(int Line, WatchListParseErrorCode Code, string Message)
{
    public override string ToString() => $"line {Line}: {Code}: {Message}";
}

/// <summary>A parsed list, or the errors that refused it. A list with any error is refused whole.</summary>
public sealed record WatchListParseResult(WatchList? List, ImmutableArray<WatchListParseError> Errors)
{
    public bool IsSuccess => List is not null;
}

/// <summary>
/// Reads watch lists from text: CSV (RFC 4180 quoting, named columns) and XML (Corridor's own
/// &lt;watchList&gt; format, or the UN Security Council consolidated list shape). Formats are in docs/compliance.md.
/// </summary>
public static class WatchListParser
{
    /// <summary>Parsing stops collecting errors after this many.</summary>
    public const int MaxErrors = 100;

    /// <summary>Bound on one CSV field or XML text value.</summary>
    public const int MaxFieldChars = 4096;

    /// <summary>Bound on an XML document.</summary>
    public const long MaxXmlChars = 1L << 30;

    /// <summary>CSV columns, in the order written by <see cref="CsvHeader"/>; id and name are required.</summary>
    public static readonly ImmutableArray<string> CsvColumns = ["id", "kind", "name", "aliases", "countries", "dates_of_birth", "program"];

    public const string CsvHeader = "id,kind,name,aliases,countries,dates_of_birth,program";

    private const int ColId = 0, ColKind = 1, ColName = 2, ColAliases = 3, ColCountries = 4, ColDates = 5, ColProgram = 6;

    public static WatchListParseResult ParseCsv(string text, string listName, string version) =>
        ParseCsv(new StringReader(text), listName, version);

    /// <summary>
    /// Parses CSV: a header row naming the columns (any order, case-insensitive), one entry per record.
    /// Multi-valued fields (aliases, countries, dates_of_birth) separate values with ';'.
    /// Blank lines and lines starting with '#' are skipped.
    /// </summary>
    public static WatchListParseResult ParseCsv(TextReader reader, string listName, string version)
    {
        var errors = new Errors();
        var csv = new CsvReader(reader);
        var fields = new List<string>();
        int[] columnOf = [-1, -1, -1, -1, -1, -1, -1];
        int columnCount = 0;
        bool haveHeader = false;
        var entries = new List<WatchListEntry>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        while (!errors.Full && csv.ReadRecord(fields, errors, out int line))
        {
            if (!haveHeader)
            {
                haveHeader = true;
                columnCount = fields.Count;
                for (int i = 0; i < fields.Count; i++)
                {
                    int col = CsvColumns.IndexOf(fields[i].Trim().ToLowerInvariant());
                    if (col < 0) errors.Add(line, WatchListParseErrorCode.UnknownColumn, $"unknown column '{fields[i]}' (expected {CsvHeader})");
                    else if (columnOf[col] >= 0) errors.Add(line, WatchListParseErrorCode.DuplicateColumn, $"column '{fields[i]}' appears twice");
                    else columnOf[col] = i;
                }
                if (columnOf[ColId] < 0) errors.Add(line, WatchListParseErrorCode.MissingColumn, "missing column 'id'");
                if (columnOf[ColName] < 0) errors.Add(line, WatchListParseErrorCode.MissingColumn, "missing column 'name'");
                if (errors.Count > 0) break;
                continue;
            }
            if (fields.Count != columnCount)
            {
                errors.Add(line, WatchListParseErrorCode.FieldCountMismatch, $"{fields.Count} fields, header has {columnCount}");
                continue;
            }
            string Field(int col) => columnOf[col] < 0 ? "" : fields[columnOf[col]].Trim();
            var names = new List<string>();
            if (Field(ColName).Length > 0) names.Add(Field(ColName));
            names.AddRange(SplitList(Field(ColAliases)));
            var entry = BuildEntry(line, Field(ColId), Field(ColKind), names, SplitList(Field(ColCountries)), SplitList(Field(ColDates)),
                Field(ColProgram), ids, errors);
            if (entry is not null) AddEntry(line, entry, entries, errors);
        }
        if (!haveHeader && errors.Count == 0) errors.Add(1, WatchListParseErrorCode.EmptyInput, "no header row");
        return Finish(listName, version, entries, errors);
    }

    public static WatchListParseResult ParseXml(string text, string? listName = null, string? version = null) =>
        ParseXml(new StringReader(text), listName, version);

    /// <summary>
    /// Parses XML: root &lt;watchList name= version=&gt; with &lt;entry&gt; children, or a UN consolidated list
    /// (root &lt;CONSOLIDATED_LIST&gt;). Explicit <paramref name="listName"/>/<paramref name="version"/> win over attributes.
    /// DTDs are refused (no external entities).
    /// </summary>
    public static WatchListParseResult ParseXml(TextReader reader, string? listName = null, string? version = null)
    {
        var errors = new Errors();
        XDocument document;
        try
        {
            var settings = new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Prohibit,
                XmlResolver = null,
                IgnoreComments = true,
                IgnoreProcessingInstructions = true,
                MaxCharactersInDocument = MaxXmlChars,
            };
            using var xml = XmlReader.Create(reader, settings);
            document = XDocument.Load(xml, LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            errors.Add(Math.Max(1, e.LineNumber), WatchListParseErrorCode.MalformedXml, e.Message);
            return Finish(listName ?? "", version ?? "", [], errors);
        }
        var root = document.Root!;
        var entries = new List<WatchListEntry>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        if (root.Name.LocalName == "CONSOLIDATED_LIST")
        {
            ParseUn(root, entries, ids, errors);
            return Finish(listName ?? "UN-SC-CONSOLIDATED", version ?? (string?)root.Attribute("dateGenerated") ?? "", entries, errors);
        }
        if (root.Name.LocalName != "watchList")
        {
            errors.Add(LineOf(root), WatchListParseErrorCode.UnexpectedElement, $"root element <{root.Name.LocalName}>, expected <watchList> or <CONSOLIDATED_LIST>");
            return Finish(listName ?? "", version ?? "", entries, errors);
        }
        foreach (var element in root.Elements())
        {
            if (errors.Full) break;
            int line = LineOf(element);
            if (element.Name.LocalName != "entry")
            {
                errors.Add(line, WatchListParseErrorCode.UnexpectedElement, $"<{element.Name.LocalName}> in <watchList>, expected <entry>");
                continue;
            }
            var names = new List<string>();
            var aliases = new List<string>();
            var countries = new List<string>();
            var dates = new List<string>();
            foreach (var child in element.Elements())
            {
                string value = child.Value.Trim();
                if (value.Length > MaxFieldChars)
                {
                    errors.Add(LineOf(child), WatchListParseErrorCode.FieldTooLong, $"<{child.Name.LocalName}> longer than {MaxFieldChars} chars");
                    continue;
                }
                switch (child.Name.LocalName)
                {
                    case "name": if (value.Length > 0) names.Add(value); break;
                    case "alias": if (value.Length > 0) aliases.Add(value); break;
                    case "country": countries.Add(value); break;
                    case "dateOfBirth": dates.Add(value); break;
                    default:
                        errors.Add(LineOf(child), WatchListParseErrorCode.UnexpectedElement,
                            $"<{child.Name.LocalName}> in <entry>, expected name, alias, country or dateOfBirth");
                        break;
                }
            }
            names.AddRange(aliases);
            var entry = BuildEntry(line, ((string?)element.Attribute("id"))?.Trim() ?? "", ((string?)element.Attribute("kind"))?.Trim() ?? "",
                names, countries, dates, ((string?)element.Attribute("program"))?.Trim() ?? "", ids, errors);
            if (entry is not null) AddEntry(line, entry, entries, errors);
        }
        return Finish(listName ?? (string?)root.Attribute("name") ?? "", version ?? (string?)root.Attribute("version") ?? "", entries, errors);
    }

    // UN SC consolidated list: INDIVIDUALS/INDIVIDUAL and ENTITIES/ENTITY with REFERENCE_NUMBER (or DATAID),
    // FIRST_NAME..FOURTH_NAME, NAME_ORIGINAL_SCRIPT, *_ALIAS/ALIAS_NAME, UN_LIST_TYPE,
    // INDIVIDUAL_DATE_OF_BIRTH/DATE or YEAR. Other elements are ignored; country names are not mapped.
    private static void ParseUn(XElement root, List<WatchListEntry> entries, Dictionary<string, int> ids, Errors errors)
    {
        foreach (var group in root.Elements())
        {
            bool individuals = group.Name.LocalName == "INDIVIDUALS";
            if (!individuals && group.Name.LocalName != "ENTITIES") continue;
            foreach (var item in group.Elements())
            {
                if (errors.Full) return;
                int line = LineOf(item);
                string id = Child(item, "REFERENCE_NUMBER");
                if (id.Length == 0) id = Child(item, "DATAID");
                var parts = new List<string>();
                foreach (var tag in (string[])["FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME"])
                {
                    string part = Child(item, tag);
                    if (part.Length > 0) parts.Add(part);
                }
                var names = new List<string>();
                if (parts.Count > 0) names.Add(string.Join(' ', parts));
                string original = Child(item, "NAME_ORIGINAL_SCRIPT");
                if (original.Length > 0) names.Add(original);
                foreach (var alias in item.Elements(individuals ? "INDIVIDUAL_ALIAS" : "ENTITY_ALIAS"))
                {
                    string aliasName = Child(alias, "ALIAS_NAME");
                    if (aliasName.Length > 0) names.Add(aliasName);
                }
                var dates = new List<string>();
                foreach (var dob in item.Elements("INDIVIDUAL_DATE_OF_BIRTH"))
                {
                    string date = Child(dob, "DATE");
                    if (date.Length >= 10) dates.Add(date[..10]);
                    else if (Child(dob, "YEAR") is { Length: > 0 } year) dates.Add(year);
                }
                var entry = BuildEntry(line, id, individuals ? "person" : "organisation", names, [], dates, Child(item, "UN_LIST_TYPE"), ids, errors);
                if (entry is not null) AddEntry(line, entry, entries, errors);
            }
        }
    }

    private static string Child(XElement element, string name) => element.Element(name)?.Value.Trim() ?? "";

    private static int LineOf(XObject node) => node is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : 0;

    private static WatchListEntry? BuildEntry(int line, string id, string kindText, List<string> names, List<string> countries,
        List<string> dates, string program, Dictionary<string, int> ids, Errors errors)
    {
        int before = errors.Count;
        if (id.Length == 0) errors.Add(line, WatchListParseErrorCode.MissingId, "entry has no id");
        else if (ids.TryGetValue(id, out int firstLine))
            errors.Add(line, WatchListParseErrorCode.DuplicateId, $"id '{id}' already used on line {firstLine}");
        else ids.Add(id, line);
        if (names.Count == 0) errors.Add(line, WatchListParseErrorCode.MissingName, $"entry '{id}' has no name");
        if (names.Count > WatchList.MaxNamesPerEntry)
            errors.Add(line, WatchListParseErrorCode.TooManyNames, $"entry '{id}' has {names.Count} names, at most {WatchList.MaxNamesPerEntry}");
        foreach (var n in names)
        {
            if (n.Length > MaxFieldChars) errors.Add(line, WatchListParseErrorCode.FieldTooLong, $"name longer than {MaxFieldChars} chars");
        }
        WatchListEntryKind kind = kindText.ToLowerInvariant() switch
        {
            "" or "other" => WatchListEntryKind.Other,
            "person" or "individual" => WatchListEntryKind.Person,
            "organisation" or "organization" or "entity" => WatchListEntryKind.Organisation,
            "vessel" => WatchListEntryKind.Vessel,
            "aircraft" => WatchListEntryKind.Aircraft,
            _ => (WatchListEntryKind)255,
        };
        if ((byte)kind == 255)
            errors.Add(line, WatchListParseErrorCode.InvalidKind, $"kind '{kindText}' (expected person, organisation, vessel, aircraft or other)");
        var countryCodes = ImmutableArray.CreateBuilder<string>(countries.Count);
        foreach (var c in countries)
        {
            string code = c.Trim().ToUpperInvariant();
            if (!CountryCodes.IsAssigned(code)) errors.Add(line, WatchListParseErrorCode.InvalidCountry, $"country '{c}' is not ISO 3166-1 alpha-2");
            else countryCodes.Add(code);
        }
        var dateValues = ImmutableArray.CreateBuilder<PartialDate>(dates.Count);
        foreach (var d in dates)
        {
            if (!PartialDate.TryParse(d, out var date)) errors.Add(line, WatchListParseErrorCode.InvalidDate, $"date of birth '{d}' (expected YYYY, YYYY-MM or YYYY-MM-DD)");
            else dateValues.Add(date);
        }
        if (errors.Count != before) return null;
        return new WatchListEntry(id, kind, [.. names], countryCodes.ToImmutable(), dateValues.ToImmutable(), program);
    }

    private static void AddEntry(int line, WatchListEntry entry, List<WatchListEntry> entries, Errors errors)
    {
        if (entries.Count >= WatchList.MaxEntries)
        {
            errors.Add(line, WatchListParseErrorCode.TooManyEntries, $"more than {WatchList.MaxEntries} entries");
            return;
        }
        entries.Add(entry);
    }

    private static List<string> SplitList(string field)
    {
        var values = new List<string>();
        foreach (var part in field.Split(';'))
        {
            string value = part.Trim();
            if (value.Length > 0) values.Add(value);
        }
        return values;
    }

    private static WatchListParseResult Finish(string listName, string version, List<WatchListEntry> entries, Errors errors)
    {
        if (errors.Count > 0) return new WatchListParseResult(null, errors.ToImmutable());
        return new WatchListParseResult(WatchList.Create(listName, version, entries), []);
    }

    private sealed class Errors
    {
        private readonly ImmutableArray<WatchListParseError>.Builder _items = ImmutableArray.CreateBuilder<WatchListParseError>();

        public int Count => _items.Count;

        public bool Full => _items.Count >= MaxErrors;

        public void Add(int line, WatchListParseErrorCode code, string message)
        {
            if (!Full) _items.Add(new WatchListParseError(line, code, message));
        }

        public ImmutableArray<WatchListParseError> ToImmutable() => _items.ToImmutable();
    }

    /// <summary>RFC 4180 record reader that counts lines (quoted fields may span lines).</summary>
    private sealed class CsvReader(TextReader reader)
    {
        private int _line = 1;
        private readonly StringBuilder _field = new();

        /// <summary>Reads the next non-blank, non-comment record; false at end of input.</summary>
        public bool ReadRecord(List<string> fields, Errors errors, out int startLine)
        {
            while (true)
            {
                fields.Clear();
                startLine = _line;
                int c = reader.Peek();
                if (c < 0) return false;
                if (c == '#')
                {
                    SkipLine();
                    continue;
                }
                if (c is '\r' or '\n')
                {
                    EndOfLine();
                    continue;
                }
                if (ReadFields(fields, errors, startLine)) return true;
            }
        }

        private bool ReadFields(List<string> fields, Errors errors, int startLine)
        {
            bool tooLongReported = false;
            while (true)
            {
                _field.Clear();
                int c = reader.Peek();
                if (c == '"')
                {
                    reader.Read();
                    while (true)
                    {
                        c = reader.Read();
                        if (c < 0)
                        {
                            errors.Add(startLine, WatchListParseErrorCode.UnterminatedQuote, "quoted field not closed before end of input");
                            return false;
                        }
                        if (c == '"')
                        {
                            if (reader.Peek() == '"')
                            {
                                reader.Read();
                                Append('"');
                                continue;
                            }
                            break;
                        }
                        if (c == '\n' || c == '\r' && reader.Peek() != '\n') _line++;
                        Append((char)c);
                    }
                    c = reader.Peek();
                    if (c >= 0 && c != ',' && c != '\r' && c != '\n')
                    {
                        errors.Add(_line, WatchListParseErrorCode.TextAfterQuote, "text after a closing quote (a quote inside a field must be doubled)");
                        SkipLine();
                        return false;
                    }
                }
                else
                {
                    while ((c = reader.Peek()) >= 0 && c != ',' && c != '\r' && c != '\n')
                    {
                        Append((char)reader.Read());
                    }
                }
                if (_field.Length > MaxFieldChars && !tooLongReported)
                {
                    errors.Add(startLine, WatchListParseErrorCode.FieldTooLong, $"field {fields.Count + 1} longer than {MaxFieldChars} chars");
                    tooLongReported = true;
                }
                fields.Add(_field.ToString());
                c = reader.Read();
                if (c == ',') continue;
                if (c == '\r' && reader.Peek() == '\n') reader.Read();
                if (c >= 0) _line++;
                return !tooLongReported;
            }
        }

        private void Append(char c)
        {
            if (_field.Length <= MaxFieldChars) _field.Append(c);
        }

        private void SkipLine()
        {
            int c;
            while ((c = reader.Peek()) >= 0 && c != '\r' && c != '\n') reader.Read();
            EndOfLine();
        }

        private void EndOfLine()
        {
            int c = reader.Read();
            if (c < 0) return;
            if (c == '\r' && reader.Peek() == '\n') reader.Read();
            _line++;
        }
    }
}
