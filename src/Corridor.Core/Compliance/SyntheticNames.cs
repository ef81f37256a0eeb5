namespace Corridor.Core.Compliance;

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

    // Surname syllables per culture (2 or 3 drawn, plus an ending): ~130,000 surnames per culture, so
    // that a random customer rarely shares a listed person's full name. Cultures 5-7 (Chinese, Korean)
    // use the real, small surname pools below instead: their names collide in life too.
    private static readonly string[][] s_syllables =
    [
        ["al", "ber", "cas", "den", "el", "fran", "gil", "har", "ing", "ken", "lin", "mor", "nel", "os", "pen", "quin", "ros", "stan", "tel", "ver", "wes", "yar", "bram", "cort", "dal"],
        ["al", "ba", "ca", "do", "es", "fer", "gar", "her", "iz", "jo", "lo", "man", "nar", "or", "pa", "que", "ro", "san", "te", "val", "zar", "ben", "cor", "del", "mon"],
        ["bel", "vor", "gor", "dub", "zhu", "kar", "lap", "mak", "nes", "ora", "pro", "rub", "sav", "tal", "ush", "fil", "khar", "tsar", "chu", "shu", "yak", "bor", "gal", "dem", "zol"],
        ["бел", "вор", "гор", "дуб", "жу", "кар", "лап", "мак", "нес", "ора", "про", "руб", "сав", "тал", "уш", "фил", "хар", "цар", "чу", "шу", "як", "бор", "гал", "дем", "зол"],
        ["ab", "bad", "dah", "far", "gha", "had", "jam", "kar", "lat", "mah", "nab", "qas", "rah", "sab", "tah", "wah", "yas", "zah", "bak", "hal", "mus", "nur", "sal", "tar", "zub"],
        [],
        [],
        [],
        ["alt", "bach", "berg", "brand", "dorf", "eich", "feld", "gart", "hau", "kirch", "lind", "mark", "ober", "rein", "schwarz", "stein", "tann", "wald", "wei", "zim", "hof", "kamp", "mül", "roth", "sieg"],
        ["ak", "bay", "can", "dem", "er", "gök", "kal", "kar", "öz", "sar", "tas", "tek", "ur", "yal", "yıl", "zor", "bil", "çak", "gün", "kur", "sön", "tun", "ulu", "yük", "ars"],
        ["an", "bha", "cha", "dev", "gan", "har", "jai", "kal", "lak", "man", "nar", "pra", "raj", "sar", "tha", "ven", "ya", "gup", "kri", "mis", "pan", "ram", "shi", "tri", "var"],
        ["ad", "ba", "chi", "da", "ek", "fo", "gbe", "ib", "ju", "ka", "lo", "mba", "nwa", "ob", "ok", "ol", "on", "ade", "af", "ak", "as", "ay", "bo", "du", "ez"],
    ];

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
        var syllables = s_syllables[culture];
        string surname = Capitalize(Pick(syllables) + Pick(syllables) + (Below(2) == 0 ? Pick(syllables) : "")
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
        var syllables = s_syllables[Below(2) == 0 ? 0 : 1 + Below(2)];
        string brand = Capitalize(Pick(syllables) + Pick(syllables) + (Below(2) == 0 ? Pick(syllables) : ""));
        string word = Below(3) == 0 ? " " + s_companyWords[Below(s_companyWords.Length)] : "";
        string kind = s_companyKinds[Below(s_companyKinds.Length)];
        string form = s_legalForms[Below(s_legalForms.Length)];
        return form.Length == 0 ? $"{brand}{word} {kind}" : $"{brand}{word} {kind} {form}";
    }

    /// <summary>A person (3 in 4) or company name.</summary>
    public string Any() => Below(4) == 0 ? Company() : Person();
}
