using System.Globalization;
using System.Text;
using Corridor.Core.Currencies;
using Corridor.Core.Settlement;

namespace Corridor.Simulation;

/// <summary>A malformed payment-day CSV: <see cref="Line"/> is 1-based, the message names the field and what was expected.</summary>
public sealed class DayCsvException(int line, string message) : FormatException($"line {line}: {message}")
{
    public int Line { get; } = line;
}

/// <summary>
/// Reads and writes a payment day as CSV: header <c>payer,payee,amount,currency,time,priority,kind</c> (kind optional),
/// amounts as exact decimals in major units at the ISO 4217 exponent, time <c>HH:MM:SS[.fff]</c>, priority
/// urgent|high|normal, kind customer|interbank (default interbank). Lines starting with <c>#</c> are comments, except
/// the optional directives <c>#participants:</c> (space-separated names, so silent participants survive a round
/// trip) and <c>#currency:CODE=ratePpm</c> (report conversion to the base currency; default 1:1).
/// </summary>
public static class DayCsv
{
    public const string Header = "payer,payee,amount,currency,time,priority,kind";
    public const int MaxLineChars = 1_024;
    public const int MaxNameChars = 64;

    public static PaymentDay Load(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        return Read(reader);
    }

    public static PaymentDay Read(TextReader reader)
    {
        var participants = new SortedSet<string>(StringComparer.Ordinal);
        var rates = new Dictionary<string, long>(StringComparer.Ordinal);
        var rows = new List<(string Payer, string Payee, long Amount, string Currency, int TimeMs, PaymentPriority Priority, PaymentKind Kind)>();
        int lineNumber = 0;
        bool headerSeen = false;
        bool hasKind = false;
        string? line;
        while ((line = reader.ReadLine()) != null)
        {
            lineNumber++;
            if (line.Length > MaxLineChars) throw new DayCsvException(lineNumber, $"line longer than {MaxLineChars} characters");
            if (line.Length == 0) continue;
            if (line[0] == '#') { Directive(line, lineNumber, participants, rates); continue; }
            string[] f = line.Split(',');
            if (!headerSeen)
            {
                string h = line.Trim().ToLowerInvariant();
                if (h == Header) hasKind = true;
                else if (h != "payer,payee,amount,currency,time,priority") throw new DayCsvException(lineNumber, $"expected header '{Header}' (kind optional), got '{line}'");
                headerSeen = true;
                continue;
            }
            int expected = hasKind ? 7 : 6;
            if (f.Length != expected) throw new DayCsvException(lineNumber, $"expected {expected} fields, got {f.Length}");
            for (int i = 0; i < f.Length; i++) f[i] = f[i].Trim();
            string payer = Name(f[0], "payer", lineNumber), payee = Name(f[1], "payee", lineNumber);
            if (payer == payee) throw new DayCsvException(lineNumber, $"payer and payee are both '{payer}'");
            string code = f[3].ToUpperInvariant();
            if (!Iso4217.TryGet(code, out Iso4217Entry entry) || !entry.HasMinorUnit) throw new DayCsvException(lineNumber, $"currency '{f[3]}' is not an ISO 4217 currency with minor units");
            if (!MinorUnits.TryParse(f[2], entry.Exponent, out long amount))
                throw new DayCsvException(lineNumber, $"amount '{f[2]}' is not a plain decimal with at most {entry.Exponent} decimals for {code}");
            if (amount <= 0 || amount > SettlementState.MaxAmountMinor) throw new DayCsvException(lineNumber, $"amount '{f[2]}' must be positive and at most 10^18 minor units");
            int timeMs = ParseTime(f[4], lineNumber);
            PaymentPriority priority = f[5].ToLowerInvariant() switch
            {
                "urgent" => PaymentPriority.Urgent, "high" => PaymentPriority.High, "normal" => PaymentPriority.Normal,
                _ => throw new DayCsvException(lineNumber, $"priority '{f[5]}' must be urgent, high or normal"),
            };
            PaymentKind kind = !hasKind ? PaymentKind.Interbank : f[6].ToLowerInvariant() switch
            {
                "customer" => PaymentKind.Customer, "interbank" => PaymentKind.Interbank,
                _ => throw new DayCsvException(lineNumber, $"kind '{f[6]}' must be customer or interbank"),
            };
            if (rows.Count >= PaymentDay.MaxPayments) throw new DayCsvException(lineNumber, $"more than {PaymentDay.MaxPayments} payments");
            participants.Add(payer); participants.Add(payee);
            if (!rates.ContainsKey(code)) rates[code] = DefaultRate(code);
            rows.Add((payer, payee, amount, code, timeMs, priority, kind));
        }
        if (!headerSeen) throw new DayCsvException(Math.Max(lineNumber, 1), $"empty file: expected header '{Header}'");
        if (participants.Count < 2) throw new DayCsvException(lineNumber, "a day needs at least two participants");
        if (participants.Count > PaymentDay.MaxParticipants) throw new DayCsvException(lineNumber, $"more than {PaymentDay.MaxParticipants} participants");
        if (rates.Count == 0) rates["EUR"] = DefaultRate("EUR");
        if (rates.Count > PaymentDay.MaxCurrencies) throw new DayCsvException(lineNumber, $"more than {PaymentDay.MaxCurrencies} currencies");

        string[] names = [.. participants];
        var nameIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++) nameIndex[names[i]] = i;
        var codes = new List<string>(rates.Keys);
        codes.Sort(StringComparer.Ordinal);
        var currencies = new DayCurrency[codes.Count];
        var codeIndex = new Dictionary<string, byte>(StringComparer.Ordinal);
        for (int i = 0; i < codes.Count; i++) { currencies[i] = new DayCurrency(codes[i], rates[codes[i]]); codeIndex[codes[i]] = (byte)i; }

