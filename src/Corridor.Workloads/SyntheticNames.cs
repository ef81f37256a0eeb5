namespace Corridor.Workloads;

/// <summary>
/// Deterministic generator of multi-cultural person and company names for benchmarks and tests
/// (SplitMix64 seeded; no System.Random, so a seed gives the same names on every platform).
/// </summary>
public sealed class SyntheticNames(ulong seed)
{
    private ulong _state = seed;

    private static readonly string[][] s_given =
    [
        ["James", "Mary", "Robert", "Patricia", "Michael", "Linda", "William", "Barbara", "David", "Susan", "Richard", "Jessica", "Thomas", "Sarah", "Charles", "Karen"],
        ["José", "María", "Juan", "Carmen", "Luis", "Ana", "Carlos", "Lucía", "Javier", "Elena", "Miguel", "Sofía", "Alejandro", "Paula", "Diego", "Isabel"],
        ["Ivan", "Olga", "Sergei", "Tatiana", "Dmitry", "Natalia", "Alexei", "Irina", "Nikolai", "Svetlana", "Mikhail", "Elena", "Andrei", "Yulia", "Pavel", "Anastasia"],
        ["Иван", "Ольга", "Сергей", "Татьяна", "Дмитрий", "Наталья", "Алексей", "Ирина", "Николай", "Светлана", "Михаил", "Юлия", "Андрей", "Павел", "Анастасия", "Фёдор"],
        ["Mohammed", "Fatima", "Ahmed", "Aisha", "Omar", "Khadija", "Ali", "Mariam", "Hassan", "Zainab", "Youssef", "Layla", "Khalid", "Noor", "Ibrahim", "Salma"],
        ["Wei", "Fang", "Jun", "Li", "Hao", "Mei", "Lei", "Xiu", "Jian", "Ying", "Tao", "Hui", "Bo", "Lan", "Qiang", "Xin"],
        ["Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun", "Ji-woo", "Eun-woo", "Su-bin", "Jae-won", "Ye-jin", "Hyun-woo", "Da-eun", "Sung-min", "Yu-na", "Tae-yang", "So-yeon"],
        ["민준", "서연", "지호", "하은", "도윤", "지우", "은우", "수빈", "재원", "예진", "현우", "다은", "성민", "유나", "태양", "소연"],
        ["Lukas", "Anna", "Jürgen", "Sophie", "Matthias", "Lena", "Stefan", "Katrin", "Jörg", "Heike", "Maximilian", "Greta", "Florian", "Ute", "Dieter", "Sabine"],
        ["Mehmet", "Ayşe", "Mustafa", "Fatma", "Ahmet", "Emine", "Hüseyin", "Zeynep", "Murat", "Elif", "Emre", "Özlem", "Burak", "Gül", "Serkan", "Şule"],
        ["Rahul", "Priya", "Amit", "Sunita", "Vikram", "Anjali", "Arjun", "Deepa", "Sanjay", "Kavita", "Rohan", "Meera", "Suresh", "Pooja", "Anil", "Lakshmi"],
        ["Chinedu", "Ngozi", "Oluwaseun", "Amaka", "Emeka", "Funmilayo", "Tunde", "Chiamaka", "Ifeanyi", "Yetunde", "Kwame", "Abena", "Kofi", "Akosua", "Babajide", "Zainab"],
    ];

