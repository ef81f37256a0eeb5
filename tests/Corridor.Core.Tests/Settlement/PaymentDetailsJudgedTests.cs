using CsCheck;
using Corridor.Core.Exchange;
using Corridor.Core.Settlement;

namespace Corridor.Core.Tests.Settlement;

/// <summary>
/// The engine reads a settlement payment's details to judge it (<see cref="PaymentDetails.ReadToJudge"/>): the parties and the
/// originator's birth as <see cref="PaymentDetails.Read"/> makes them, the trade reference and ISO ids only checked. It must
/// accept and refuse exactly the bytes Read does, or a journal would replay differently from how it was applied.
/// </summary>
public sealed class PaymentDetailsJudgedTests
{
    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.Const(""), Gen.String[Gen.Char["a-zA-Z0-9 -"], 1, 30], Gen.Int[0, 3].Select(i => new[] { "Zoë Ærøskøbing", "Иван Петров", "東京海上", "🚢 cargo" }[i]));

    private static readonly Gen<Party?> Parties = Gen.Select(Text, Text, Gen.Bool).Select(t => t.Item3 ? null
        : new Party(t.Item1.Length == 0 ? "Name" : t.Item1, t.Item2, "12", "EC4N", "London", "", "GB", "GB29NWBK60161331926819", PartyIdScheme.Bic, "NWBKGB2L"));

    private static readonly Gen<PaymentDetails> Details = Gen.Select(Parties, Parties, Gen.Select(Text, Text, Gen.Bool), Gen.Select(Text, Text, Text), Gen.Bool)
        .Select((o, b, trade, ids, birth) => new PaymentDetails(o, b,
            trade.Item3 ? new TradeReference(trade.Item1, 20261101, trade.Item2, "", "Tea, black, fermented", "090240", Incoterms.Cif, trade.Item2) : null,
            new PaymentReferences(ids.Item1, ids.Item2, ids.Item3, "", ids.Item1.Length > 0 ? "3f1c2a4e-8d7b-4c1a-9e2f-5b6a7c8d9e0f" : ""),
            birth && o is not null ? new PartyBirth(19800101, "Lyon", "FR") : null));

    private static byte[] Encode(PaymentDetails details)
    {
        var buffer = new byte[PaymentDetails.MaxEncodedBytes];
        var w = new WireWriter(buffer);
        details.Write(ref w);
        return buffer.AsSpan(0, w.Written).ToArray();
    }

    private static (PaymentDetails? Value, Type? Error, int Position) Try(byte[] bytes, bool judge)
    {
        var r = new WireReader(bytes);
        try
        {
            PaymentDetails d = judge ? PaymentDetails.ReadToJudge(ref r) : PaymentDetails.Read(ref r);
            return (d, null, r.Position);
        }
        catch (Exception e) { return (null, e.GetType(), -1); }
    }

    [Fact]
    public void Judging_reads_the_parties_Read_reads_and_refuses_exactly_the_bytes_Read_refuses() =>
        Gen.Select(Details, Gen.Int[0, 3], Gen.Int[0, 10_000], Gen.Byte).Sample((details, damage, at, value) =>
        {
            byte[] bytes = Encode(details);
            if (damage == 1) bytes[at % bytes.Length] = value; // any byte changed: a length, a flag, a character
            else if (damage == 2) bytes = bytes[..(at % bytes.Length)]; // cut short
            else if (damage == 3) bytes[at % bytes.Length] = (byte)(0x80 | (value & 0x3F)); // a stray UTF-8 continuation byte
            var full = Try(bytes, judge: false);
            var judged = Try(bytes, judge: true);
            Assert.Equal(full.Error, judged.Error);
            Assert.Equal(full.Position, judged.Position);
            if (full.Value is not { } read) return;
            PaymentDetails j = judged.Value!;
            Assert.Equal(read.Originator, j.Originator);
            Assert.Equal(read.Beneficiary, j.Beneficiary);
            Assert.Equal(read.OriginatorBirth, j.OriginatorBirth);
            Assert.Equal(read == PaymentDetails.None, PaymentDetails.IsNone(bytes.AsSpan(0, full.Position)));
        }, iter: 5_000);

    [Fact]
    public void Details_of_ids_or_a_trade_alone_are_not_none()
    {
        var idsOnly = new PaymentDetails(null, null, null, new PaymentReferences("MSG-1"));
        var tradeOnly = new PaymentDetails(null, null, new TradeReference("INV-1", 20261101, "", "", "Tea", "090240", Incoterms.Cif, "Mombasa"), PaymentReferences.None);
        Assert.False(PaymentDetails.IsNone(Encode(idsOnly)));
        Assert.False(PaymentDetails.IsNone(Encode(tradeOnly)));
        Assert.True(PaymentDetails.IsNone(Encode(PaymentDetails.None)));
    }

    [Fact]
    public void A_string_over_its_length_in_characters_is_refused_by_both_readers()
    {
        // 36 characters of two bytes each (72 bytes, within the byte bound of 4 per character) where at most 35 are allowed.
        byte[] bytes = Encode(new PaymentDetails(null, null, null, new PaymentReferences("x")));
        var tooLong = new List<byte> { 0 }; // flags: no parties, no trade
        byte[] text = System.Text.Encoding.UTF8.GetBytes(new string('é', 36));
        tooLong.AddRange(BitConverter.GetBytes((ushort)text.Length));
        tooLong.AddRange(text);
        tooLong.AddRange(bytes.AsSpan(1 + 3)); // the rest as encoded after the first id ("x": 2 + 1 bytes)
        Assert.Equal(typeof(InvalidDataException), Try(tooLong.ToArray(), judge: false).Error);
        Assert.Equal(typeof(InvalidDataException), Try(tooLong.ToArray(), judge: true).Error);
    }
}
