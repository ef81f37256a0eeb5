namespace Corridor.Core.Compliance;

/// <summary>
/// Romanisation of non-Latin scripts into lower-case ASCII, one character (or Hangul syllable) at a time.
/// Cyrillic: ICAO Doc 9303 (2015) tables, Russian by default, Ukrainian when the name holds one of і ї є ґ.
/// Hangul: syllables decomposed algorithmically (Unicode ch. 3.12) into jamo, Revised Romanization of
/// Korean (2000), syllable by syllable without sound-change rules. Greek: ELOT 743 simplified.
/// Tables are fixed here so that results never depend on the platform's ICU.
/// </summary>
public static class Transliteration
{
    // Russian lower case а..я (U+0430..U+044F), ICAO 9303.
    private static readonly string[] s_russian =
    [
        "a", "b", "v", "g", "d", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p",
        "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "ie", "y", "", "e", "iu", "ia",
    ];

    // U+0450..U+045F: ѐ ё ђ ѓ є ѕ і ї ј љ њ ћ ќ ѝ ў џ (Russian ё, Ukrainian є і ї, Belarusian ў, Serbian/Macedonian).
    private static readonly string[] s_cyrillicExtra =
    [
        "e", "e", "d", "g", "ie", "dz", "i", "i", "j", "lj", "nj", "c", "k", "i", "u", "dz",
    ];

    // Hangul jamo, Revised Romanization: 19 initials, 21 medials, 28 finals (index 0 = none).
    private static readonly string[] s_initials =
        ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"];
    private static readonly string[] s_medials =
        ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"];
    private static readonly string[] s_finals =
        ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"];

    /// <summary>First and one-past-last Hangul syllable code points (U+AC00..U+D7A3).</summary>
    public const char HangulFirst = '\uAC00';
    public const char HangulLast = '\uD7A3';

    // Conventional romanisation of common Korean surnames (as in passports), used for the
    // surname variant of a Hangul name: RR gives "gim", "i", "bak", people write Kim, Lee, Park.
    private static readonly Dictionary<char, string> s_koreanSurnames = new()
    {
        ['김'] = "kim", ['이'] = "lee", ['박'] = "park", ['최'] = "choi", ['정'] = "jung", ['강'] = "kang",
        ['조'] = "cho", ['윤'] = "yoon", ['임'] = "lim", ['오'] = "oh", ['신'] = "shin", ['권'] = "kwon",
        ['안'] = "ahn", ['류'] = "ryu", ['유'] = "yoo", ['전'] = "jeon", ['고'] = "ko", ['문'] = "moon",
        ['배'] = "bae", ['노'] = "roh", ['심'] = "shim", ['곽'] = "kwak", ['성'] = "sung", ['주'] = "joo",
        ['우'] = "woo", ['구'] = "koo", ['천'] = "chun", ['현'] = "hyun", ['변'] = "byun", ['리'] = "ri",
        ['기'] = "ki", ['금'] = "keum", ['육'] = "yook", ['국'] = "kook", ['편'] = "pyun", ['엄'] = "um",
    };

    // Greek lower case α..ω (U+03B1..U+03C9), ELOT 743 letter values.
    private static readonly string[] s_greek =
    [
        "a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o", "p",
        "r", "s", "s", "t", "y", "f", "ch", "ps", "o",
    ];

    /// <summary>True for the Cyrillic letters that only Ukrainian uses (і ї є ґ), which switch the table.</summary>
    public static bool IsUkrainianMarker(char c) => c is 'і' or 'І' or 'ї' or 'Ї' or 'є' or 'Є' or 'ґ' or 'Ґ';

    /// <summary>True for a precomposed Hangul syllable.</summary>
    public static bool IsHangulSyllable(char c) => c >= HangulFirst && c <= HangulLast;

    /// <summary>Latin for one Cyrillic letter (any case), or null when <paramref name="c"/> is not one.</summary>
    public static string? Cyrillic(char c, bool ukrainian)
    {
        if (c >= 'А' && c <= 'Я') c = (char)(c + 0x20);
        else if (c >= '\u0400' && c <= '\u040F') c = (char)(c + 0x50);
        else if (c == 'Ґ') c = 'ґ';
        if (c >= 'а' && c <= 'я')
        {
            if (ukrainian)
            {
                if (c == 'г') return "h";
                if (c == 'и') return "y";
            }
            return s_russian[c - 'а'];
        }
        if (c >= '\u0450' && c <= '\u045F') return s_cyrillicExtra[c - '\u0450'];
        if (c == 'ґ') return "g";
        return null;
    }

    /// <summary>
    /// Writes the Revised Romanization of one Hangul syllable into <paramref name="output"/> and returns the
    /// number of chars written (at most 7). With <paramref name="conventionalSurname"/> a common surname is
    /// written the way passports do ("kim" not "gim").
    /// </summary>
    public static int Hangul(char syllable, bool conventionalSurname, Span<char> output)
    {
        if (!IsHangulSyllable(syllable)) throw new ArgumentOutOfRangeException(nameof(syllable));
        string? surname = null;
        if (conventionalSurname && s_koreanSurnames.TryGetValue(syllable, out surname))
        {
            surname.AsSpan().CopyTo(output);
            return surname.Length;
        }
        int s = syllable - HangulFirst;
        int l = s / 588, v = s % 588 / 28, t = s % 28;
        int n = 0;
        foreach (char c in s_initials[l]) output[n++] = c;
        foreach (char c in s_medials[v]) output[n++] = c;
        foreach (char c in s_finals[t]) output[n++] = c;
        return n;
    }

    /// <summary>True when a conventional surname romanisation exists for this syllable.</summary>
    public static bool HasConventionalSurname(char syllable) => s_koreanSurnames.ContainsKey(syllable);

    /// <summary>Latin for one Greek letter (any case, accents dropped), or null when it is not one.</summary>
    public static string? Greek(char c)
    {
        c = c switch
        {
            'ά' or 'Ά' => 'α',
            'έ' or 'Έ' => 'ε',
            'ή' or 'Ή' => 'η',
            'ί' or 'Ί' or 'ϊ' or 'ΐ' or 'Ϊ' => 'ι',
            'ό' or 'Ό' => 'ο',
            'ύ' or 'Ύ' or 'ϋ' or 'ΰ' or 'Ϋ' => 'υ',
            'ώ' or 'Ώ' => 'ω',
            _ => c,
        };
        if (c >= 'Α' && c <= 'Ω' && c != '\u03A2') c = (char)(c + 0x20);
        if (c >= 'α' && c <= 'ω') return s_greek[c - 'α'];
        return null;
    }
}
