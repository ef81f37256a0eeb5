using System.Collections.Immutable;
using Corridor.Core.Compliance;
using Xunit;

namespace Corridor.Core.Tests.Compliance;

public class ScreeningTests
{
    internal static WatchListEntry Person(string id, params string[] names) =>
        new(id, WatchListEntryKind.Person, [.. names], [], [], "TEST");

    internal static WatchListEntry Organisation(string id, params string[] names) =>
        new(id, WatchListEntryKind.Organisation, [.. names], [], [], "TEST");

    internal static readonly WatchList Sample = WatchList.Create("sample", "1",
    [
        Person("RU-1", "Vladimir Vladimirovich Putin", "Владимир Владимирович Путин"),
        Person("KP-1", "Kim Jong Un", "김정은"),
        Person("KP-2", "Choe Ryong Hae"),
        Person("DE-1", "Hans Müller"),
        Person("LY-1", "Muammar Muhammad Abu Minyar al-Qadhafi", "Moammar Gaddafi"),
        Person("RU-2", "Sergei Kuzhugetovich Shoigu"),
        Person("IR-1", "Mohammad Javad Zarif"),
        Person("VE-1", "Nicolás Maduro Moros"),
        Person("SY-1", "Bashar al-Assad"),
        Person("BY-1", "Alexander Grigoryevich Lukashenko", "Аляксандр Рыгоравіч Лукашэнка"),
        Person("MM-1", "Min Aung Hlaing"),
        Person("RU-3", "Yevgeny Viktorovich Prigozhin"),
        Organisation("RU-O1", "Bank Rossiya", "Банк Россия"),
        Organisation("RU-O2", "Rosneft Oil Company", "ПАО НК Роснефть"),
        Organisation("IR-O1", "Islamic Republic of Iran Shipping Lines", "IRISL"),
        Organisation("KP-O1", "Korea Kwangson Banking Corporation"),
        Organisation("RU-O3", "Wagner Group", "ЧВК Вагнер"),
        Organisation("SY-O1", "Commercial Bank of Syria"),
        Organisation("VE-O1", "Petróleos de Venezuela S.A.", "PDVSA"),
        Organisation("CN-O1", "Dandong Hongxiang Industrial Development Co Ltd"),
    ]);

    private static readonly Screener s_screener = new(Sample);

    [Theory]
    [InlineData("Vladimir Putin", "RU-1")]
    [InlineData("Владимир Путин", "RU-1")]
    [InlineData("PUTIN, Vladimir V.", "RU-1")]
    [InlineData("Wladimir Putin", "RU-1")]
    [InlineData("Vladimir Vladimirovich Putin", "RU-1")]
    [InlineData("Kim Jong Un", "KP-1")]
    [InlineData("Kim Jong-un", "KP-1")]
    [InlineData("김정은", "KP-1")]
    [InlineData("KIM, Jong Un", "KP-1")]
    [InlineData("Choe Ryong-hae", "KP-2")]
    [InlineData("최룡해", "KP-2")]
    [InlineData("Hans Mueller", "DE-1")]
    [InlineData("Hans Muller", "DE-1")]
    [InlineData("MÜLLER, Hans", "DE-1")]
    [InlineData("Muammar Gaddafi", "LY-1")]
    [InlineData("Muammar al-Qadhafi", "LY-1")]
    [InlineData("Sergey Shoygu", "RU-2")]
    [InlineData("Сергей Шойгу", "RU-2")]
    [InlineData("Mohammed Javad Zarif", "IR-1")]
    [InlineData("Nicolas Maduro", "VE-1")]
    [InlineData("Bashar Al Assad", "SY-1")]
    [InlineData("Aleksandr Lukashenko", "BY-1")]
    [InlineData("Александр Лукашенко", "BY-1")]
    [InlineData("Evgeniy Prigozhin", "RU-3")]
    [InlineData("Евгений Пригожин", "RU-3")]
    [InlineData("Bank Rossiya", "RU-O1")]
    [InlineData("АО Банк Россия", "RU-O1")]
    [InlineData("Rosneft Oil Company PJSC", "RU-O2")]
    [InlineData("Islamic Republic of Iran Shipping Lines", "IR-O1")]
    [InlineData("Wagner Group LLC", "RU-O3")]
    [InlineData("Petroleos de Venezuela SA", "VE-O1")]
    [InlineData("Dandong Hongxiang Industrial Development", "CN-O1")]
    public void True_hits_across_scripts_and_spellings(string name, string entryId)
    {
        var hits = s_screener.ScreenName(name);
        Assert.Contains(hits, h => h.EntryId == entryId);
        Assert.True(hits[0].EntryId == entryId, $"best hit {hits[0].EntryId} {hits[0].MatchedName} {hits[0].Score}");
    }

