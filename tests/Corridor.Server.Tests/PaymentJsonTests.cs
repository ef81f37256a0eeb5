using System.Text;
using System.Text.Json;
using Corridor.Client;
using Corridor.Server.Http;
using CsCheck;

namespace Corridor.Server.Tests;

/// <summary>
/// The fast reader of payment bodies (<see cref="PaymentJson"/>) against the serializer it stands in for: a body the serializer
/// reads, the fast reader reads to the same objects or declines; a body the serializer refuses, the fast reader declines (so the
/// serializer answers it, with its error). And it does not decline what clients send: every body the contract's serializer writes.
/// </summary>
public sealed class PaymentJsonTests
{
    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.String[0, 40],
        Gen.Const("Nairobi Electronics Distributors Ltd"),
        Gen.Const("Zürich \"quoted\" \\ back\tslash \u00e9\u4e2d\u0001"),
        Gen.Const(""));

    private static readonly Gen<FxPartyDto?> Party = Gen.OneOf(
        Gen.Const((FxPartyDto?)null),
        Gen.Select(Text, Text, Text, Text, Text, Gen.OneOf(Gen.Const((string?)null), Text.Select(s => (string?)s)),
            (name, street, town, country, id, birth) => (FxPartyDto?)new FxPartyDto(name, street, "17", "00100", town, "", country, "1180297734", "lei", id, birth)));

    private static readonly Gen<FxTradeReferenceDto?> Trade = Gen.OneOf(
        Gen.Const((FxTradeReferenceDto?)null),
        Gen.Select(Text, Gen.OneOf(Gen.Const((DateOnly?)null), Gen.Int[1, 3_000_000].Select(d => (DateOnly?)DateOnly.FromDayNumber(d))), Text, Text,
            (invoice, date, lc, goods) => (FxTradeReferenceDto?)new FxTradeReferenceDto(invoice, date, "", lc, goods, "847130", "FOB", "Mombasa")));

    private static readonly Gen<PaymentReferencesDto?> References = Gen.OneOf(
        Gen.Const((PaymentReferencesDto?)null),
        Gen.Select(Text, Text, Text, (m, e, t) => (PaymentReferencesDto?)new PaymentReferencesDto(m, "INS-1", e, t, "8a3f1c2e-1111-4abc-8def-0123456789ab")));

    private static readonly Gen<SubmitPaymentRequest> Payment =
        Gen.Select(Text, Gen.ULong, Gen.UInt, Gen.Long, Gen.Select(Text, Text, Gen.ULong, Gen.ULong, Gen.ULong, Gen.ULong),
            Gen.Select(Party, Party, Trade, References),
            (id, payee, ledger, amount, more, parts) => new SubmitPaymentRequest(id, payee, ledger, amount, more.Item1, more.Item2, more.Item3, more.Item4, more.Item5,
                more.Item6, parts.Item1, parts.Item2, parts.Item3, parts.Item4));

    private static readonly Gen<PaymentBatchRequest> Batch = Payment.Array[1, 5].Select(p => new PaymentBatchRequest(p));

    [Fact]
    public void What_the_contract_writes_is_read_fast_to_the_same_payment()
    {
        Payment.Sample(p =>
        {
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(p, CorridorJson.Options);
            Assert.True(PaymentJson.TryReadPayment(json, out SubmitPaymentRequest? fast), Encoding.UTF8.GetString(json));
            Assert.Equal(JsonSerializer.Deserialize<SubmitPaymentRequest>(json, CorridorJson.Options), fast);
            Assert.Equal(p, fast);
        }, iter: 2_000);
        Batch.Sample(b =>
        {
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(b, CorridorJson.Options);
            Assert.True(PaymentJson.TryReadBatch(json, out PaymentBatchRequest? fast));
            Assert.Equal(b.Payments, fast!.Payments);
        }, iter: 500);
    }

    [Fact]
    public void A_party_that_comes_again_is_read_once_and_a_changed_one_afresh()
    {
        Payment.Where(p => p.Originator is not null).Sample(p =>
        {
            var batch = new PaymentBatchRequest([p, p with { Id = p.Id + "-2" }, p with { Originator = p.Originator! with { Name = p.Originator.Name + "x" } }]);
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(batch, CorridorJson.Options);
            Assert.True(PaymentJson.TryReadBatch(json, out PaymentBatchRequest? fast));
            Assert.Equal(batch.Payments, fast!.Payments);
            Assert.Same(fast.Payments[0].Originator, fast.Payments[1].Originator); // the same bytes: the same (immutable) object
            Assert.NotSame(fast.Payments[0].Originator, fast.Payments[2].Originator);
        }, iter: 300);
    }

    [Fact]
    public void A_trades_repeating_texts_are_made_once_per_value_and_its_numbers_afresh()
    {
        Payment.Where(p => p.TradeReference is not null).Sample(p =>
        {
            var second = p with { Id = p.Id + "-2", TradeReference = p.TradeReference! with { InvoiceNumber = p.TradeReference.InvoiceNumber + "-2" } };
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(new PaymentBatchRequest([p, second]), CorridorJson.Options);
            Assert.True(PaymentJson.TryReadBatch(json, out PaymentBatchRequest? fast));
            Assert.Equal([p, second], fast!.Payments);
            FxTradeReferenceDto a = fast.Payments[0].TradeReference!, b = fast.Payments[1].TradeReference!;
            if (a.GoodsDescription.Length > 0 && a.GoodsDescription.All(c => char.IsAsciiLetterOrDigit(c) || c == ' '))
                Assert.Same(a.GoodsDescription, b.GoodsDescription); // no escapes: the same bytes give the same string
            Assert.Same(a.HsCode, b.HsCode);
            Assert.Same(a.IncotermsPlace, b.IncotermsPlace);
        }, iter: 300);
    }

    /// <summary>Invalid UTF-8 in a text that is remembered is read exactly as the serializer reads it (refused), not remembered.</summary>
    [Theory]
    [InlineData("goods_description")]
    [InlineData("hs_code")]
    [InlineData("incoterms_place")]
    [InlineData("invoice_number")]
    public void Invalid_utf8_in_a_trade_text_is_refused_as_the_serializer_refuses_it(string field)
    {
        var p = new SubmitPaymentRequest("0x51", 2, 1, 100, TradeReference: new FxTradeReferenceDto("INV-1", null, "", "LC-1", "Tea", "090240", "CIF", "Mombasa"));
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(p, CorridorJson.Options);
        int at = Encoding.UTF8.GetString(json).IndexOf($"\"{field}\":\"", StringComparison.Ordinal) + field.Length + 4;
        byte[] broken = [.. json[..at], 0xC3, 0x28, .. json[at..]]; // 0xC3 0x28: a lead byte without its continuation
        bool serializerReads;
        try { JsonSerializer.Deserialize<SubmitPaymentRequest>(broken, CorridorJson.Options); serializerReads = true; }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { serializerReads = false; }
        Assert.False(serializerReads);
        bool fastReads;
        try { fastReads = PaymentJson.TryReadPayment(broken, out _); }
        catch (InvalidOperationException) { fastReads = false; }
        Assert.False(fastReads);
    }

    private static readonly Gen<string> Mutation = Gen.OneOf(
        Gen.Const("null"), Gen.Const("\"x\""), Gen.Const("1"), Gen.Const("-1"), Gen.Const("1.5"), Gen.Const("1e3"), Gen.Const("18446744073709551616"),
        Gen.Const("{}"), Gen.Const("[]"), Gen.Const("true"), Gen.Const("\"2026-02-30\""), Gen.Const("\"2026-1-5\""), Gen.Const("\" 2026-01-05\""));

    /// <summary>
    /// Bodies changed the ways clients get them wrong — a field removed, repeated, renamed or given another value, text cut or
    /// appended — are read by the fast reader exactly as the serializer reads them, or declined; never read where the serializer refuses.
    /// </summary>
    [Fact]
    public void A_body_the_serializer_refuses_is_declined_and_one_it_reads_is_read_alike()
    {
        Gen.Select(Payment, Gen.Int[0, 6], Gen.Int[0, 1000], Mutation).Sample((p, how, at, value) =>
        {
            string json = JsonSerializer.Serialize(p, CorridorJson.Options);
            var fields = System.Text.RegularExpressions.Regex.Matches(json, "\"([a-z_0-9]+)\":");
            var f = fields[at % fields.Count];
            int valueStart = f.Index + f.Length;
            string changed = how switch
            {
                0 => json.Insert(valueStart, value + ",\"" + f.Groups[1].Value + "\":"), // the field twice
                1 => json[..f.Index] + "\"" + f.Groups[1].Value + "x\":" + json[valueStart..], // renamed: unknown
                2 => json[..valueStart] + value + "," + "\"zz\":" + json[valueStart..], // another value, then an unknown field
                3 => json[..Math.Min(json.Length, at % (json.Length + 1))], // cut
                4 => json + value, // something after the object
                5 => json.Replace("\"" + f.Groups[1].Value + "\":", "\"" + f.Groups[1].Value + "\":" + value + ",\"_\":", StringComparison.Ordinal),
                _ => RemoveField(json, f.Groups[1].Value),
            };
            Same(Encoding.UTF8.GetBytes(changed));
            Same(Encoding.UTF8.GetBytes("{\"payments\":[" + changed + "]}"));
        }, iter: 3_000);
    }

    private static string RemoveField(string json, string name)
    {
        // Removes a top-level scalar field by parsing and rewriting (nested objects are removed whole).
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        node.Remove(name);
        return node.ToJsonString();
    }

    private static void Same(byte[] json)
    {
        bool batch = json.AsSpan().StartsWith("{\"payments\":"u8);
        object? serializer;
        try { serializer = batch ? JsonSerializer.Deserialize<PaymentBatchRequest>(json, CorridorJson.Options) : JsonSerializer.Deserialize<SubmitPaymentRequest>(json, CorridorJson.Options); }
        catch (JsonException) { serializer = null; }
        if (batch)
        {
            if (!PaymentJson.TryReadBatch(json, out PaymentBatchRequest? fast)) return;
            var read = Assert.IsType<PaymentBatchRequest>(serializer); // read fast, so the serializer must read it too
            Assert.Equal(read.Payments, fast!.Payments);
        }
        else
        {
            if (!PaymentJson.TryReadPayment(json, out SubmitPaymentRequest? fast)) return;
            Assert.Equal(Assert.IsType<SubmitPaymentRequest>(serializer), fast);
        }
    }
}
