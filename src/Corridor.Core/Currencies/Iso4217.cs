namespace Corridor.Core.Currencies;

/// <summary>One row of ISO 4217: alphabetic code, numeric code, minor-unit exponent (-1 where ISO says "N.A.").</summary>
public readonly record struct Iso4217Entry(string Code, ushort Numeric, int Exponent)
{
    /// <summary>True when ISO defines a minor unit, so the currency can carry amounts without operator configuration.</summary>
    public bool HasMinorUnit => Exponent >= 0;
}

/// <summary>
/// The ISO 4217 list of active currency and funds codes (List One), embedded as a static table so that
/// the engine never depends on the host's culture data. Withdrawn codes (ANG, BGN, HRK, SLL, ZWL, CUC…)
/// are absent; an operator may still configure any of them through ConfigureCurrency.
/// Exponent -1 marks codes whose minor unit is "N.A." (precious metals, SDR, test and bond units).
/// </summary>
public static class Iso4217
{
    // code numeric exponent; 'N' = no minor unit. Source: ISO 4217 List One (SIX, amendments through 2025).
    private const string Table =
        "AED784 2 AFN971 2 ALL008 2 AMD051 2 AOA973 2 ARS032 2 AUD036 2 AWG533 2 AZN944 2 BAM977 2 " +
        "BBD052 2 BDT050 2 BHD048 3 BIF108 0 BMD060 2 BND096 2 BOB068 2 BOV984 2 BRL986 2 BSD044 2 " +
        "BTN064 2 BWP072 2 BYN933 2 BZD084 2 CAD124 2 CDF976 2 CHE947 2 CHF756 2 CHW948 2 CLF990 4 " +
        "CLP152 0 CNY156 2 COP170 2 COU970 2 CRC188 2 CUP192 2 CVE132 2 CZK203 2 DJF262 0 DKK208 2 " +
        "DOP214 2 DZD012 2 EGP818 2 ERN232 2 ETB230 2 EUR978 2 FJD242 2 FKP238 2 GBP826 2 GEL981 2 " +
        "GHS936 2 GIP292 2 GMD270 2 GNF324 0 GTQ320 2 GYD328 2 HKD344 2 HNL340 2 HTG332 2 HUF348 2 " +
        "IDR360 2 ILS376 2 INR356 2 IQD368 3 IRR364 2 ISK352 0 JMD388 2 JOD400 3 JPY392 0 KES404 2 " +
        "KGS417 2 KHR116 2 KMF174 0 KPW408 2 KRW410 0 KWD414 3 KYD136 2 KZT398 2 LAK418 2 LBP422 2 " +
        "LKR144 2 LRD430 2 LSL426 2 LYD434 3 MAD504 2 MDL498 2 MGA969 2 MKD807 2 MMK104 2 MNT496 2 " +
        "MOP446 2 MRU929 2 MUR480 2 MVR462 2 MWK454 2 MXN484 2 MXV979 2 MYR458 2 MZN943 2 NAD516 2 " +
        "NGN566 2 NIO558 2 NOK578 2 NPR524 2 NZD554 2 OMR512 3 PAB590 2 PEN604 2 PGK598 2 PHP608 2 " +
        "PKR586 2 PLN985 2 PYG600 0 QAR634 2 RON946 2 RSD941 2 RUB643 2 RWF646 0 SAR682 2 SBD090 2 " +
        "SCR690 2 SDG938 2 SEK752 2 SGD702 2 SHP654 2 SLE925 2 SOS706 2 SRD968 2 SSP728 2 STN930 2 " +
        "SVC222 2 SYP760 2 SZL748 2 THB764 2 TJS972 2 TMT934 2 TND788 3 TOP776 2 TRY949 2 TTD780 2 " +
        "TWD901 2 TZS834 2 UAH980 2 UGX800 0 USD840 2 USN997 2 UYI940 0 UYU858 2 UYW927 4 UZS860 2 " +
        "VED926 2 VES928 2 VND704 0 VUV548 0 WST882 2 XAF950 0 XAG961 N XAU959 N XBA955 N XBB956 N " +
        "XBC957 N XBD958 N XCD951 2 XCG532 2 XDR960 N XOF952 0 XPD964 N XPF953 0 XPT962 N XSU994 N " +
        "XTS963 N XUA965 N XXX999 N YER886 2 ZAR710 2 ZMW967 2 ZWG924 2";

    private static readonly Iso4217Entry[] s_entries = ParseTable();
    private static readonly Dictionary<string, Iso4217Entry> s_byCode = BuildByCode();
    private static readonly Dictionary<ushort, Iso4217Entry> s_byNumeric = BuildByNumeric();

    /// <summary>Every active entry, ordered by alphabetic code.</summary>
    public static ReadOnlySpan<Iso4217Entry> All => s_entries;

    public static bool TryGet(string code, out Iso4217Entry entry) => s_byCode.TryGetValue(code, out entry);

    public static bool TryGetByNumeric(ushort numeric, out Iso4217Entry entry) => s_byNumeric.TryGetValue(numeric, out entry);

    /// <summary>True for exactly three ASCII capital letters, the shape of an ISO 4217 alphabetic code.</summary>
    public static bool IsWellFormedCode(ReadOnlySpan<char> code) =>
        code.Length == 3 && char.IsAsciiLetterUpper(code[0]) && char.IsAsciiLetterUpper(code[1]) && char.IsAsciiLetterUpper(code[2]);

    private static Iso4217Entry[] ParseTable()
    {
        string[] cells = Table.Split(' ');
        if (cells.Length % 2 != 0) throw new InvalidOperationException("ISO 4217 table is malformed");
        var entries = new Iso4217Entry[cells.Length / 2];
        for (int i = 0; i < entries.Length; i++)
        {
            string head = cells[2 * i], exp = cells[2 * i + 1];
            entries[i] = new Iso4217Entry(head[..3], ushort.Parse(head.AsSpan(3), System.Globalization.CultureInfo.InvariantCulture),
                exp == "N" ? -1 : exp[0] - '0');
        }
        return entries;
    }

    private static Dictionary<string, Iso4217Entry> BuildByCode()
    {
        var d = new Dictionary<string, Iso4217Entry>(s_entries.Length, StringComparer.Ordinal);
        foreach (Iso4217Entry e in s_entries) d.Add(e.Code, e);
        return d;
    }

    private static Dictionary<ushort, Iso4217Entry> BuildByNumeric()
    {
        var d = new Dictionary<ushort, Iso4217Entry>(s_entries.Length);
        foreach (Iso4217Entry e in s_entries) d.Add(e.Numeric, e);
        return d;
    }
}
