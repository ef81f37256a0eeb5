using System.Diagnostics;

namespace Corridor.Core.Compliance;

/// <summary>
/// Scores how alike two names are, 0..100, on normalised tokens: tokens are paired one-to-one
/// regardless of order (best pairs first), each pair scores the better of Jaro-Winkler on the spelling
/// and 0.95 × Jaro-Winkler on a phonetic class string, and the score is the mean of the weighted share
/// of each name that found a partner. See docs/compliance.md.
/// </summary>
public static class NameMatcher
{
    /// <summary>Pairs of tokens less alike than this do not pair.</summary>
    public const double MinTokenSimilarity = 0.80;

    /// <summary>Similarity of an initial ("v") to a token starting with that letter.</summary>
    public const double InitialSimilarity = 0.90;

    /// <summary>Weight of the class-string similarity relative to spelling similarity.</summary>
    public const double PhoneticFactor = 0.95;

    /// <summary>A pairing with fewer full-weight token pairs than min(2, the list name's full-weight tokens) scores at most this.</summary>
    public const int PartialMatchCap = 60;

    /// <summary>Share of the score from the better-covered name (the rest from the other).</summary>
    public const double CoverageMaxWeight = 0.65;

    public const double FullWeight = 1.0;
    public const double PatronymicWeight = 0.5;
    public const double LowWeight = 0.3;

    // Frequent words that say little about identity: kept (they tell entities apart), weighted low.
    private static readonly HashSet<string> s_lowInformation = new(StringComparer.Ordinal)
    {
        "al", "el", "ul", "bin", "ibn", "bint", "abu", "abd", "abdul", "de", "da", "di", "del", "della", "dos", "das", "du",
        "van", "von", "der", "den", "la", "le", "the", "of", "and", "y", "e",
        "bank", "trading", "trade", "company", "group", "international", "holding", "holdings", "general", "services",
        "industries", "industrial", "national", "global", "enterprises", "enterprise", "investment", "investments",
        "shipping", "petroleum", "oil", "gas", "energy", "import", "export", "commercial", "finance", "financial",
        "capital", "partners", "management", "foundation", "organization", "organisation", "association",
        "ministry", "state", "federal", "republic", "corporate", "development", "technology", "technologies",
    };

    /// <summary>
    /// Score of a screened name against a watch-list name, both as written (normalised here), 0..100;
    /// 0 if either normalises to nothing. Not symmetric only in the two-token rule (see docs/compliance.md).
    /// </summary>
    public static int Score(string screenedName, string listName)
    {
        int best = 0;
        foreach (var fa in NameForm.Variants(screenedName))
        {
            foreach (var fb in NameForm.Variants(listName))
            {
                best = Math.Max(best, Score(fa, fb));
            }
        }
        return best;
    }

    /// <summary>Weight of a normalised token in a name.</summary>
    public static double TokenWeight(string token)
    {
        if (token.Length <= 1) return LowWeight;
        if (s_lowInformation.Contains(token)) return LowWeight;
        if (token.Length > 6 && (token.EndsWith("ovich", StringComparison.Ordinal) || token.EndsWith("evich", StringComparison.Ordinal)
            || token.EndsWith("ovna", StringComparison.Ordinal) || token.EndsWith("evna", StringComparison.Ordinal)
            || token.EndsWith("ichna", StringComparison.Ordinal)))
        {
            return PatronymicWeight;
        }
        return FullWeight;
    }

