using System.Buffers;

namespace Corridor.Core.Compliance;

/// <summary>
/// Turns a party or watch-list name into the canonical form that matching compares: Latin letters
/// folded as by Unicode NFKD with combining marks removed (Müller → muller, ß → ss, ø → o), other
/// scripts romanised (<see cref="Transliteration"/>), lower case, punctuation dropped (apostrophes
/// join, everything else separates), single spaces, legal-form noise words removed.
/// </summary>
[System.Runtime.CompilerServices.SkipLocalsInit] // every stack buffer here is written before it is read
public static class NameNormalizer
{
    /// <summary>Input beyond this many chars is ignored (ISO 20022 names are Max140Text).</summary>
    public const int MaxInputChars = 512;

    /// <summary>Worst case expansion is a Hangul syllable: 7 Latin chars plus a space.</summary>
    public const int MaxOutputChars = MaxInputChars * 8 + 8;

    /// <summary>Output capacity <see cref="Fold"/> needs for an input of this length.</summary>
    public static int FoldedCapacity(int inputChars) => Math.Min(inputChars, MaxInputChars) * 8 + 8;

    /// <summary>Tokens beyond this many are ignored.</summary>
    public const int MaxTokens = 16;

    /// <summary>Tokens are compared on at most this many chars.</summary>
    public const int MaxTokenChars = 32;

    // Legal forms and honorifics that carry no identity. "bank", "trading", "group" are NOT here: they
    // tell "Bank Rossiya" from "Rossiya"; matching gives them a low weight instead (see NameMatcher).
    private static readonly HashSet<string> s_noise = new(StringComparer.Ordinal)
    {
        "llc", "ltd", "limited", "inc", "incorporated", "corp", "corporation", "co", "plc", "llp", "lp",
        "jsc", "ojsc", "pjsc", "cjsc", "oao", "zao", "pao", "ooo", "ao", "tov", "pat", "prat",
        "gmbh", "ag", "kg", "ohg", "ug", "ev", "sa", "sas", "sarl", "srl", "spa", "sl", "bv", "nv", "ab", "oy", "oyj",
        "pte", "pty", "sdn", "bhd", "kk", "fze", "fzco", "fzc", "fzllc", "dmcc",
        "mr", "mrs", "ms", "dr", "sir", "sheikh", "h.e",
    };

    private static readonly SearchValues<char> s_joiners = SearchValues.Create("'\u2019\u2018\u02BC`\u00B4");

    /// <summary>True when <paramref name="token"/> (normalised) is a legal-form or honorific noise word.</summary>
    public static bool IsNoiseWord(string token) => s_noise.Contains(token);

    /// <summary>Full normalisation to a string of space-separated tokens ("" when nothing is left).</summary>
    public static string Normalize(string? name) => Normalize(name, conventionalKoreanSurnames: false);

    /// <summary>
    /// Full normalisation; with <paramref name="conventionalKoreanSurnames"/> the first syllable of a
    /// Hangul name is written as people spell it (김 → kim) instead of Revised Romanization (gim).
    /// </summary>
    public static string Normalize(string? name, bool conventionalKoreanSurnames)
    {
        if (string.IsNullOrEmpty(name)) return "";
        Span<char> buffer = stackalloc char[FoldedCapacity(name.Length)];
        int length = Fold(name, buffer, conventionalKoreanSurnames);
        var tokens = Tokenize(buffer[..length]);
        return string.Join(' ', tokens);
    }

    /// <summary>True when the name contains a Hangul syllable (so a surname variant may exist).</summary>
    public static bool ContainsHangul(ReadOnlySpan<char> name)
    {
        foreach (char c in name)
        {
            if (Transliteration.IsHangulSyllable(c)) return true;
        }
        return false;
    }

