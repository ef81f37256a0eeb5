using Corridor.Core.Compliance;
using Corridor.Core.Countries;
using Xunit;

namespace Corridor.Core.Tests.Compliance;

public class TravelRuleTests
{
    // 5493001KJTIIGC8Y1R12 is Bloomberg's LEI (valid MOD 97-10); DEUTDEFF is Deutsche Bank Frankfurt's BIC.
    private const string ValidLei = "5493001KJTIIGC8Y1R12";

    private static readonly PartyInfo Person = new(
        PartyKind.Person, "Anna Schmidt",
        new PostalAddress("Hauptstrasse", "5", "10115", "Berlin", "DE"),
        Account: "DE89370400440532013000");

    private static readonly PartyInfo Institution = new(PartyKind.Institution, "Acme Exports GmbH", Lei: ValidLei, Account: "DE02120300000000202051");

    private static readonly PartyInfo Beneficiary = new(PartyKind.Person, "Kwame Mensah", Account: "GH1234567890");

    private static TravelRuleCode Single(TravelRuleResult result)
    {
        Assert.False(result.IsCompliant);
        return Assert.Single(result.Findings).Code;
    }

    [Fact]
    public void Complete_person_and_institution_are_compliant()
    {
        Assert.True(TravelRule.Validate(Person, Beneficiary, crossBorder: true).IsCompliant);
        Assert.True(TravelRule.Validate(Institution, Beneficiary, crossBorder: true).IsCompliant);
        Assert.True(TravelRule.Validate(Institution with { Lei = null, Bic = "DEUTDEFF" }, Beneficiary, crossBorder: true).IsCompliant);
    }

    [Fact]
    public void Person_may_identify_by_national_id_or_birth_instead_of_address()
    {
        var noAddress = Person with { Address = null };
        Assert.True(TravelRule.Validate(noAddress with { NationalId = "X1234567" }, Beneficiary, true).IsCompliant);
        Assert.True(TravelRule.Validate(noAddress with { DateOfBirth = new DateOnly(1980, 2, 29), PlaceOfBirth = "Hamburg" }, Beneficiary, true).IsCompliant);
        Assert.Equal(TravelRuleCode.OriginatorAddressMissing,
            Single(TravelRule.Validate(noAddress with { DateOfBirth = new DateOnly(1980, 2, 29) }, Beneficiary, true)));
    }

    [Fact]
    public void RR01_missing_originator_account()
    {
        var result = TravelRule.Validate(Person with { Account = " " }, Beneficiary, true);
        Assert.Equal(TravelRuleCode.OriginatorAccountMissing, Single(result));
        Assert.Equal("RR01", result.FirstReasonCode);
    }

    [Fact]
    public void RR01_institution_without_lei_or_bic()
    {
        var result = TravelRule.Validate(Institution with { Lei = null }, Beneficiary, true);
        Assert.Equal(TravelRuleCode.OriginatorIdentificationMissing, Single(result));
        Assert.Equal("RR01", result.FirstReasonCode);
    }

    [Fact]
    public void RR02_missing_originator_name()
    {
        var result = TravelRule.Validate(Person with { Name = "" }, Beneficiary, true);
        Assert.Equal(TravelRuleCode.OriginatorNameMissing, Single(result));
        Assert.Equal("RR02", result.FirstReasonCode);
    }

    [Fact]
    public void RR02_missing_originator_address()
    {
        var result = TravelRule.Validate(Person with { Address = new PostalAddress(TownName: "Berlin") }, Beneficiary, true);
        Assert.Equal(TravelRuleCode.OriginatorAddressMissing, Single(result));
        Assert.Equal("RR02", result.FirstReasonCode);
    }

    [Fact]
    public void RR03_missing_beneficiary_name_or_account()
    {
        var noName = TravelRule.Validate(Person, Beneficiary with { Name = null }, true);
        Assert.Equal(TravelRuleCode.BeneficiaryNameMissing, Single(noName));
        Assert.Equal("RR03", noName.FirstReasonCode);
        Assert.Equal(TravelRuleCode.BeneficiaryAccountMissing, Single(TravelRule.Validate(Person, Beneficiary with { Account = null }, true)));
    }

