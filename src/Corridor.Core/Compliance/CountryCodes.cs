namespace Corridor.Core.Compliance;

/// <summary>ISO 3166-1 alpha-2 country codes (the 249 officially assigned codes).</summary>
public static class CountryCodes
{
    // Sorted, space separated; officially assigned elements only (no XK, no EU, no exceptional reservations).
    private const string Assigned =
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
        "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
        "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
        "KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT " +
        "MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
        "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ " +
        "UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

    /// <summary>Number of assigned codes.</summary>
    public const int Count = 249;

    // 26 x 26 bitmap: index (first - 'A') * 26 + (second - 'A').
    private static readonly bool[] s_assigned = Build();

    private static bool[] Build()
    {
        var map = new bool[26 * 26];
        for (int i = 0; i < Assigned.Length; i += 3)
        {
            map[(Assigned[i] - 'A') * 26 + (Assigned[i + 1] - 'A')] = true;
        }
        return map;
    }

    /// <summary>True when <paramref name="code"/> is an assigned ISO 3166-1 alpha-2 code (upper case).</summary>
    public static bool IsValid(ReadOnlySpan<char> code)
    {
        if (code.Length != 2) return false;
        char a = code[0], b = code[1];
        if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z') return false;
        return s_assigned[(a - 'A') * 26 + (b - 'A')];
    }
}
