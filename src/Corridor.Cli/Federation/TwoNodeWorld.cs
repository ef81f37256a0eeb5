using Corridor.Client;

namespace Corridor.Cli.Federation;

/// <summary>
/// The two-node world of <c>corridor demo</c>, <c>corridor bench federation</c> and the two-process tests: node A settles RUB
/// (Bank of Russia, payer bank Volga Bank), node B settles CNY (People's Bank of China, payee bank Harbin Bank); FX Bank is a
/// participant on both, with a settlement account in each currency, and quotes RUB → CNY on B for payments from peers.
/// </summary>
public static class TwoNodeWorld
{
    public const ulong CentralBank = 100, Payer = 11, Provider = 13, Payee = 22;
    public const uint Rub = 643, Cny = 156, PeerBOnA = 7, PeerAOnB = 3;
    public const string PayerAccount = "0x643011", ProviderRubAccount = "0x643013", ProviderCnyAccount = "0x156013", PayeeAccount = "0x156022";
    public const string QuoteId = "0xC0", PayeeBic = "PAYECNBJ";
    /// <summary>Largest payment (RUB minor units) the provider's quote takes by default.</summary>
    public const long MaxQuoteRub = 100_000_00;
    /// <summary>The provider's rate: 0.0785 CNY per RUB.</summary>
    public const long RateNumerator = 785, RateDenominator = 10_000;

    /// <summary>The CNY amount (minor units) a RUB amount converts to at the provider's quote.</summary>
    public static long ToCny(long rubMinor) => rubMinor * RateNumerator / RateDenominator;

    /// <summary>The clients the set-up hands back: the payer bank on A, the FX provider on B.</summary>
    public sealed record Parties(CorridorClient PayerOnA, CorridorClient ProviderOnB);