    internal static int Score(NameForm q, NameForm c)
    {
        int nq = q.Tokens.Length, nc = c.Tokens.Length;
        if (nq == 0 || nc == 0) return 0;
        Debug.Assert(nq <= NameNormalizer.MaxTokens && nc <= NameNormalizer.MaxTokens);
        Span<double> sims = stackalloc double[nq * nc];
        for (int i = 0; i < nq; i++)
        {
            for (int j = 0; j < nc; j++)
            {
                sims[i * nc + j] = TokenSimilarity(q.Tokens[i], q.Classes[i], c.Tokens[j], c.Classes[j]);
            }
        }

        // Greedy one-to-one pairing, best first; ties go to the lowest (i, j) so the result is deterministic.
        Span<bool> usedQ = stackalloc bool[nq];
        Span<bool> usedC = stackalloc bool[nc];
        double matchedQ = 0, matchedC = 0;
        int heavyPairs = 0;
        while (true)
        {
            int bi = -1, bj = -1;
            double best = MinTokenSimilarity;
            for (int i = 0; i < nq; i++)
            {
                if (usedQ[i]) continue;
                for (int j = 0; j < nc; j++)
                {
                    if (usedC[j]) continue;
                    double s = sims[i * nc + j];
                    if (s > best || s == best && bi < 0)
                    {
                        best = s;
                        bi = i;
                        bj = j;
                    }
                }
            }
            if (bi < 0) break;
            usedQ[bi] = true;
            usedC[bj] = true;
            matchedQ += best * q.Weights[bi];
            matchedC += best * c.Weights[bj];
            if (q.Weights[bi] == FullWeight && c.Weights[bj] == FullWeight) heavyPairs++;
        }

        // The better-covered side counts more, so that a watch-list name with an extra given name or
        // second surname ("Nicolás Maduro Moros") still meets a payment's shorter form ("Nicolas Maduro").
        double coverQ = matchedQ / q.TotalWeight, coverC = matchedC / c.TotalWeight;
        double score = 100.0 * (CoverageMaxWeight * Math.Max(coverQ, coverC) + (1.0 - CoverageMaxWeight) * Math.Min(coverQ, coverC));
        int result = (int)Math.Floor(score + 1e-9);
        // A designee known by two or more significant tokens is not identified by one of them alone.
        int required = Math.Min(2, c.HeavyCount);
        if (heavyPairs < required) result = Math.Min(result, PartialMatchCap);
        return Math.Clamp(result, 0, 100);
    }

    /// <summary>Similarity of two normalised tokens, 0..1, given their phonetic class strings.</summary>
    public static double TokenSimilarity(string a, string classA, string b, string classB)
    {
        if (string.Equals(a, b, StringComparison.Ordinal)) return 1.0;
        if (a.Length == 1 || b.Length == 1)
        {
            return a[0] == b[0] ? InitialSimilarity : 0.0;
        }
        double spelling = JaroWinkler(a, b);
        if (spelling >= PhoneticFactor) return spelling; // the phonetic term cannot exceed PhoneticFactor
        double phonetic = string.Equals(classA, classB, StringComparison.Ordinal) ? PhoneticFactor : PhoneticFactor * JaroWinkler(classA, classB);
        return Math.Max(spelling, phonetic);
    }

