using Corridor.Client;
using Corridor.Server;

namespace Corridor.Cli.Tests;

/// <summary><c>corridor iso send</c> of a camt.056 prints the camt.029 the node answers with (exit 0 when cancelled, 1 when refused).</summary>
public class IsoSendCommandTests
{
    private static CancellationToken C => TestContext.Current.CancellationToken;

    private static string Camt056(string uetr) => $"""
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.056.001.09">
          <FIToFIPmtCxlReq>
            <Assgnmt>
              <Id>CXL-{uetr[..8]}</Id>
              <Assgnr><Agt><FinInstnId><BICFI>COBADEFF</BICFI></FinInstnId></Agt></Assgnr>
              <Assgne><Agt><FinInstnId><BICFI>BNPAFRPP</BICFI></FinInstnId></Agt></Assgne>
              <CreDtTm>2026-11-23T11:40:00Z</CreDtTm>
            </Assgnmt>
            <Undrlyg>
              <TxInf>
                <OrgnlEndToEndId>RENT-2026-11-APT4B</OrgnlEndToEndId>
                <OrgnlUETR>{uetr}</OrgnlUETR>
                <CxlRsnInf><Rsn><Cd>DUPL</Cd></Rsn></CxlRsnInf>
              </TxInf>
            </Undrlyg>
          </FIToFIPmtCxlReq>
        </Document>
        """;

    [Fact]
    public async Task A_camt056_is_answered_with_a_camt029_CNCL_for_a_queued_payment_and_RJCR_for_an_unknown_one()
    {
        using var dir = new TempDir();
        await using CorridorServer server = await CorridorServer.StartAsync(new ServerOptions { DataPath = dir.Path, Urls = ["http://127.0.0.1:0"] }, C);
        var op = new CorridorClient(new HttpClient { BaseAddress = new Uri(server.Addresses[0]) }, server.NewOperatorToken!);
        (await op.RegisterParticipantAsync(new RegisterParticipantRequest(100, "Central Bank", "central-bank"), C)).Unwrap();
        string coba = (await op.RegisterParticipantAsync(new RegisterParticipantRequest(11, "Commerzbank", "direct", "COBADEFF"), C)).Unwrap().Token;
        (await op.RegisterParticipantAsync(new RegisterParticipantRequest(12, "BNP Paribas", "direct", "BNPAFRPP"), C)).Unwrap();
        (await op.RegisterLedgerAsync(new RegisterLedgerRequest(978, 100, "0x5000", "0x5001", "EUR"), C)).Unwrap();
        (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(11, 978, "0x5011"), C)).Unwrap();
        (await op.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(12, 978, "0x5012"), C)).Unwrap();
        await op.OpenDayAsync(new DateOnly(2026, 11, 23), C);
        // Commerzbank has no liquidity: its pacs.008 of 1,450.00 EUR queues.
        string? samples = AppContext.BaseDirectory;
        while (samples is not null && !Directory.Exists(Path.Combine(samples, "samples", "iso20022"))) samples = Path.GetDirectoryName(samples);
        byte[] pacs008 = await File.ReadAllBytesAsync(Path.Combine(samples!, "samples", "iso20022", "pacs.008-envelope-apphdr.xml"), C);
        Assert.Contains("<TxSts>PDNG</TxSts>", (await op.WithToken(coba).SendIso20022Async(pacs008, C)).Body);

        string file = Path.Combine(dir.Path, "camt056.xml");
        await File.WriteAllTextAsync(file, Camt056("0b6e0a7c-3d2f-4a1b-8c9d-5e4f3a2b1c0d"), C);
        var (code, stdout, _) = await CorridorProcess.RunAsync("iso", "send", file, "--url", server.Addresses[0], "--token", coba);
        Assert.Equal(0, code);
        Assert.Contains("camt.029.001.10", stdout);
        Assert.Contains("<Conf>CNCL</Conf>", stdout);

        await File.WriteAllTextAsync(file, Camt056("11111111-2222-4333-8444-555555555555"), C);
        (code, stdout, _) = await CorridorProcess.RunAsync("iso", "send", file, "--url", server.Addresses[0], "--token", coba);
        Assert.Equal(1, code);
        Assert.Contains("<Conf>RJCR</Conf>", stdout);
        Assert.Contains("<Cd>NOOR</Cd>", stdout);
    }
}
