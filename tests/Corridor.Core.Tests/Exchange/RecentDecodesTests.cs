using Corridor.Core.Compliance;
using Corridor.Core.Exchange;
using Corridor.Workloads;
using CsCheck;
using Xunit;

namespace Corridor.Core.Tests.Exchange;

/// <summary>
/// The memos that let repeated parties cost less (<see cref="RecentDecodes{T}"/> for <see cref="Party.Read"/>, the screener's
/// remembered name forms): they change what is allocated, never what is decoded or screened — across more distinct values
/// than they hold, with repeats, and for encodings that differ in one byte.
/// </summary>
public class RecentDecodesTests
{
    private static byte[] Encode(Party p)
    {
        var buffer = new byte[Party.MaxEncodedBytes];
        var w = new WireWriter(buffer);
        p.Write(ref w);
        return buffer[..w.Written];
    }

    private static Party Decode(byte[] encoded)
    {
        var r = new WireReader(encoded);
        Party p = Party.Read(ref r);
        Assert.Equal(encoded.Length, r.Position);
        return p;
    }

    private static Party Company(int i, string town = "Nairobi") =>
        new($"Company {i} Ltd", "Moi Avenue", (i % 97).ToString(System.Globalization.CultureInfo.InvariantCulture), "00100", town, "", "KE",
            $"ACC-{i}", PartyIdScheme.TaxId, $"P05{i:D7}X");

    [Fact]
    public void The_same_bytes_give_the_same_party_and_one_changed_byte_a_different_one()
    {
        byte[] encoded = Encode(Company(1));
        Party first = Decode(encoded), again = Decode(encoded);
        Assert.Same(first, again);
        Assert.Equal(Company(1), first);

        byte[] changed = (byte[])encoded.Clone();
        int at = Array.LastIndexOf(changed, (byte)'X'); // the identifier's last character
        changed[at] = (byte)'Y';
        Party other = Decode(changed);
        Assert.NotSame(first, other);
        Assert.EndsWith("Y", other.Identifier);
        Assert.Equal(first with { Identifier = other.Identifier }, other);
    }

    [Fact]
    public void Decoding_is_value_for_value_whatever_the_memo_holds() =>
        // Draws from a pool larger than the memo, with repeats, so that hits, misses and the memo's emptying all occur.
        Gen.Int[0, RecentDecodes<Party>.Capacity * 2].Array[200, 3_000].Sample(picks =>
        {
            foreach (int i in picks)
            {
                Party expected = Company(i, i % 3 == 0 ? "Mombasa" : "Nairobi");
                Assert.Equal(expected, Decode(Encode(expected)));
            }
        }, iter: 20, threads: 1);

    [Fact]
    public void A_string_that_is_not_utf8_is_refused_whether_or_not_its_bytes_were_seen()
    {
        byte[] encoded = Encode(Company(7));
        byte[] broken = (byte[])encoded.Clone();
        broken[2] = 0xFF; // first byte of the name's text
        for (int attempt = 0; attempt < 2; attempt++)
            Assert.Throws<InvalidDataException>(() => Decode(broken));
        Assert.Equal(Company(7), Decode(encoded));
    }

    [Fact]
    public void Screening_a_name_gives_the_same_hits_while_the_screener_remembers_it_and_after_it_forgot()
    {
        var names = new SyntheticNames(11);
        var entries = new List<WatchListEntry>();
        for (int i = 0; i < 200; i++) entries.Add(Compliance.ScreeningTests.Person($"E{i}", names.Any()));
        var screener = new Screener(WatchList.Create("l", "1", entries), threshold: 70);
        string[] queries = [.. entries.Take(50).Select(e => e.PrimaryName.ToUpperInvariant()), .. Enumerable.Range(0, 50).Select(_ => names.Any())];
        var first = queries.Select(q => screener.ScreenName(q)).ToArray();
        Assert.Contains(first, hits => hits.Length > 0);
        for (int round = 0; round < 2; round++)
        {
            for (int q = 0; q < queries.Length; q++) Assert.Equal(first[q], screener.ScreenName(queries[q]));
            for (int i = 0; i < 5_000; i++) screener.ScreenName($"Filler Name {i}"); // more names than are remembered
        }
    }

    // A string field as the wire writes it: a 16-bit byte count, then the bytes (any bytes here: also invalid UTF-8).
    private static byte[] StringField(byte[] bytes)
    {
        var field = new byte[2 + bytes.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(field, (ushort)bytes.Length);
        bytes.CopyTo(field, 2);
        return field;
    }

    private static string? Read(byte[] field, int maxChars, bool repeated)
    {
        var r = new WireReader(field);
        try { return repeated ? r.RepeatedString(maxChars) : r.String(maxChars); }
        catch (InvalidDataException) { return null; }
    }

    private static readonly string[] Texts = ["Tea, black, fermented", "090240", "Mombasa", "LC-7", "Kaffee, geröstet", "茶叶"];

    [Fact]
    public void A_repeated_string_reads_exactly_as_a_string_and_refuses_what_it_refuses()
    {
        // Few distinct values, so most reads hit the memo; some invalid UTF-8 and some over the bound.
        Gen<byte[]> text = Gen.OneOf(
            Gen.Int[0, Texts.Length - 1].Select(i => System.Text.Encoding.UTF8.GetBytes(Texts[i])),
            Gen.Byte.Array[0, 12]);
        Gen.Select(text, Gen.Int[1, 8]).Array[1, 300].Sample(fields =>
        {
            foreach ((byte[] bytes, int maxChars) in fields)
            {
                byte[] field = StringField(bytes);
                Assert.Equal(Read(field, maxChars, repeated: false), Read(field, maxChars, repeated: true));
            }
        }, iter: 300);
    }
}