    /// <summary>Jaro-Winkler similarity (prefix scale 0.1, prefix up to 4, boost above 0.7); inputs beyond 64 chars are cut.</summary>
    public static double JaroWinkler(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.SequenceEqual(b)) return a.IsEmpty ? 0.0 : 1.0;
        if (a.IsEmpty || b.IsEmpty) return 0.0;
        if (a.Length > 64) a = a[..64];
        if (b.Length > 64) b = b[..64];
        int window = Math.Max(0, Math.Max(a.Length, b.Length) / 2 - 1);
        ulong matchedA = 0, matchedB = 0; // bit i: char i has a partner
        int matches = 0;
        for (int i = 0; i < a.Length; i++)
        {
            int from = Math.Max(0, i - window), to = Math.Min(b.Length - 1, i + window);
            char c = a[i];
            for (int j = from; j <= to; j++)
            {
                if ((matchedB & (1UL << j)) != 0 || c != b[j]) continue;
                matchedA |= 1UL << i;
                matchedB |= 1UL << j;
                matches++;
                break;
            }
        }
        if (matches == 0) return 0.0;
        int transpositions = 0;
        ulong restA = matchedA, restB = matchedB;
        while (restA != 0)
        {
            int i = System.Numerics.BitOperations.TrailingZeroCount(restA);
            int k = System.Numerics.BitOperations.TrailingZeroCount(restB);
            if (a[i] != b[k]) transpositions++;
            restA &= restA - 1;
            restB &= restB - 1;
        }
        double m = matches;
        double jaro = (m / a.Length + m / b.Length + (m - transpositions / 2.0) / m) / 3.0;
        if (jaro <= 0.7) return jaro;
        int prefix = 0;
        int maxPrefix = Math.Min(4, Math.Min(a.Length, b.Length));
        while (prefix < maxPrefix && a[prefix] == b[prefix]) prefix++;
        return jaro + prefix * 0.1 * (1.0 - jaro);
    }

    /// <summary>
    /// Phonetic class string of a normalised token: spelling variants of one sound collapse
    /// (c/g/k/q → k, d/t → t, b/p → p, f/v/w/ph → f, s/z/sh/sch/ts → s, j/ch/zh/dzh → j, kh → h, th/dh → t,
    /// x → ks, y → i, eo/ou/oo/eu/ue → o/u, ae → a, oe → o, ee → i) and doubled letters collapse.
    /// </summary>
    public static string PhoneticClass(string token)
    {
        Span<char> buffer = stackalloc char[NameNormalizer.MaxTokenChars * 2];
        int n = PhoneticClass(token, buffer);
        return token.AsSpan().SequenceEqual(buffer[..n]) ? token : new string(buffer[..n]);
    }

    internal static int PhoneticClass(ReadOnlySpan<char> t, Span<char> output)
    {
        if (t.Length > NameNormalizer.MaxTokenChars) t = t[..NameNormalizer.MaxTokenChars];
        int n = 0;
        for (int i = 0; i < t.Length; i++)
        {
            char c = t[i];
            char next = i + 1 < t.Length ? t[i + 1] : '\0';
            char next2 = i + 2 < t.Length ? t[i + 2] : '\0';
            char mapped;
            int skip = 0;
            switch (c)
            {
                case 'a': if (next == 'e') { mapped = 'a'; skip = 1; } else mapped = 'a'; break;
                case 'e':
                    if (next is 'o') { mapped = 'o'; skip = 1; }
                    else if (next is 'u') { mapped = 'u'; skip = 1; }
                    else if (next is 'e') { mapped = 'i'; skip = 1; }
                    else mapped = 'e';
                    break;
                case 'o':
                    if (next is 'u' or 'o') { mapped = 'u'; skip = 1; }
                    else if (next is 'e') { mapped = 'o'; skip = 1; }
                    else mapped = 'o';
                    break;
                case 'u': if (next == 'e') { mapped = 'u'; skip = 1; } else mapped = 'u'; break;
                case 'i' or 'y': mapped = 'i'; break;
                case 's':
                    if (next == 'h' && next2 == 'c' && i + 3 < t.Length && t[i + 3] == 'h') { mapped = 's'; skip = 3; }
                    else if (next == 'c' && next2 == 'h') { mapped = 's'; skip = 2; }
                    else if (next == 'h') { mapped = 's'; skip = 1; }
                    else mapped = 's';
                    break;
                case 'z': if (next == 'h') { mapped = 'j'; skip = 1; } else mapped = 's'; break;
                case 'c':
                    if (next == 'h') { mapped = 'j'; skip = 1; }
                    else if (next == 'k') { mapped = 'k'; skip = 1; }
                    else mapped = 'k';
                    break;
                case 'k': if (next == 'h') { mapped = 'h'; skip = 1; } else mapped = 'k'; break;
                case 'g': if (next == 'h') { mapped = 'k'; skip = 1; } else mapped = 'k'; break;
                case 'q': mapped = 'k'; break;
                case 'p': if (next == 'h') { mapped = 'f'; skip = 1; } else mapped = 'p'; break;
                case 'b': mapped = 'p'; break;
                case 't':
                    if (next == 'h') { mapped = 't'; skip = 1; }
                    else if (next is 's' or 'z') { mapped = 's'; skip = 1; }
                    else mapped = 't';
                    break;
                case 'd':
                    if (next == 'h') { mapped = 't'; skip = 1; }
                    else if (next == 'j') { mapped = 'j'; skip = 1; }
                    else if (next == 'z' && next2 == 'h') { mapped = 'j'; skip = 2; }
                    else mapped = 't';
                    break;
                case 'f' or 'v' or 'w': mapped = 'f'; break;
                case 'x':
                    if (n == 0 || output[n - 1] != 'k') output[n++] = 'k';
                    mapped = 's';
                    break;
                default: mapped = c; break;
            }
            i += skip;
            if (n == 0 || output[n - 1] != mapped) output[n++] = mapped;
        }
        return n;
    }

    /// <summary>
    /// Blocking key of a normalised token: its phonetic class with vowels after the first letter removed
    /// (a leading vowel becomes 'a'). Names that can pair share a key for most spelling variants.
    /// </summary>
    public static string BlockingKey(string phoneticClass)
    {
        Span<char> buffer = stackalloc char[phoneticClass.Length];
        int n = 0;
        for (int i = 0; i < phoneticClass.Length; i++)
        {
            char c = phoneticClass[i];
            bool vowel = c is 'a' or 'e' or 'i' or 'o' or 'u';
            if (i == 0)
            {
                buffer[n++] = vowel ? 'a' : c;
                continue;
            }
            if (vowel) continue;
            if (buffer[n - 1] != c) buffer[n++] = c;
        }
        return new string(buffer[..n]);
    }
}

