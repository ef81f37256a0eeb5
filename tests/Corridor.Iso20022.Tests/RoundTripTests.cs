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
}