    public static readonly TheoryData<string> UnrelatedNames =
    [
        "John Smith", "Mary Johnson", "Robert Williams", "Patricia Brown", "Michael Jones", "Linda Garcia",
        "David Miller", "Elizabeth Davis", "James Wilson", "Jennifer Martinez", "Carlos Rodriguez", "Ana Lopez",
        "Wei Zhang", "Li Na", "Hiroshi Tanaka", "Yuki Sato", "Priya Sharma", "Rahul Gupta", "Fatima Zahra",
        "Ahmed Hassan", "Olga Ivanova", "Dmitry Sokolov", "Ivan Petrov", "Anna Kowalska", "Piotr Nowak",
        "Lars Andersson", "Ingrid Johansson", "Pierre Dubois", "Sophie Martin", "Giulia Rossi", "Marco Bianchi",
        "Hans Schmidt", "Klaus Weber", "Jan de Vries", "Sven Larsen", "Ji-hoon Lee", "Seo-yeon Park", "Min-jun Choi",
        "Nguyen Van An", "Ayşe Yılmaz", "Kwame Mensah", "Chinedu Okafor", "Siemens AG", "Acme Trading LLC",
        "Northwind Traders Ltd", "Contoso Bank plc", "Global Logistics GmbH", "Sunrise Foods SA", "Blue River Capital Partners",
        "Deutsche Telekom AG", "Toyota Motor Corporation", "Банк Открытие", "Иван Иванов", "이민호", "박지성",
    ];

    [Theory]
    [MemberData(nameof(UnrelatedNames))]
    public void No_hit_for_unrelated_names_at_default_threshold(string name)
    {
        var hits = s_screener.ScreenName(name);
        Assert.True(hits.IsEmpty, hits.IsEmpty ? "" : $"{name} hit {hits[0].EntryId} '{hits[0].MatchedName}' score {hits[0].Score}");
    }

    [Fact]
    public void Single_given_name_does_not_hit_a_full_name()
    {
        Assert.Empty(s_screener.ScreenName("Vladimir"));
        Assert.Empty(s_screener.ScreenName("Kim"));
    }

    [Fact]
    public void Screen_reports_field_score_and_list_hash()
    {
        var originator = new PartyInfo(PartyKind.Person, "Acme Customer", DateOfBirth: new DateOnly(1980, 1, 1));
        var beneficiary = new PartyInfo(PartyKind.Institution, "Bank Rossiya");
        var result = s_screener.Screen(originator, beneficiary);
        Assert.Equal(ScreeningStatus.PotentialMatch, result.Status);
        var hit = Assert.Single(result.Hits);
        Assert.Equal(ScreenedField.BeneficiaryName, hit.Field);
        Assert.Equal("RU-O1", hit.EntryId);
        Assert.Equal(100, hit.Score);
        Assert.Equal(Sample.ContentHash, result.WatchListHash);
        Assert.Equal(Screener.DefaultThreshold, result.Threshold);
    }

    [Fact]
    public void Missing_names_are_unscreenable_never_clear()
    {
        var result = s_screener.Screen(new PartyInfo(PartyKind.Person, null), new PartyInfo(PartyKind.Person, "..."));
        Assert.Equal(ScreeningStatus.Unscreenable, result.Status);
        Assert.Equal([ScreenedField.OriginatorName, ScreenedField.BeneficiaryName], result.Unscreenable.ToArray());
        Assert.Equal(ScreeningStatus.Unscreenable, s_screener.Screen(null, ScreenedField.BeneficiaryName).Status);
    }