    /// <summary>
    /// Registers the participants, ledgers and settlement accounts on both nodes, opens today's business day on each, funds
    /// the payer with <paramref name="payerRub"/> on A and the provider with <paramref name="providerCny"/> on B, and publishes
    /// the provider's quote on B (sizes up to <paramref name="maxQuoteRub"/>). Peers are registered apart (<see cref="PinPeersAsync"/>).
    /// </summary>
    public static async Task<Parties> SetUpAsync(CorridorClient opA, CorridorClient opB, long payerRub, long providerCny, CancellationToken c, long maxQuoteRub = MaxQuoteRub)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        (await opA.RegisterParticipantAsync(new RegisterParticipantRequest(CentralBank, "Bank of Russia", "central-bank"), c)).Unwrap();
        string payer = (await opA.RegisterParticipantAsync(new RegisterParticipantRequest(Payer, "Volga Bank", "direct", "PAYRRUMM"), c)).Unwrap().Token;
        (await opA.RegisterParticipantAsync(new RegisterParticipantRequest(Provider, "FX Bank (RUB)", "direct", "FXPRRUMM"), c)).Unwrap();
        (await opA.RegisterLedgerAsync(new RegisterLedgerRequest(Rub, CentralBank, "0x643100", "0x643101", "RUB"), c)).Unwrap();
        (await opA.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(Payer, Rub, PayerAccount), c)).Unwrap();
        (await opA.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(Provider, Rub, ProviderRubAccount), c)).Unwrap();
        (await opA.OpenDayAsync(today, c)).Unwrap();
        (await opA.MoveLiquidityAsync(new LiquidityRequest("0x71", Payer, Rub, payerRub, "inject"), c)).Unwrap();

        (await opB.RegisterParticipantAsync(new RegisterParticipantRequest(CentralBank, "People's Bank of China", "central-bank"), c)).Unwrap();
        (await opB.RegisterParticipantAsync(new RegisterParticipantRequest(Payee, "Harbin Bank", "direct", PayeeBic), c)).Unwrap();
        string fx = (await opB.RegisterParticipantAsync(new RegisterParticipantRequest(Provider, "FX Bank (CNY)", "direct", "FXPRCNBJ"), c)).Unwrap().Token;
        (await opB.RegisterLedgerAsync(new RegisterLedgerRequest(Cny, CentralBank, "0x156100", "0x156101", "CNY"), c)).Unwrap();
        (await opB.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(Payee, Cny, PayeeAccount), c)).Unwrap();
        (await opB.OpenSettlementAccountAsync(new OpenSettlementAccountRequest(Provider, Cny, ProviderCnyAccount), c)).Unwrap();
        (await opB.OpenDayAsync(today, c)).Unwrap();
        (await opB.MoveLiquidityAsync(new LiquidityRequest("0x72", Provider, Cny, providerCny, "inject"), c)).Unwrap();
        // A quote for payments from peers has no source account on B ("0").
        CorridorClient provider = opB.WithToken(fx);
        (await provider.PublishQuoteAsync(new PublishQuoteRequest(QuoteId, "RUB", "CNY", new FxRateDto(RateNumerator, RateDenominator), 1_00, maxQuoteRub,
            (ulong)(DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds() * 1_000_000), "0", ProviderCnyAccount, 60), c)).Unwrap();
        return new Parties(opA.WithToken(payer), provider);
    }

    /// <summary>Each operator pins the other's node certificate by its SHA-256.</summary>
    public static async Task PinPeersAsync(CorridorClient opA, string peerUrlOfB, string fingerprintOfB, CorridorClient opB, string peerUrlOfA, string fingerprintOfA, CancellationToken c)
    {
        (await opA.RegisterPeerAsync(new RegisterPeerRequest(PeerBOnA, "Node B (CNY)", peerUrlOfB, fingerprintOfB), c)).Unwrap();
        (await opB.RegisterPeerAsync(new RegisterPeerRequest(PeerAOnB, "Node A (RUB)", peerUrlOfA, fingerprintOfA), c)).Unwrap();
    }

    /// <summary>A trade payment from Volga Bank to Harbin Bank: invoice reference, contract, full originator and beneficiary data.</summary>
    public static CrossNodePaymentRequest Payment(string id, string uetr, long rubMinor, uint expirySeconds = 120) => new(id, PeerBOnA, Provider, QuoteId, "RUB", rubMinor, "CNY", ToCny(rubMinor),
        PayeeBic,
        new FxPartyDto("Volga Machine Tools LLC", "Lenina", "5", "420111", "Kazan", "", "RU", "40702810000000001234", "bic", "VOLGRUMM"),
        new FxPartyDto("Harbin Precision Bearings Co", "Zhongshan Road", "88", "150001", "Harbin", "", "CN", "6222020200001234567", "bic", "HRBNCNBJ"),
        new FxTradeReferenceDto("INV-CN-2026-117", new DateOnly(2026, 11, 20), "CT-2026-5", "LC-HRB-3391", "Ball bearings, 2,000 units", "848210", "CIP", "Harbin"),
        uetr, ExpirySeconds: expirySeconds);

    /// <summary>
    /// An institution transfer (pacs.009) from Volga Bank to Harbin Bank for their own account: the two banks are the parties,
    /// each named by its BIC with its settlement account; no trade reference.
    /// </summary>
    public static CrossNodePaymentRequest InstitutionTransfer(string id, string uetr, long rubMinor, uint expirySeconds = 120) => new(id, PeerBOnA, Provider, QuoteId, "RUB",
        rubMinor, "CNY", ToCny(rubMinor), PayeeBic,
        new FxPartyDto("Volga Bank", "Kremlevskaya", "9", "420111", "Kazan", "", "RU", "30101810000000000011", "bic", "PAYRRUMM"),
        new FxPartyDto("Harbin Bank", "", "", "", "Harbin", "", "CN", "PAYE-CNY-SETTLEMENT", "bic", PayeeBic),
        Trade: null, Uetr: uetr, ExpirySeconds: expirySeconds, Kind: "institution");

    /// <summary>Posted balance of an account (credits − debits), as the operator reads it.</summary>
    public static async Task<long> BalanceAsync(CorridorClient op, string account, CancellationToken c)
    {
        AccountDto a = (await op.GetAccountAsync(account, c)).Unwrap();
        return a.CreditsPosted - a.DebitsPosted;
    }
}
