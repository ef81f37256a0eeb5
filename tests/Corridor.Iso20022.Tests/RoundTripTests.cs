using Corridor.Iso20022.Model;

namespace Corridor.Iso20022.Tests;

/// <summary>parse(build(x)) == x for every message type Corridor reads, with and without the AppHdr envelope.</summary>
public sealed class RoundTripTests
{
    public static TheoryData<string> Samples => new(TestData.SampleNames);

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_model_survives_build_and_parse(string name)
    {
        var first = Iso20022Codec.Parse(TestData.Sample(name));
        Assert.True(first.IsSuccess, string.Join("\n", first.Errors));
        var again = Iso20022Codec.Parse(Iso20022Codec.Build(first.Message!, first.Header));
        Assert.True(again.IsSuccess, string.Join("\n", again.Errors));
        Assert.Equal(first.Message, again.Message);
        Assert.Equal(first.Header, again.Header);
    }

    [Fact]
    public void Each_inbound_type_round_trips_with_an_application_header()
    {
        foreach (var name in TestData.SampleNames)
        {
            var message = Iso20022Codec.Parse(TestData.Sample(name)).Message!;
            var header = new AppHeader
            {
                FromBic = "KCBLKENX", ToBic = "CRDRKENX", BizMsgIdr = message.MsgId, MsgDefIdr = message.MessageDefinition,
                BizSvc = "corridor.rtgs.01", CreDt = new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero),
            };
            var r = Iso20022Codec.Parse(Iso20022Codec.Build(message, header));
            Assert.True(r.IsSuccess, name + ": " + string.Join("\n", r.Errors));
            Assert.Equal(message, r.Message);
            Assert.Equal(header, r.Header);
        }
    }

    [Fact]
    public void Indented_and_compact_output_parse_to_the_same_model()
    {
        var m = Iso20022Codec.Parse(TestData.Sample("pacs.008-kes-ghs-trade.xml")).Message!;
        Assert.Equal(Iso20022Codec.Parse(Iso20022Codec.Build(m, indent: true)).Message, Iso20022Codec.Parse(Iso20022Codec.Build(m)).Message);
    }

    public static TheoryData<string> OutboundNames => new(["pacs.002-ACCP", "pacs.002-ACSC", "pacs.002-PDNG", "pacs.002-RJCT", "camt.029-CNCL", "camt.029-RJCR", "camt.052", "camt.053", "camt.054", "pacs.002-NONREF"]);

    private static IsoMessage OutboundModel(string name) => name switch
    {
        "pacs.002-ACCP" => Outbound.Status("ACCP"),
        "pacs.002-ACSC" => Outbound.Status("ACSC"),
        "pacs.002-PDNG" => Outbound.Status("PDNG"),
        "pacs.002-RJCT" => Outbound.Status("RJCT", "RR02"),
        "pacs.002-NONREF" => Iso20022Codec.RejectionOf(Iso20022Codec.Parse("<x"u8), "CRDR-STS-NONREF", Outbound.Now),
        "camt.029-CNCL" => Outbound.Resolution(true),
        "camt.029-RJCR" => Outbound.Resolution(false),
        "camt.052" => new AccountReportMessage { Kind = AccountReportKind.IntradayReport052, Report = Outbound.Report(AccountReportKind.IntradayReport052) },
        "camt.053" => new AccountReportMessage { Kind = AccountReportKind.Statement053, Report = Outbound.Report(AccountReportKind.Statement053) },
        _ => new AccountReportMessage { Kind = AccountReportKind.Notification054, Report = Outbound.Report(AccountReportKind.Notification054) },
    };

    [Theory]
    [MemberData(nameof(OutboundNames))]
    public void Outbound_model_survives_build_and_parse(string name)
    {
        var model = OutboundModel(name);
        var r = Iso20022Codec.Parse(Iso20022Codec.Build(model));
        Assert.True(r.IsSuccess, string.Join("\n", r.Errors));
        Assert.Equal(model, r.Message);
    }
}
