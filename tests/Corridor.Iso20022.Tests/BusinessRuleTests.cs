using Corridor.Iso20022.Model;
using Corridor.Iso20022.Validation;

namespace Corridor.Iso20022.Tests;

/// <summary>One example per business rule and reason code; the samples themselves pass every rule.</summary>
public sealed class BusinessRuleTests
{
    private static Pacs008Message Trade => (Pacs008Message)Iso20022Codec.Parse(TestData.Sample("pacs.008-kes-ghs-trade.xml")).Message!;

    private static CustomerCreditTransfer Tx => Trade.Transactions[0];

    private static Pacs008Message With(CustomerCreditTransfer tx) => Trade with { Transactions = [tx] };

    private static ValidationIssue Single(IsoMessage m, string code, BusinessRuleOptions? options = null)
    {
        var issues = BusinessRules.Check(m, options);
        Assert.True(issues.Count == 1, string.Join("\n", issues));
        Assert.Equal(code, issues[0].ReasonCode);
        return issues[0];
    }

    [Fact]
    public void NbOfTxs_mismatch_is_AM18()
        => Assert.Equal("GrpHdr/NbOfTxs", Single(Trade with { GrpHdr = Trade.GrpHdr with { NbOfTxs = 2 } }, ReasonCodes.InvalidNumberOfTransactions).Path);

    [Fact]
    public void Unknown_currency_in_a_built_model_is_AM03()
        => Single(With(Tx with { IntrBkSttlmAmt = new Money("ABC", 100), InstdAmt = null, XchgRate = null }), ReasonCodes.NotAllowedCurrency);

    [Fact]
    public void Currency_not_settled_by_the_node_is_AM03()
        => Single(Trade, ReasonCodes.NotAllowedCurrency, new BusinessRuleOptions { SettlementCurrencies = new HashSet<string> { "KES" } });

    [Fact]
    public void Zero_amount_is_AM01()
        => Single(With(Tx with { IntrBkSttlmAmt = new Money("GHS", 0), InstdAmt = null, XchgRate = null }), ReasonCodes.ZeroAmount);

    [Fact]
    public void Negative_amount_in_a_built_model_is_AM12()
        => Single(With(Tx with { IntrBkSttlmAmt = new Money("GHS", -1), InstdAmt = null, XchgRate = null }), ReasonCodes.InvalidAmount);

    [Fact]
    public void Amount_above_the_maximum_is_AM02()
        => Single(Trade, ReasonCodes.NotAllowedAmount, new BusinessRuleOptions { MaxAmountMinor = 1_000_000 });

    [Fact]
    public void Duplicate_EndToEndId_in_one_message_is_AM05()
    {
        var second = Tx with { PmtId = Tx.PmtId with { Uetr = "0f0e0d0c-0b0a-4908-8706-050403020100", TxId = "T2" } };
        var m = Trade with { GrpHdr = Trade.GrpHdr with { NbOfTxs = 2 }, Transactions = [Tx, second] };
        Assert.Equal("CdtTrfTxInf[1]/PmtId/EndToEndId", Single(m, ReasonCodes.Duplication).Path);
    }

    [Fact]
    public void Duplicate_UETR_in_one_message_is_AM05()
    {
        var second = Tx with { PmtId = Tx.PmtId with { EndToEndId = "OTHER" } };
        var m = Trade with { GrpHdr = Trade.GrpHdr with { NbOfTxs = 2 }, Transactions = [Tx, second] };
        Assert.Equal("CdtTrfTxInf[1]/PmtId/UETR", Single(m, ReasonCodes.Duplication).Path);
    }

    [Fact]
    public void Already_seen_MsgId_or_UETR_is_DUPL()
    {
        var seenMsg = new BusinessRuleOptions { IsSeen = k => k == new DuplicateKey(IdKind.MsgId, "KCBL20261123-000187") };
        Assert.Equal("GrpHdr/MsgId", Single(Trade, ReasonCodes.DuplicatePayment, seenMsg).Path);
        var seenUetr = new BusinessRuleOptions { IsSeen = k => k.Kind == IdKind.Uetr };
        Assert.Equal("CdtTrfTxInf[0]/PmtId/UETR", Single(Trade, ReasonCodes.DuplicatePayment, seenUetr).Path);
        var seenE2e = new BusinessRuleOptions { IsSeen = k => k.Kind == IdKind.EndToEndId };
        Assert.Equal("CdtTrfTxInf[0]/PmtId/EndToEndId", Single(With(Tx with { PmtId = Tx.PmtId with { Uetr = null } }), ReasonCodes.DuplicatePayment, seenE2e).Path);
    }

    [Fact]
    public void Cross_currency_without_rate_is_AM09()
        => Single(With(Tx with { XchgRate = null }), ReasonCodes.WrongAmount);

    [Fact]
    public void Cross_currency_amount_off_the_rate_is_AM09()
        => Single(With(Tx with { XchgRate = new ExchangeRate(1_100_000_000) }), ReasonCodes.WrongAmount); // 0.11 instead of 0.095

    [Fact]
    public void Cross_currency_within_tolerance_passes()
        => Assert.Empty(BusinessRules.Check(With(Tx with { IntrBkSttlmAmt = new Money("GHS", 11_875_000 - 20_000) }))); // 200 GHS of charges

    [Fact]
    public void Same_currency_rate_other_than_one_is_AM09()
        => Single(With(Tx with { InstdAmt = new Money("GHS", 11_875_000) }), ReasonCodes.WrongAmount);

    [Fact]
    public void Missing_debtor_account_and_id_is_RR01()
        => Single(With(Tx with { DbtrAcct = null, Dbtr = Tx.Dbtr with { Id = null } }), ReasonCodes.MissingDebtorAccountOrId);

