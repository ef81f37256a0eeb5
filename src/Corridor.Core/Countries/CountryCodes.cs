namespace Corridor.Core.Countries;

/// <summary>
/// The one ISO 3166-1 alpha-2 table: the 249 officially assigned codes, plus the rule for XK (Kosovo).
/// </summary>
/// <remarks>
/// XK is not assigned by ISO 3166; it is a user-assigned code (ISO 3166-1 §8.1.3, range XA–XZ) that the European
/// Commission, SWIFT (BIC country code, ISO 9362) and the IBAN registry (ISO 13616, "XK" IBANs since 2014) use for
/// Kosovo. Each caller picks one of two predicates and the choice is part of its behaviour (replay included):
/// <list type="bullet">
/// <item><see cref="IsAssigned"/>: the assigned codes only. Used by the engine and compliance (BICs and addresses
/// on settlement payments, Travel Rule, compliance rules, watch lists) and by the server's place of birth.</item>
/// <item><see cref="IsAssignedOrKosovo"/>: the assigned codes and XK. Used by ISO 20022 message validation (BIC,
/// IBAN and regulatory-reporting country), where XK occurs in real BICs and IBANs.</item>
/// </list>
/// Codes are upper case; anything else (lower case, other lengths, UK, EU) is rejected by both.
/// </remarks>
public static class CountryCodes
{
    /// <summary>Kosovo's user-assigned code, accepted only by <see cref="IsAssignedOrKosovo"/>.</summary>
    public const string Kosovo = "XK";

    // Sorted, space separated; officially assigned elements only (no XK, no EU, no exceptional reservations).
    private const string Assigned =
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
        "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
        "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
        "KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT " +
        "MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
        "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ " +
        "UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

    /// <summary>Number of assigned codes (XK not included).</summary>
    public const int Count = 249;

    // 26 x 26 bitmap: index (first - 'A') * 26 + (second - 'A').
    private static readonly bool[] s_assigned = Build();

    private static bool[] Build()
    {
        var map = new bool[26 * 26];
        int count = 0;
        for (int i = 0; i < Assigned.Length; i += 3)
        {
            map[(Assigned[i] - 'A') * 26 + (Assigned[i + 1] - 'A')] = true;
            count++;
        }
        if (count != Count || map[Index(Kosovo)]) throw new InvalidOperationException("ISO 3166-1 table is corrupt");
        return map;
    }

    /// <summary>True when <paramref name="code"/> is an officially assigned ISO 3166-1 alpha-2 code (upper case); false for XK.</summary>
    public static bool IsAssigned(ReadOnlySpan<char> code) => IsUpperPair(code) && s_assigned[Index(code)];

    /// <summary>True when <paramref name="code"/> is an assigned ISO 3166-1 alpha-2 code or XK (Kosovo, as in BICs and IBANs).</summary>
    public static bool IsAssignedOrKosovo(ReadOnlySpan<char> code) => IsAssigned(code) || code.SequenceEqual(Kosovo);

    private static bool IsUpperPair(ReadOnlySpan<char> code) =>
        code.Length == 2 && code[0] is >= 'A' and <= 'Z' && code[1] is >= 'A' and <= 'Z';

    private static int Index(ReadOnlySpan<char> code) => (code[0] - 'A') * 26 + (code[1] - 'A');
}