    [Fact]
    public void Empty_list_clears_named_parties_but_not_nameless_ones()
    {
        var empty = new Screener(WatchList.Create("empty", "0", []));
        Assert.Equal(ScreeningStatus.Clear, empty.Screen(PartyInfo.PersonNamed("Vladimir Putin"), PartyInfo.PersonNamed("Kim Jong Un")).Status);
        Assert.Equal(ScreeningStatus.Unscreenable, empty.Screen(PartyInfo.PersonNamed("Vladimir Putin"), null).Status);
    }

    [Fact]
    public void Clean_payment_is_clear()
    {
        var result = s_screener.Screen(PartyInfo.PersonNamed("Mary Johnson"), PartyInfo.InstitutionNamed("Northwind Traders Ltd"));
        Assert.Equal(ScreeningStatus.Clear, result.Status);
        Assert.True(result.IsClear);
    }

    [Fact]
    public void Date_of_birth_agreement_is_reported()
    {
        var list = WatchList.Create("dob", "1",
            [new WatchListEntry("P1", WatchListEntryKind.Person, ["Ivan Drago"], [], [new PartialDate(1960, 5)], "TEST")]);
        var screener = new Screener(list);
        Assert.Equal(DateOfBirthAgreement.Match, screener.ScreenName("Ivan Drago", dateOfBirth: new DateOnly(1960, 5, 3))[0].DateOfBirth);
        Assert.Equal(DateOfBirthAgreement.Mismatch, screener.ScreenName("Ivan Drago", dateOfBirth: new DateOnly(1961, 5, 3))[0].DateOfBirth);
        Assert.Equal(DateOfBirthAgreement.Unknown, screener.ScreenName("Ivan Drago")[0].DateOfBirth);
    }

    [Fact]
    public void Documented_scores()
    {
        Assert.Equal(88, NameMatcher.Score("Nicolas Maduro", "Nicolás Maduro Moros"));
        Assert.Equal(82, NameMatcher.Score("Rosneft Deutschland", "Rosneft"));
        Assert.Equal(100, NameMatcher.Score("Rosneft", "Rosneft"));
        Assert.True(NameMatcher.Score("Vladimir", "Vladimir Putin") <= NameMatcher.PartialMatchCap);
    }

    [Fact]
    public void Low_threshold_blocks_on_single_keys_and_sees_partial_matches()
    {
        var loose = new Screener(Sample, threshold: 50);
        var hit = Assert.Single(loose.ScreenName("Vladimir"), h => h.EntryId == "RU-1");
        Assert.True(hit.Score <= NameMatcher.PartialMatchCap);
        Assert.Contains(loose.ScreenName("Wladimir Putin"), h => h.EntryId == "RU-1");
        var exact = new Screener(Sample, threshold: 100);
        Assert.Single(exact.ScreenName("Bank Rossiya"));
        Assert.Empty(exact.ScreenName("Bank Rosiya"));
    }

    [Fact]
    public void Duplicate_names_on_many_entries_are_all_reported()
    {
        var list = WatchList.Create("dups", "1", Enumerable.Range(0, 30).Select(i => Person($"W{i:D2}", "Wang Wei")));
        var hits = new Screener(list).ScreenName("WANG, Wei");
        Assert.Equal(30, hits.Length);
        Assert.Equal("W00", hits[0].EntryId);
        Assert.All(hits, h => Assert.Equal(100, h.Score));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    public void Threshold_outside_0_100_is_refused(int threshold) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Screener(Sample, threshold));

    [Theory]
    [InlineData("Vladimir Putin", "Владимир Путин", 100)]
    [InlineData("Kim Jong Un", "김정은", 85)]
    [InlineData("Hans Müller", "Hans Mueller", 90)]
    [InlineData("John Smith", "Vladimir Putin", 0)]
    [InlineData("Volodymyr Zelenskyy", "Володимир Зеленський", 85)]
    public void Pairwise_score_examples(string a, string b, int atLeast)
    {
        int score = NameMatcher.Score(a, b);
        if (atLeast == 0) Assert.True(score < 50, $"score {score}");
        else Assert.True(score >= atLeast, $"score {score}");
    }
}