    [Fact]
    public void RR04_invalid_country()
    {
        var result = TravelRule.Validate(Person with { Address = Person.Address! with { Country = "XX" } }, Beneficiary, true);
        Assert.Equal(TravelRuleCode.InvalidCountry, Single(result));
        Assert.Equal("RR04", result.FirstReasonCode);
    }

    [Theory]
    [InlineData("5493001KJTIIGC8Y1R13")] // check digits off by one
    [InlineData("5493001KJTIIGC8Y1R1")]  // 19 chars
    [InlineData("5493001kjtiigc8y1r12")] // lower case
    public void RR04_invalid_lei(string lei)
    {
        var result = TravelRule.Validate(Institution with { Lei = lei }, Beneficiary, true);
        Assert.Equal(TravelRuleCode.InvalidLei, Single(result));
        Assert.Equal("RR04", result.FirstReasonCode);
    }

    [Theory]
    [InlineData("DEUTDEF")]      // 7 chars
    [InlineData("DEUTXXFF")]     // XX is no country
    [InlineData("DEUT1EFF")]     // digit in country
    [InlineData("DEUTDEFF50")]   // 10 chars
    [InlineData("deutdeff")]
    public void RR04_invalid_bic(string bic)
    {
        var result = TravelRule.Validate(Institution with { Lei = null, Bic = bic }, Beneficiary, true);
        Assert.Equal(TravelRuleCode.InvalidBic, Single(result));
    }

    [Fact]
    public void RR04_name_too_long()
    {
        Assert.Equal(TravelRuleCode.TextTooLong, Single(TravelRule.Validate(Person with { Name = new string('a', 141) }, Beneficiary, true)));
    }

    [Fact]
    public void Domestic_needs_only_accounts_but_still_checks_formats()
    {
        var bare = new PartyInfo(PartyKind.Person, null, Account: "123");
        Assert.True(TravelRule.Validate(bare, new PartyInfo(PartyKind.Person, null, Account: "456"), crossBorder: false).IsCompliant);
        Assert.Equal(TravelRuleCode.BeneficiaryAccountMissing, Single(TravelRule.Validate(bare, new PartyInfo(PartyKind.Person, "B"), false)));
        Assert.Equal(TravelRuleCode.InvalidLei, Single(TravelRule.Validate(bare with { Lei = "123" }, bare, false)));
    }

    [Fact]
    public void Missing_parties_report_every_gap_in_fixed_order()
    {
        var result = TravelRule.Validate(null, null, crossBorder: true);
        Assert.Equal(
            [TravelRuleCode.OriginatorAccountMissing, TravelRuleCode.OriginatorNameMissing, TravelRuleCode.OriginatorAddressMissing,
             TravelRuleCode.BeneficiaryNameMissing, TravelRuleCode.BeneficiaryAccountMissing],
            result.Findings.Select(f => f.Code).ToArray());
        Assert.Equal("RR01", result.FirstReasonCode);
    }

    [Theory]
    [InlineData("DE", true)]
    [InlineData("KP", true)]
    [InlineData("SS", true)]
    [InlineData("XK", false)]
    [InlineData("UK", false)]
    [InlineData("de", false)]
    [InlineData("DEU", false)]
    public void Country_codes_are_iso_3166_alpha2(string code, bool valid) => Assert.Equal(valid, CountryCodes.IsAssigned(code));

    [Theory]
    [InlineData("529900T8BM49AURSDO55", true)]
    [InlineData("HWUPKR0MPOU8FGXBT394", true)]
    [InlineData("HWUPKR0MPOU8FGXBT395", false)]
    public void Lei_checksum(string lei, bool valid) => Assert.Equal(valid, Identifiers.IsValidLei(lei));
}
