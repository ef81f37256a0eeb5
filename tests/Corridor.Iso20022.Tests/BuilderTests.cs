using System.Text;
using Corridor.Iso20022.Model;
using Corridor.Iso20022.Writing;

namespace Corridor.Iso20022.Tests;

/// <summary>Every builder emits XML that validates against the shipped XSD and carries the references given.</summary>
public sealed class BuilderTests
{
    [Theory]
    [InlineData("ACCP", null)]
    [InlineData("ACSC", null)]
    [InlineData("PDNG", null)]
    [InlineData("RJCT", "RR02")]
    public void Pacs002_for_each_status_is_schema_valid(string status, string? reason)
    {
        byte[] xml = Iso20022Codec.Build(Outbound.Status(status, reason));
        TestData.AssertSchemaValid(xml);
        string text = Encoding.UTF8.GetString(xml);
        Assert.Contains($"<TxSts>{status}</TxSts>", text, StringComparison.Ordinal);
        Assert.Contains("<OrgnlUETR>e4b9c3a2-7f1d-4c8e-9a6b-2d5f8e1c0b3a</OrgnlUETR>", text, StringComparison.Ordinal);
        Assert.Contains("<OrgnlMsgNmId>pacs.008.001.09</OrgnlMsgNmId>", text, StringComparison.Ordinal);
        if (reason is not null) Assert.Contains($"<Rsn><Cd>{reason}</Cd></Rsn>", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Camt029_answering_a_recall_is_schema_valid(bool cancelled)
    {
        byte[] xml = Iso20022Codec.Build(Outbound.Resolution(cancelled));
        TestData.AssertSchemaValid(xml);
        Assert.Contains(cancelled ? "<Conf>CNCL</Conf>" : "<Conf>RJCR</Conf>", Encoding.UTF8.GetString(xml), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(AccountReportKind.IntradayReport052, "ITBD")]
    [InlineData(AccountReportKind.Statement053, "CLBD")]
    [InlineData(AccountReportKind.Notification054, null)]
    public void Camt05x_reports_are_schema_valid_and_carry_references(AccountReportKind kind, string? balance)
    {
        byte[] xml = Iso20022Codec.BuildAccountReport(kind, Outbound.Report(kind));
        TestData.AssertSchemaValid(xml);
        string text = Encoding.UTF8.GetString(xml);
        Assert.Contains("<NtryRef>CRDR-NTRY-000000912</NtryRef>", text, StringComparison.Ordinal);
        Assert.Contains("<AcctSvcrRef>CRDR-SETTLE-000000912</AcctSvcrRef>", text, StringComparison.Ordinal);
        Assert.Contains("<EndToEndId>NAIROBIELEC-INV-2026-0917</EndToEndId>", text, StringComparison.Ordinal);
        Assert.Contains("<UETR>e4b9c3a2-7f1d-4c8e-9a6b-2d5f8e1c0b3a</UETR>", text, StringComparison.Ordinal);
        if (balance is not null) Assert.Contains($"<Cd>{balance}</Cd>", text, StringComparison.Ordinal);
        else Assert.DoesNotContain("<Bal>", text, StringComparison.Ordinal);
        if (kind == AccountReportKind.Statement053) Assert.Contains("<Cd>OPBD</Cd>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Statement_with_a_negative_balance_writes_DBIT()
    {
        var report = Outbound.Report(AccountReportKind.Statement053) with
        {
            Balances = [new Balance { TypeCode = "OPBD", Currency = "GHS", AmountMinor = -500, Date = new DateOnly(2026, 11, 23) }],
        };
        byte[] xml = Iso20022Codec.BuildAccountReport(AccountReportKind.Statement053, report);
        TestData.AssertSchemaValid(xml);
        Assert.Contains("<Amt Ccy=\"GHS\">5.00</Amt><CdtDbtInd>DBIT</CdtDbtInd>", Encoding.UTF8.GetString(xml), StringComparison.Ordinal);
    }

    [Fact]
    public void Statement_without_balances_is_refused_by_the_builder()
    {
        var report = Outbound.Report(AccountReportKind.Statement053) with { Balances = [] };
        Assert.Throws<ArgumentException>(() => Iso20022Codec.BuildAccountReport(AccountReportKind.Statement053, report));
    }

    [Fact]
    public void Inbound_samples_rebuilt_are_schema_valid()
    {
        foreach (var name in TestData.SampleNames)
        {
            var parsed = Iso20022Codec.Parse(TestData.Sample(name));
            TestData.AssertSchemaValid(Iso20022Codec.Build(parsed.Message!));
        }
    }

    /// <summary>Writes the outbound samples to samples/iso20022 when CORRIDOR_WRITE_SAMPLES names that folder (run by hand).</summary>
    [Fact]
    public void Outbound_samples_can_be_written()
    {
        string? dir = Environment.GetEnvironmentVariable("CORRIDOR_WRITE_SAMPLES");
        var files = new Dictionary<string, byte[]>
        {
            ["out.pacs.002-acsc.xml"] = MessageWriter.Pacs002(Outbound.Status("ACSC"), indent: true),
            ["out.pacs.002-rjct-rr02.xml"] = MessageWriter.Pacs002(Outbound.Status("RJCT", "RR02"), indent: true),
            ["out.pacs.002-rjct-nonref.xml"] = MessageWriter.Pacs002(
                Iso20022Codec.RejectionOf(Iso20022Codec.Parse("<<<"u8), "CRDR-STS-NONREF-0001", Outbound.Now), indent: true),
            ["out.camt.029-cncl.xml"] = MessageWriter.Camt029(Outbound.Resolution(true), indent: true),
            ["out.camt.029-rjcr.xml"] = MessageWriter.Camt029(Outbound.Resolution(false), indent: true),
            ["out.camt.052-intraday.xml"] = MessageWriter.AccountReport(AccountReportKind.IntradayReport052, Outbound.Report(AccountReportKind.IntradayReport052), indent: true),
            ["out.camt.053-statement.xml"] = MessageWriter.AccountReport(AccountReportKind.Statement053, Outbound.Report(AccountReportKind.Statement053), indent: true),
            ["out.camt.054-notification.xml"] = MessageWriter.AccountReport(AccountReportKind.Notification054, Outbound.Report(AccountReportKind.Notification054), indent: true),
        };
        foreach (var (name, xml) in files)
        {
            TestData.AssertSchemaValid(xml);
            if (dir is not null) File.WriteAllBytes(Path.Combine(dir, name), xml);
        }
    }
}

/// <summary>Business-rule findings turn into the pacs.002 a node sends back.</summary>
public sealed class StatusReportForTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Clean_message_is_accepted_per_transaction()
    {
        var m = Iso20022Codec.Parse(TestData.Sample("pacs.008-batch-local.xml")).Message!;
        var report = Iso20022Codec.StatusReportFor(m, [], "STS-1", Now, PaymentStatusCodes.SettlementCompleted);
        Assert.Equal("ACSC", report.GroupStatus);
        Assert.Equal(3, report.Transactions.Count);
        Assert.All(report.Transactions, t => Assert.Equal("ACSC", t.TxSts));
        Assert.Equal("SCHOOLFEES-T3-0001", report.Transactions[0].OrgnlEndToEndId);
        TestData.AssertSchemaValid(Iso20022Codec.Build(report));
    }

    [Fact]
    public void One_bad_transaction_gives_PART_with_its_reason()
    {
        var m = (Pacs008Message)Iso20022Codec.Parse(TestData.Sample("pacs.008-batch-local.xml")).Message!;
        var bad = m with { Transactions = [m.Transactions[0], m.Transactions[1] with { Cdtr = new Party() }, m.Transactions[2]] };
        var bad2 = bad with { Transactions = [bad.Transactions[0], bad.Transactions[1] with { CdtrAgt = Agent.FromBic("DFCUQQKA") }, bad.Transactions[2]] };
        var issues = Iso20022Codec.Validate(bad2);
        var report = Iso20022Codec.StatusReportFor(bad2, issues, "STS-2", Now);
        Assert.Equal("PART", report.GroupStatus);
        Assert.Equal("ACCP", report.Transactions[0].TxSts);
        Assert.Equal("RJCT", report.Transactions[1].TxSts);
        Assert.Contains(report.Transactions[1].Reasons, r => r.Code == "RR03");
        TestData.AssertSchemaValid(Iso20022Codec.Build(report));
    }

    [Fact]
    public void Header_finding_rejects_the_group()
    {
        var m = (Pacs008Message)Iso20022Codec.Parse(TestData.Sample("pacs.008-batch-local.xml")).Message!;
        var wrong = m with { GrpHdr = m.GrpHdr with { NbOfTxs = 4 } };
        var report = Iso20022Codec.StatusReportFor(wrong, Iso20022Codec.Validate(wrong), "STS-3", Now);
        Assert.Equal("RJCT", report.GroupStatus);
        Assert.Equal("AM18", report.GroupReasons[0].Code);
        Assert.Empty(report.Transactions);
        TestData.AssertSchemaValid(Iso20022Codec.Build(report));
    }
}
