using System.Net;
using Corridor.Client;

namespace Corridor.Server.Tests;

/// <summary>
/// The KES/GHS corridor of the cross-currency tests: KCB (21, KCBLKENX) holds 2,000,000.00 KES; GCB (22, GHCBGHAC) receives
/// GHS; Ecobank FX (23, ECOCGHAC) holds KES and GHS accounts, 500,000.00 GHS, and quotes KES → GHS at 0.095. Day 2026-11-23 open.
/// </summary>
internal sealed record KesGhsWorld(TestNode Node, CorridorClient Kcb, CorridorClient Gcb, CorridorClient Fx)
{
    public const ulong KcbId = 21, GcbId = 22, FxId = 23;
    public const uint Kes = 404, Ghs = 936;
    public const string KcbKesAccount = "0x4021", GcbGhsAccount = "0x9322", FxKesAccount = "0x4023", FxGhsAccount = "0x9323";
    public static readonly DateOnly BusinessDate = new(2026, 11, 23);

    private static CancellationToken C => TestContext.Current.CancellationToken;

    public static async Task<KesGhsWorld> StartAsync()
    {
        TestNode node = await TestNode.StartAsync(world: false); // the standard world settles KES on ledger 1; here KES is ledger 404
        CorridorClient op = node.Operator;
        (await op.RegisterParticipantAsync(new RegisterParticipantRequest(TestNode.CentralBank, "Central Bank", "central-bank"), C)).Unwrap();
        string kcbToken = (await op.RegisterParticipantAsync(new RegisterParticipantRequest(KcbId, "KCB", "direct", "KCBLKENX"), C)).Unwrap().Token;
        string gcbToken = (await op.RegisterParticipantAsync(new RegisterParticipantRequest(GcbId, "GCB", "direct", "GHCBGHAC"), C)).Unwrap().Token;
        string fxToken = (await op.RegisterParticipantAsync(new RegisterParticipantRequest(FxId, "Ecobank FX", "direct", "ECOCGHAC"), C)).Unwrap().Token;
        (await op.RegisterLedgerAsync(new RegisterLedgerRequest(Kes, TestNode.CentralBank, "0x4040", "0x4041", "KES"), C)).Unwrap();
        (await op.RegisterLedgerAsync(new RegisterLedgerRequest(Ghs, TestNode.CentralBank, "0x9360", "0x9361", "GHS"), C)).Unwrap();
        (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(KcbId, Kes, KcbKesAccount), C)).Unwrap();
        (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(GcbId, Ghs, GcbGhsAccount), C)).Unwrap();
        (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(FxId, Kes, FxKesAccount), C)).Unwrap();
        (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(FxId, Ghs, FxGhsAccount), C)).Unwrap();
        await op.OpenDayAsync(BusinessDate, C);
        (await op.MoveLiquidityAsync(new LiquidityRequest("0x7001", KcbId, Kes, 200_000_000, "inject"), C)).Unwrap();
        (await op.MoveLiquidityAsync(new LiquidityRequest("0x7002", FxId, Ghs, 50_000_000, "inject"), C)).Unwrap();
        var quote = new PublishQuoteRequest("0xF95", "KES", "GHS", new FxRateDto(95, 1000), 100, 1_000_000_000,
            (ulong)(DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds() * 1_000_000), FxKesAccount, FxGhsAccount, 60);
        Assert.Equal(HttpStatusCode.Created, (await op.WithToken(fxToken).PublishQuoteAsync(quote, C)).Status);
        return new KesGhsWorld(node, op.WithToken(kcbToken), op.WithToken(gcbToken), op.WithToken(fxToken));
    }

    /// <summary>A file of samples/iso20022, optionally edited.</summary>
    public static byte[] Sample(string name, Func<string, string>? edit = null)
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !Directory.Exists(Path.Combine(dir, "samples", "iso20022"))) dir = Path.GetDirectoryName(dir);
        Assert.NotNull(dir);
        string xml = File.ReadAllText(Path.Combine(dir, "samples", "iso20022", name));
        return System.Text.Encoding.UTF8.GetBytes(edit is null ? xml : edit(xml));
    }

    /// <summary>
    /// pacs.008-kes-ghs-trade.xml made same-currency: KCB pays 100.00 KES to Ecobank FX (its KES account), with the sample's
    /// parties and trade references (invoice ACM-INV-2026-0917, L/C KCB-LC-2026-0042, HS 847130, FOB) and its own UETR.
    /// </summary>
    public static string SameCurrencyTrade(string xml) => xml
        .Replace("e4b9c3a2-7f1d-4c8e-9a6b-2d5f8e1c0b3a", SameCurrencyUetr, StringComparison.Ordinal)
        .Replace("<IntrBkSttlmAmt Ccy=\"GHS\">118750.00</IntrBkSttlmAmt>", "<IntrBkSttlmAmt Ccy=\"KES\">100.00</IntrBkSttlmAmt>", StringComparison.Ordinal)
        .Replace("<InstdAmt Ccy=\"KES\">1250000.00</InstdAmt>", "", StringComparison.Ordinal)
        .Replace("<XchgRate>0.095</XchgRate>", "", StringComparison.Ordinal)
        .Replace("<BICFI>GHCBGHAC</BICFI>", "<BICFI>ECOCGHAC</BICFI>", StringComparison.Ordinal);

    public const string SameCurrencyUetr = "f5c0d4b3-8a2e-4d9f-8b7c-3e6a9f2d1c4b";
    public const string CrossCurrencyUetr = "e4b9c3a2-7f1d-4c8e-9a6b-2d5f8e1c0b3a";
}