    /// <summary>
    /// Folds and romanises <paramref name="input"/> into <paramref name="output"/> (lower-case letters and
    /// digits separated by single spaces, no leading or trailing space) and returns the length written.
    /// <paramref name="output"/> must hold <see cref="FoldedCapacity"/>(input length) chars.
    /// </summary>
    public static int Fold(ReadOnlySpan<char> input, Span<char> output, bool conventionalKoreanSurnames = false)
    {
        if (input.Length > MaxInputChars) input = input[..MaxInputChars];
        if (output.Length < FoldedCapacity(input.Length)) throw new ArgumentException("output too small", nameof(output));
        bool ukrainian = false;
        foreach (char c in input)
        {
            if (Transliteration.IsUkrainianMarker(c))
            {
                ukrainian = true;
                break;
            }
        }

        Span<char> syllable = stackalloc char[8];
        var w = new Writer(output);
        for (int i = 0; i < input.Length; i++)
        {
            char c = input[i];
            if (c < 0x80)
            {
                if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9') w.Letter(c);
                else if (c >= 'A' && c <= 'Z') w.Letter((char)(c + 0x20));
                else if (s_joiners.Contains(c)) { }
                else w.Separator();
                continue;
            }
            if (s_joiners.Contains(c)) continue;
            if (c >= LatinFoldTable.Latin1Start && c < LatinFoldTable.Latin1End)
            {
                int at = (c - LatinFoldTable.Latin1Start) * 2;
                if (!w.Pair(LatinFoldTable.Latin1[at], LatinFoldTable.Latin1[at + 1])) w.Other(c);
                continue;
            }
            if (c >= LatinFoldTable.AdditionalStart && c < LatinFoldTable.AdditionalEnd)
            {
                int at = (c - LatinFoldTable.AdditionalStart) * 2;
                if (!w.Pair(LatinFoldTable.Additional[at], LatinFoldTable.Additional[at + 1])) w.Other(c);
                continue;
            }
            if (c >= '\u0300' && c <= '\u036F') continue; // combining marks (already-decomposed input)
            if (c >= '\u0400' && c <= '\u04FF')
            {
                string? latin = Transliteration.Cyrillic(c, ukrainian);
                if (latin is null) w.Other(c);
                else w.Text(latin);
                continue;
            }
            if (c >= '\u0370' && c <= '\u03FF')
            {
                char next = i + 1 < input.Length ? input[i + 1] : '\0';
                string? latin = Transliteration.Greek(c);
                string? nextLatin = Transliteration.Greek(next);
                if (latin is "o" or "a" or "e" && nextLatin == "y" && c is not ('ω' or 'Ω' or 'ώ' or 'Ώ'))
                {
                    // Greek diphthongs: ου → ou, αυ → av, ευ → ev (ELOT 743 before voiced sounds).
                    w.Text(latin == "o" ? "ou" : latin == "a" ? "av" : "ev");
                    i++;
                    continue;
                }
                if (latin is null) w.Other(c);
                else w.Text(latin);
                continue;
            }
            if (Transliteration.IsHangulSyllable(c))
            {
                bool first = i == 0 || !Transliteration.IsHangulSyllable(input[i - 1]);
                bool more = i + 1 < input.Length && Transliteration.IsHangulSyllable(input[i + 1]);
                int n = Transliteration.Hangul(c, conventionalKoreanSurnames && first && more, syllable);
                w.Separator();
                w.Text(syllable[..n]);
                w.Separator(); // each syllable is a token: Korean names are written "Kim Jong Un" or "Kim Jong-un"
                continue;
            }
            if (c >= '\uFF01' && c <= '\uFF5E')
            {
                char ascii = (char)(c - 0xFEE0); // full-width forms (NFKD compatibility mapping)
                if (ascii >= 'A' && ascii <= 'Z') w.Letter((char)(ascii + 0x20));
                else if (ascii >= 'a' && ascii <= 'z' || ascii >= '0' && ascii <= '9') w.Letter(ascii);
                else w.Separator();
                continue;
            }
            if (c >= '\uFB00' && c <= '\uFB06')
            {
                w.Text(c switch { '\uFB00' => "ff", '\uFB01' => "fi", '\uFB02' => "fl", '\uFB03' => "ffi", '\uFB04' => "ffl", _ => "st" });
                continue;
            }
            w.Other(c);
        }
        return w.Finish();
    }

    /// <summary>
    /// Splits folded text into tokens (at most <see cref="MaxTokens"/>) and drops noise words unless
    /// nothing else would be left.
    /// </summary>
    public static List<string> Tokenize(ReadOnlySpan<char> folded)
    {
        var tokens = new List<string>();
        Tokenize(folded, tokens);
        return tokens;
    }

    /// <summary>As <see cref="Tokenize(ReadOnlySpan{char})"/>, into a reused list (cleared first).</summary>
    public static void Tokenize(ReadOnlySpan<char> folded, List<string> tokens)
    {
        tokens.Clear();
        int noise = 0;
        foreach (var range in folded.Split(' '))
        {
            var span = folded[range];
            if (span.IsEmpty) continue;
            if (tokens.Count == MaxTokens) break;
            string token = span.Length > MaxTokenChars ? span[..MaxTokenChars].ToString() : span.ToString();
            if (s_noise.Contains(token)) noise++;
            tokens.Add(token);
        }
        if (noise > 0 && noise < tokens.Count)
        {
            tokens.RemoveAll(s_noise.Contains);
        }
    }

    private ref struct Writer
    {
        private readonly Span<char> _out;
        private int _n;

        public Writer(Span<char> output)
        {
            _out = output;
            _n = 0;
        }

        public void Letter(char c) => _out[_n++] = c;

        public void Separator()
        {
            if (_n > 0 && _out[_n - 1] != ' ') _out[_n++] = ' ';
        }

        public void Text(scoped ReadOnlySpan<char> text)
        {
            foreach (char c in text) _out[_n++] = c;
        }

        /// <summary>Writes a fold-table pair; false when the pair is empty (not a Latin letter).</summary>
        public bool Pair(char a, char b)
        {
            if (a == '\0') return false;
            _out[_n++] = a;
            if (b != '\0') _out[_n++] = b;
            return true;
        }

        /// <summary>Letters and digits of other scripts stay (lower-cased); anything else separates.</summary>
        public void Other(char c)
        {
            if (char.IsLetterOrDigit(c) || char.IsSurrogate(c)) _out[_n++] = char.ToLowerInvariant(c);
            else if (char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.NonSpacingMark
                     or System.Globalization.UnicodeCategory.SpacingCombiningMark) { }
            else Separator();
        }

        public int Finish()
        {
            if (_n > 0 && _out[_n - 1] == ' ') _n--;
            return _n;
        }
    }
}