/// <summary>A name prepared for matching: normalised tokens, their phonetic classes and weights.</summary>
[System.Runtime.CompilerServices.SkipLocalsInit] // stack buffers are written (or cleared) before they are read
internal sealed class NameForm
{
    public required string Original { get; init; }
    public required string[] Tokens { get; init; }
    public required string[] Classes { get; init; }
    public required double[] Weights { get; init; }
    public required double TotalWeight { get; init; }
    public required int HeavyCount { get; init; }

    /// <summary>Distinct blocking keys of the full-weight tokens (of all tokens when none is full-weight).</summary>
    public required string[] Keys { get; init; }

    /// <summary>Most full-weight tokens sharing one key (1 unless a name repeats a sound: "Ali Ali").</summary>
    public required int HeavyPerKeyMax { get; init; }

    /// <summary>
    /// Best score this name could reach against one sharing <paramref name="sharedKeys"/> keys with it, if
    /// tokens of the other keys do not pair: a cheap filter before <see cref="NameMatcher"/> scores.
    /// </summary>
    public double CoverageBound(int sharedKeys)
    {
        if (HeavyCount == 0) return 1.0;
        double covered = TotalWeight - HeavyCount + Math.Min(HeavyCount, sharedKeys * HeavyPerKeyMax);
        return Math.Min(1.0, covered / TotalWeight);
    }

    // Reused per thread while building one form (the form keeps arrays, not these lists).
    [ThreadStatic] private static List<string>? t_tokens;
    [ThreadStatic] private static List<string>? t_keys;

    public static NameForm? Create(string original, bool conventionalKoreanSurnames)
    {
        Span<char> buffer = stackalloc char[NameNormalizer.FoldedCapacity(original.Length)];
        int length = NameNormalizer.Fold(original, buffer, conventionalKoreanSurnames);
        var tokens = t_tokens ??= new List<string>(NameNormalizer.MaxTokens);
        NameNormalizer.Tokenize(buffer[..length], tokens);
        if (tokens.Count == 0) return null;
        var classes = new string[tokens.Count];
        var weights = new double[tokens.Count];
        double total = 0;
        int heavy = 0;
        for (int i = 0; i < tokens.Count; i++)
        {
            classes[i] = NameMatcher.PhoneticClass(tokens[i]);
            weights[i] = NameMatcher.TokenWeight(tokens[i]);
            total += weights[i];
            if (weights[i] == NameMatcher.FullWeight) heavy++;
        }
        var keys = t_keys ??= new List<string>(NameNormalizer.MaxTokens);
        keys.Clear();
        Span<int> perKey = stackalloc int[tokens.Count];
        perKey.Clear();
        for (int i = 0; i < tokens.Count; i++)
        {
            if (heavy > 0 ? weights[i] != NameMatcher.FullWeight : tokens[i].Length < 2 && tokens.Count > 1) continue;
            string key = heavy > 0 || tokens[i].Length > 1 ? NameMatcher.BlockingKey(classes[i]) : classes[i];
            int at = keys.IndexOf(key);
            if (at < 0)
            {
                perKey[keys.Count] = 1;
                keys.Add(key);
            }
            else
            {
                perKey[at]++;
            }
        }
        if (keys.Count == 0)
        {
            // Only initials: key on them so that the name is still screened.
            for (int i = 0; i < tokens.Count; i++)
            {
                if (!keys.Contains(classes[i])) keys.Add(classes[i]);
            }
        }
        int perKeyMax = 1;
        foreach (int n in perKey) perKeyMax = Math.Max(perKeyMax, n); // unused slots are 0 (cleared above)
        return new NameForm
        {
            Original = original,
            Tokens = [.. tokens],
            Classes = classes,
            Weights = weights,
            TotalWeight = total,
            HeavyCount = heavy,
            Keys = [.. keys],
            HeavyPerKeyMax = perKeyMax,
        };
    }

    /// <summary>The forms to compare for a name: as romanised, plus the conventional Korean surname variant.</summary>
    public static List<NameForm> Variants(string? name)
    {
        var forms = new List<NameForm>(2);
        Variants(name, forms);
        return forms;
    }

    /// <summary>As <see cref="Variants(string?)"/>, into a reused list (cleared first).</summary>
    public static void Variants(string? name, List<NameForm> forms)
    {
        forms.Clear();
        if (string.IsNullOrWhiteSpace(name)) return;
        if (Create(name, conventionalKoreanSurnames: false) is { } form) forms.Add(form);
        if (NameNormalizer.ContainsHangul(name) && Create(name, conventionalKoreanSurnames: true) is { } variant
            && (forms.Count == 0 || !forms[0].Tokens.AsSpan().SequenceEqual(variant.Tokens)))
        {
            forms.Add(variant);
        }
    }
}