    [Fact]
    public void Missing_debtor_name_is_RR02()
        => Single(With(Tx with { Dbtr = Tx.Dbtr with { Name = null } }), ReasonCodes.MissingDebtorNameOrAddress);

    [Fact]
    public void Debtor_without_town_and_country_nor_id_is_RR02()
        => Single(With(Tx with { Dbtr = Tx.Dbtr with { Id = null, Address = Tx.Dbtr.Address! with { TownName = null } } }), ReasonCodes.MissingDebtorNameOrAddress);

    [Fact]
    public void Debtor_with_date_and_place_of_birth_instead_of_address_passes()
    {
        var birth = new PartyIdentification { Kind = PartyIdKind.Private, Birth = new BirthDetails(new DateOnly(1970, 1, 1), null, "Mombasa", "KE") };
        Assert.Empty(BusinessRules.Check(With(Tx with { Dbtr = Tx.Dbtr with { Address = null, Id = birth } })));
    }

    [Fact]
    public void Missing_creditor_name_is_RR03()
        => Single(With(Tx with { Cdtr = Tx.Cdtr with { Name = null } }), ReasonCodes.MissingCreditorNameOrAddress);

    [Fact]
    public void Missing_creditor_account_cross_border_is_AC01()
        => Single(With(Tx with { CdtrAcct = null }), ReasonCodes.IncorrectAccountNumber);

    [Fact]
    public void Domestic_payment_does_not_need_travel_rule_data()
    {
        var domestic = Tx with
        {
            CdtrAgt = Agent.FromBic("EQBLKENA"), InstdAmt = null, XchgRate = null, IntrBkSttlmAmt = new Money("KES", 100),
            Dbtr = new Party { Name = "X" }, DbtrAcct = null, CdtrAcct = null,
        };
        Assert.False(BusinessRules.IsCrossBorder(domestic));
        Assert.Empty(BusinessRules.Check(With(domestic)));
    }

    [Fact]
    public void Bad_IBAN_check_digits_is_AC01()
        => Assert.EndsWith("/IBAN", Single(With(Tx with { DbtrAcct = new CashAccount { Iban = "DE89370400440532013001" } }), ReasonCodes.IncorrectAccountNumber).Path, StringComparison.Ordinal);

    [Fact]
    public void BIC_with_unknown_country_is_RC01()
        => Single(With(Tx with { CdtrAgt = Agent.FromBic("GHCBQQAC") }), ReasonCodes.BankIdentifierIncorrect);

    [Fact]
    public void Agent_without_any_identification_is_RC01()
        => Single(With(Tx with { DbtrAgt = new Agent { Name = "Some bank" } }), ReasonCodes.BankIdentifierIncorrect);

    [Fact]
    public void Instructed_agent_other_than_this_node_is_AGNT()
        => Single(Trade, ReasonCodes.IncorrectAgent, new BusinessRuleOptions { OwnBic = "CRDRKENX" });

    [Fact]
    public void Instructed_agent_branch_of_this_node_passes()
        => Assert.Empty(BusinessRules.Check(Trade, new BusinessRuleOptions { OwnBic = "GHCBGHAC" }));

    [Fact]
    public void Regulatory_reporting_required_but_absent_is_RR04()
        => Single(With(Tx with { RgltryRptg = [] }), ReasonCodes.RegulatoryReason, new BusinessRuleOptions { RegulatoryReportingCountries = new HashSet<string> { "KE" } });

    [Fact]
    public void Regulatory_detail_without_code_or_information_is_RR04()
        => Single(With(Tx with { RgltryRptg = [new RegulatoryReporting { Details = [new RegulatoryDetail { Type = "X" }] }] }), ReasonCodes.RegulatoryReason);

    [Fact]
    public void Return_of_more_than_the_original_is_AM09()
    {
        var rtr = (Pacs004Message)Iso20022Codec.Parse(TestData.Sample("pacs.004-return.xml")).Message!;
        var t = rtr.Transactions[0];
        Single(rtr with { Transactions = [t with { RtrdIntrBkSttlmAmt = new Money("GHS", 11_875_001) }] }, ReasonCodes.WrongAmount);
    }

    [Fact]
    public void Recall_seen_before_is_DUPL()
    {
        var cxl = Iso20022Codec.Parse(TestData.Sample("camt.056-recall.xml")).Message!;
        Single(cxl, ReasonCodes.DuplicatePayment, new BusinessRuleOptions { IsSeen = k => k.Kind == IdKind.MsgId });
    }

    [Fact]
    public void Validate_from_bytes_combines_xsd_and_business_rules()
    {
        var issues = Iso20022Codec.Validate(TestData.Sample("pacs.008-kes-ghs-trade.xml"), new BusinessRuleOptions { OwnBic = "CRDRKENX" });
        Assert.Equal(ReasonCodes.IncorrectAgent, Assert.Single(issues).ReasonCode);
        Assert.Equal(ReasonCodes.InvalidFileFormat, Assert.Single(Iso20022Codec.Validate("<x/>"u8)).ReasonCode);
    }
}

/// <summary>Recall addressed to another participant.</summary>
public sealed class RecallRuleTests
{
    [Fact]
    public void Recall_assigned_to_another_agent_is_AGNT()
    {
        var cxl = Iso20022Codec.Parse(TestData.Sample("camt.056-recall.xml")).Message!;
        var issue = Assert.Single(BusinessRules.Check(cxl, new BusinessRuleOptions { OwnBic = "CRDRKENX" }));
        Assert.Equal(ReasonCodes.IncorrectAgent, issue.ReasonCode);
        Assert.Equal("Assgnmt/Assgne", issue.Path);
        Assert.Empty(BusinessRules.Check(cxl, new BusinessRuleOptions { OwnBic = "GHCBGHAC" }));
    }
}