    // Surnames are 2-3 syllables (onset + vowel + coda, ~1,000 syllables per culture) plus an ending:
    // millions of surnames per culture, so that, as in life, a random customer rarely shares a listed
    // person's full name. Cultures 5-7 (Chinese, Korean) use the real, small surname pools below.
    private static readonly string[][][] s_syllableParts =
    [
        [["b", "br", "c", "ch", "d", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "r", "s", "st", "t", "th", "w"], ["a", "e", "i", "o", "u", "ea", "ai"], ["", "n", "r", "l", "s", "ck", "nd", "rt"]],
        [["b", "c", "d", "f", "g", "j", "l", "m", "n", "p", "r", "s", "t", "v", "z", "ll", "ch", "gu"], ["a", "e", "i", "o", "u"], ["", "n", "r", "l", "s"]],
        [["b", "v", "g", "d", "zh", "z", "k", "l", "m", "n", "p", "r", "s", "t", "f", "kh", "ts", "ch", "sh", "sk"], ["a", "e", "i", "o", "u", "y"], ["", "n", "r", "l", "k", "v"]],
        [["б", "в", "г", "д", "ж", "з", "к", "л", "м", "н", "п", "р", "с", "т", "ф", "х", "ц", "ч", "ш", "ск"], ["а", "е", "и", "о", "у", "ы"], ["", "н", "р", "л", "к", "в"]],
        [["b", "d", "f", "gh", "h", "j", "k", "kh", "l", "m", "n", "q", "r", "s", "sh", "t", "w", "y", "z", "dh"], ["a", "i", "u", "aa", "ee", "ou"], ["", "b", "d", "l", "m", "n", "r", "s"]],
        [],
        [],
        [],
        [["b", "br", "d", "f", "g", "h", "k", "kl", "l", "m", "n", "p", "r", "s", "sch", "st", "t", "w", "z", "pf"], ["a", "e", "i", "o", "u", "ä", "ö", "ü", "ei", "au"], ["", "n", "r", "l", "ch", "ck", "ng", "tz"]],
        [["b", "c", "ç", "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "ş", "t", "y", "z", "v"], ["a", "e", "ı", "i", "o", "ö", "u", "ü"], ["", "k", "l", "n", "r", "t", "z", "ş"]],
        [["bh", "ch", "d", "g", "h", "j", "k", "kh", "l", "m", "n", "p", "r", "s", "sh", "t", "v", "y", "dh", "pr"], ["a", "i", "u", "e", "o", "aa", "ee"], ["", "n", "r", "m", "sh", "l"]],
        [["b", "ch", "d", "f", "g", "gb", "k", "kw", "l", "m", "n", "nw", "ny", "s", "t", "w", "y", "z"], ["a", "e", "i", "o", "u"], ["", "n", "m", "k"]],
    ];

    private string Syllable(int culture)
    {
        var parts = s_syllableParts[culture];
        return Pick(parts[0]) + Pick(parts[1]) + Pick(parts[2]);
    }

    private static readonly string[][] s_surnameEndings =
    [
        ["son", "ton", "ley", "ford", "wood", "er", "s", "well"],
        ["ez", "es", "os", "ado", "ero", "ales", "ino", "ano"],
        ["ov", "ev", "in", "sky", "enko", "ikov", "yshev", "kin"],
        ["ов", "ев", "ин", "ский", "енко", "иков", "ышев", "кин"],
        ["i", "an", "awi", "eed", "oun", "ani", "ri", "id"],
        [],
        [],
        [],
        ["er", "mann", "t", "el", "s", "ke", "ing", "ner"],
        ["", "oğlu", "can", "er", "han", "gil", "soy", "tekin"],
        ["ma", "a", "h", "ar", "el", "ani", "dy", "wal"],
        ["or", "emi", "bo", "u", "e", "ola", "ah", "wu"],
    ];

    private static readonly string[] s_chineseSurnames = ["Wang", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He"];
    private static readonly string[] s_chineseSyllables =
        ["wei", "fang", "jun", "li", "hao", "mei", "lei", "xiu", "jian", "ying", "tao", "hui", "bo", "lan", "qiang", "xin", "yu", "ming", "hong", "ping", "zhi", "guo", "hua", "dong", "feng", "yan", "jing", "long", "chun", "kai"];
    private static readonly string[] s_koreanSurnames = ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh", "Seo", "Shin", "Kwon", "Hwang"];
    private static readonly string[] s_koreanSyllables =
        ["min", "jun", "seo", "yeon", "ji", "ho", "ha", "eun", "do", "yun", "woo", "su", "bin", "jae", "won", "ye", "jin", "hyun", "da", "sung", "na", "tae", "yang", "so", "hye", "young", "kyung", "chul", "soo", "hee"];
    private static readonly string[] s_hangulSurnames = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황"];
    private static readonly string[] s_hangulSyllables =
        ["민", "준", "서", "연", "지", "호", "하", "은", "도", "윤", "우", "수", "빈", "재", "원", "예", "진", "현", "다", "성", "나", "태", "양", "소", "혜", "영", "경", "철", "희", "석"];

    private static readonly string[] s_companyWords =
    [
        "Northern", "Pacific", "Golden", "Silver", "Eastern", "Atlas", "Orion", "Sapphire", "Falcon", "Cedar", "Summit", "Harbor",
        "Meridian", "Crescent", "Phoenix", "Vertex", "Horizon", "Nova", "Zenith", "Aurora", "Sterling", "Granite", "Lotus", "Amber",
        "Baltic", "Caspian", "Sahara", "Andes", "Danube", "Volga", "Mekong", "Nile", "Yangtze", "Ural", "Tigris", "Zambezi",
    ];

    private static readonly string[] s_companyKinds =
    [
        "Trading", "Shipping", "Logistics", "Holdings", "Petroleum", "Metals", "Textiles", "Foods", "Capital", "Marine", "Energy", "Minerals",
    ];

    private static readonly string[] s_legalForms = ["LLC", "Ltd", "GmbH", "SA", "JSC", "PLC", "FZE", "Co", "Inc", ""];

    /// <summary>Next pseudo-random value (SplitMix64).</summary>
    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, bound).</summary>
    public int Below(int bound) => (int)(Next() % (ulong)bound);

    /// <summary>A person name: given name, sometimes a second given name, surname (in the culture's order).</summary>
    public string Person()
    {
        int culture = Culture();
        string given = s_given[culture][Below(s_given[culture].Length)];
        switch (culture)
        {
            case 5:
                return $"{s_chineseSurnames[Below(s_chineseSurnames.Length)]} {Capitalize(Pick(s_chineseSyllables) + (Below(2) == 0 ? Pick(s_chineseSyllables) : ""))}";
            case 6:
                return $"{s_koreanSurnames[Below(s_koreanSurnames.Length)]} {Capitalize(Pick(s_koreanSyllables))}-{Pick(s_koreanSyllables)}";
            case 7:
                return Pick(s_hangulSurnames) + Pick(s_hangulSyllables) + Pick(s_hangulSyllables); // 김민준
        }
        string surname = Capitalize(Syllable(culture) + Syllable(culture) + (Below(3) == 0 ? Syllable(culture) : "")
            + s_surnameEndings[culture][Below(s_surnameEndings[culture].Length)]);
        if (Below(4) == 0)
        {
            string second = s_given[culture][Below(s_given[culture].Length)];
            return $"{given} {second} {surname}";
        }
        return $"{given} {surname}";
    }

    // Culture shares (per 100), roughly those of a consolidated sanctions list: 0 English, 1 Spanish,
    // 2 Russian (Latin), 3 Russian (Cyrillic), 4 Arabic, 5 Chinese, 6 Korean (Latin), 7 Korean (Hangul),
    // 8 German, 9 Turkish, 10 Indian, 11 West African.
    private static readonly int[] s_cultureShares = [12, 10, 12, 6, 16, 6, 3, 2, 8, 8, 10, 9];

    private int Culture()
    {
        int roll = Below(100);
        for (int c = 0; c < s_cultureShares.Length; c++)
        {
            if (roll < s_cultureShares[c]) return c;
            roll -= s_cultureShares[c];
        }
        return 0;
    }

    private string Pick(string[] items) => items[Below(items.Length)];

    private static string Capitalize(string s) =>
        s.Length == 0 ? s : string.Create(s.Length, s, static (span, src) =>
        {
            src.AsSpan().CopyTo(span);
            span[0] = char.ToUpperInvariant(span[0]);
        });

    /// <summary>A company name: an invented brand (2-3 syllables), sometimes a word, an activity and a legal form.</summary>
    public string Company()
    {
        int culture = Below(3);
        string brand = Capitalize(Syllable(culture) + Syllable(culture) + (Below(2) == 0 ? Syllable(culture) : ""));
        string word = Below(3) == 0 ? " " + s_companyWords[Below(s_companyWords.Length)] : "";
        string kind = s_companyKinds[Below(s_companyKinds.Length)];
        string form = s_legalForms[Below(s_legalForms.Length)];
        return form.Length == 0 ? $"{brand}{word} {kind}" : $"{brand}{word} {kind} {form}";
    }

    /// <summary>A person (3 in 4) or company name.</summary>
    public string Any() => Below(4) == 0 ? Company() : Person();
}