        int n = rows.Count;
        var time = new int[n]; var payers = new int[n]; var payees = new int[n]; var currency = new byte[n];
        var amounts = new long[n]; var priorities = new PaymentPriority[n]; var kinds = new PaymentKind[n];
        for (int i = 0; i < n; i++)
        {
            var r = rows[i];
            time[i] = r.TimeMs; payers[i] = nameIndex[r.Payer]; payees[i] = nameIndex[r.Payee]; currency[i] = codeIndex[r.Currency];
            amounts[i] = r.Amount; priorities[i] = r.Priority; kinds[i] = r.Kind;
        }
        return PaymentDay.FromUnsorted(names, currencies, time, payers, payees, currency, amounts, priorities, kinds);
    }

    private static long DefaultRate(string code)
    {
        foreach (DayCurrency c in DayGenerator.CurrencyTable) if (c.Code == code) return c.RateToBasePpm;
        return 1_000_000;
    }

    private static void Directive(string line, int lineNumber, SortedSet<string> participants, Dictionary<string, long> rates)
    {
        if (line.StartsWith("#participants:", StringComparison.Ordinal))
        {
            foreach (string name in line["#participants:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                participants.Add(Name(name, "participant", lineNumber));
        }
        else if (line.StartsWith("#currency:", StringComparison.Ordinal))
        {
            string[] kv = line["#currency:".Length..].Split('=');
            if (kv.Length != 2 || !Iso4217.TryGet(kv[0].Trim().ToUpperInvariant(), out Iso4217Entry entry) || !entry.HasMinorUnit
                || !long.TryParse(kv[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long ppm) || ppm <= 0 || ppm > 1_000_000_000_000)
                throw new DayCsvException(lineNumber, "currency directive must be '#currency:CODE=ratePpm' with an ISO 4217 code and a rate of 1..10^12 ppm");
            rates[entry.Code] = ppm;
        }
    }

    private static string Name(string s, string field, int lineNumber)
    {
        if (s.Length == 0) throw new DayCsvException(lineNumber, $"{field} is empty");
        if (s.Length > MaxNameChars) throw new DayCsvException(lineNumber, $"{field} longer than {MaxNameChars} characters");
        foreach (char c in s)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.')) throw new DayCsvException(lineNumber, $"{field} '{s}' may hold only ASCII letters, digits, '_', '-', '.'");
        return s;
    }

    private static int ParseTime(string s, int lineNumber)
    {
        // HH:MM:SS or HH:MM:SS.fff
        bool ok = s.Length is 8 or 12 && s[2] == ':' && s[5] == ':' && (s.Length == 8 || s[8] == '.');
        int h = 0, m = 0, sec = 0, ms = 0;
        if (ok)
        {
            ok = int.TryParse(s.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out h)
                && int.TryParse(s.AsSpan(3, 2), NumberStyles.None, CultureInfo.InvariantCulture, out m)
                && int.TryParse(s.AsSpan(6, 2), NumberStyles.None, CultureInfo.InvariantCulture, out sec)
                && (s.Length == 8 || int.TryParse(s.AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out ms))
                && h < 24 && m < 60 && sec < 60;
        }
        if (!ok) throw new DayCsvException(lineNumber, $"time '{s}' must be HH:MM:SS or HH:MM:SS.fff within the day");
        return ((h * 60 + m) * 60 + sec) * 1000 + ms;
    }

    public static string FormatTime(int timeMs) =>
        $"{timeMs / 3_600_000:D2}:{timeMs / 60_000 % 60:D2}:{timeMs / 1000 % 60:D2}.{timeMs % 1000:D3}";

    public static void Save(PaymentDay day, string path)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        Write(day, writer);
    }

    public static void Write(PaymentDay day, TextWriter writer)
    {
        writer.Write("#participants:");
        writer.WriteLine(string.Join(' ', day.ParticipantNames));
        foreach (DayCurrency c in day.Currencies) writer.WriteLine($"#currency:{c.Code}={c.RateToBasePpm.ToString(CultureInfo.InvariantCulture)}");
        writer.WriteLine(Header);
        var exponents = new int[day.Currencies.Length];
        for (int c = 0; c < exponents.Length; c++) exponents[c] = Iso4217.TryGet(day.Currencies[c].Code, out Iso4217Entry e) && e.HasMinorUnit ? e.Exponent : 2;
        var sb = new StringBuilder(128);
        for (int i = 0; i < day.Payments; i++)
        {
            sb.Clear();
            sb.Append(day.ParticipantNames[day.Payer[i]]).Append(',').Append(day.ParticipantNames[day.Payee[i]]).Append(',')
              .Append(MinorUnits.Format(day.AmountMinor[i], exponents[day.Currency[i]])).Append(',')
              .Append(day.Currencies[day.Currency[i]].Code).Append(',').Append(FormatTime(day.TimeMs[i])).Append(',')
              .Append(day.Priority[i] switch { PaymentPriority.Urgent => "urgent", PaymentPriority.High => "high", _ => "normal" }).Append(',')
              .Append(day.Kind[i] == PaymentKind.Customer ? "customer" : "interbank");
            writer.WriteLine(sb);
        }
    }
}
