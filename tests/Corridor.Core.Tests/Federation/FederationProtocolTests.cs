using CsCheck;
using Corridor.Core.Compliance;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Federation;
using Corridor.Core.Ledger;
using Corridor.Core.Settlement;
using CoreEngine = Corridor.Core.Engine.Engine;

namespace Corridor.Core.Tests.Federation;

/// <summary>
/// The protocol of ../shared/design/FEDERATION.md between two engines, each with its own journal: node A (RUB, ledger 643)
/// where the payer bank sits, node B (CNY, ledger 156) where the payee bank sits; the FX provider has a settlement account on
/// both and quotes RUB → CNY on B. Messages between the nodes are the commands their links journal (ReceiveFromPeer on B,
/// PeerDecision on A); a crash is a restart that replays the node's journal. Real processes over mutual TLS are the server's
/// tests; these check the rules every crash point and every message order must keep.
/// </summary>
public sealed class FederationProtocolTests
{
    private const uint Rub = 643, Cny = 156;
    private const ulong CbA = 1, CbB = 2, Payer = 11, Provider = 13, Payee = 22;
    private const uint PeerBOnA = 7, PeerAOnB = 3;
    private const ulong Second = 1_000_000_000;
    private static readonly UInt128 Quote = 0xC0;
    private static readonly string Fingerprint = new('a', 64);

    /// <summary>One node: an engine and its journal; <see cref="Restart"/> is a crash and recovery (replay of the journal).</summary>
    private sealed class Node
    {
        public CoreEngine Engine { get; private set; } = new();
        private readonly List<(long Seq, ulong Time, byte[] Body)> _journal = new();
        public ulong Time { get; private set; } = 1_800_000_000_000_000_000;

        public CommandReply Run(byte[] command)
        {
            var replies = new List<CommandReply>();
            Time += 1_000_000;
            Engine.Apply(Engine.Sequence + 1, Time, command, replies);
            _journal.Add((Engine.Sequence, Time, command));
            return replies[0];
        }

        public void Advance(ulong ns) => Time += ns;

        public void Restart()
        {
            var fresh = new CoreEngine();
            foreach (var (seq, time, body) in _journal) fresh.Apply(seq, time, body, null);
            Assert.Equal(Engine.StateHashHex(), fresh.StateHashHex());
            var snapshot = new MemoryStream();
            fresh.WriteSnapshot(snapshot);
            snapshot.Position = 0;
            Engine = CoreEngine.ReadSnapshot(snapshot);
        }

        public long Balance(ulong participant, uint ledger) => Engine.Settlement.GetSettlementAccount(participant, ledger)!.BalanceMinor;
        public long Sum(uint ledger) => Engine.Ledger.Accounts().Where(a => a.Ledger == ledger).Sum(a => a.CreditsPosted - a.DebitsPosted);
    }

    private static void Ok(CommandReply r) => Assert.True(r.AllOk, $"{r.Operation}: {string.Join(",", r.Errors)}");

    private static FederationResult Code(CommandReply r) => r.Errors.Length == 0 ? FederationResult.Ok : (FederationResult)r.Errors[0].Code;

    private static (Node A, Node B) World()
    {
        var a = new Node();
        var b = new Node();
        Setup(a, CbA, Rub, "RUB", [(Payer, "PAYRRUMM"), (Provider, "FXPRRUMM")], 2);
        Setup(b, CbB, Cny, "CNY", [(Payee, "PAYECNBJ"), (Provider, "FXPRCNBJ")], 5);
        Ok(a.Run(SettlementCodec.EncodeCommand(new MoveLiquidity(0x71, Payer, Rub, 1_000_000_00, LiquidityDirection.Inject))));
        Ok(b.Run(SettlementCodec.EncodeCommand(new MoveLiquidity(0x72, Provider, Cny, 500_000_00, LiquidityDirection.Inject))));
        Ok(a.Run(ExchangeCommands.Encode(Operation.RegisterPeer, new RegisterPeer(PeerBOnA, "Node B (CNY)", "https://node-b.example:7430", Fingerprint, PeerStatus.Active))));
        Ok(b.Run(ExchangeCommands.Encode(Operation.RegisterPeer, new RegisterPeer(PeerAOnB, "Node A (RUB)", "https://node-a.example:7430", Fingerprint, PeerStatus.Active))));
        // The provider quotes RUB → CNY on B (the node that debits it): 0.0785 CNY per RUB, 1.00 … 100,000.00 RUB.
        Ok(b.Run(ExchangeCommands.Encode(Operation.PublishQuote, new PublishQuote(Quote, Provider, "RUB", "CNY", new FxRate(785, 10_000), 1_00, 100_000_00,
            b.Time, b.Time + 3600 * Second, 0, AccountOf(Provider, Cny), 60))));
        return (a, b);
    }

    private static UInt128 AccountOf(ulong participant, uint ledger) => ((UInt128)ledger << 32) | participant;

    private static void Setup(Node n, ulong cb, uint ledger, string currency, (ulong Id, string Bic)[] banks, UInt128 baseAccount)
    {
        var commands = new List<byte[]>
        {
            SettlementCodec.EncodeCommand(new SetSettlementOptions(SettlementOptions.Current)),
            SettlementCodec.EncodeCommand(new RegisterParticipant(cb, ParticipantRole.CentralBank, "Central bank " + currency)),
            SettlementCodec.EncodeCommand(new RegisterLedger(ledger, cb, baseAccount * 1000 + 1, baseAccount * 1000 + 2, currency)),
        };
        foreach ((ulong id, string bic) in banks)
        {
            commands.Add(SettlementCodec.EncodeCommand(new RegisterParticipant(id, ParticipantRole.DirectParticipant, "Bank " + bic, bic)));
            commands.Add(SettlementCodec.EncodeCommand(new OpenSettlementAccount(id, ledger, AccountOf(id, ledger))));
        }
        commands.Add(SettlementCodec.EncodeCommand(new OpenBusinessDay(20261205)));
        foreach (byte[] c in commands) Ok(n.Run(c));
    }

    private static CrossNodeTerms Terms(string uetr, long rubMinor, string payeeBic = "PAYECNBJ", long? cnyMinor = null, UInt128? quote = null) =>
        new(uetr, quote ?? Quote, "RUB", rubMinor, "CNY", cnyMinor ?? rubMinor * 785 / 10_000, payeeBic, 0,
            new Party("Volga Machine Tools LLC", "Lenina", "5", "420111", "Kazan", "", "RU", "40702810000000001234", PartyIdScheme.Lei, Corridor.Core.Tests.Exchange.ExchangeFixture.MakeLei("2534001KZNMTLLC000")),
            new Party("Harbin Precision Bearings Co", "Zhongshan Road", "88", "150001", "Harbin", "", "CN", "6222020200001234567", PartyIdScheme.None, ""),
            new TradeReference("INV-CN-2026-117", 20261120, "", "LC-HRB-3391", "Ball bearings, 2,000 units", "848210", Incoterms.Cip, "Harbin"),
            new PaymentReferences("MSG-A-1", "INS-1", "E2E-1", "TX-1", uetr));

    /// <summary>An institution transfer (pacs.009): the payer bank pays the payee bank for its own account; the banks are the parties.</summary>
    private static CrossNodeTerms InstitutionTerms(string uetr, long rubMinor, string payeeBic = "PAYECNBJ") =>
        new CrossNodeTerms(uetr, Quote, "RUB", rubMinor, "CNY", rubMinor * 785 / 10_000, payeeBic, 0,
            new Party("Bank PAYRRUMM", "Kremlevskaya", "9", "420111", "Kazan", "", "RU", "30101810000000000011", PartyIdScheme.Bic, "PAYRRUMM"),
            new Party("Bank PAYECNBJ", "", "", "", "Beijing", "", "CN", "PAYE-CNY-SETTLEMENT", PartyIdScheme.Bic, payeeBic),
            TradeReference.None, new PaymentReferences("MSG-I-1", "", "E2E-I-1", "", uetr)) { Kind = CrossNodeKind.Institution };

    private static string Uetr(int n) => $"7b1d3c2a-{n:x4}-4c8e-9a6b-2d5f8e1c0b3a";

    /// <summary>The payer bank sends (op 401 for a customer payment, 405 for an institution transfer).</summary>
    private static FederationResult Send(Node a, UInt128 id, CrossNodeTerms terms, uint expirySeconds = 60)
    {
        var send = new SendToPeer(id, PeerBOnA, Payer, Provider, Rub, expirySeconds, terms);
        return Code(a.Run(terms.Kind == CrossNodeKind.Institution
            ? ExchangeCommands.Encode(Operation.SendInstitutionToPeer, new SendInstitutionToPeer(send))
            : ExchangeCommands.Encode(Operation.SendToPeer, send)));
    }

    /// <summary>The link A → B for one prepared payment: the pacs.008 (op 402) or pacs.009 (op 406) as B journals it (with A's T).</summary>
    private static FederationResult Deliver(Node a, Node b, UInt128 id)
    {
        Assert.True(a.Engine.Federation.TryGetPayment(id, out CrossNodePayment p));
        var receive = new ReceiveFromPeer(PeerAOnB, p.Terms);
        return Code(b.Run(p.Terms.Kind == CrossNodeKind.Institution
            ? ExchangeCommands.Encode(Operation.ReceiveInstitutionFromPeer, new ReceiveInstitutionFromPeer(receive))
            : ExchangeCommands.Encode(Operation.ReceiveFromPeer, receive)));
    }

    /// <summary>The link B → A: B's recorded answer (pacs.002) as A journals it; false while B holds it.</summary>
    private static bool Answer(Node a, Node b, string uetr)
    {
        PeerAnswer? answer = b.Engine.Federation.AnswerFor(PeerAOnB, uetr);
        if (answer?.AsDecision(PeerBOnA) is not { } decision) return false;
        Ok(a.Run(ExchangeCommands.Encode(Operation.PeerDecision, decision)));
        return true;
    }

    private static CrossNodePayment Outbound(Node a, UInt128 id) => a.Engine.Federation.TryGetPayment(id, out CrossNodePayment p) ? p : throw new InvalidOperationException();

    [Fact]
    public void A_payment_settles_on_both_nodes_the_payer_funds_held_until_the_destination_decides()
    {
        var (a, b) = World();
        long rubBefore = a.Sum(Rub), cnyBefore = b.Sum(Cny);
        Assert.Equal(FederationResult.Ok, Send(a, 0x501, Terms(Uetr(1), 10_000_00)));
        CrossNodePayment sent = Outbound(a, 0x501);
        Assert.Equal(CrossNodeStatus.Prepared, sent.Status);
        Assert.Equal(sent.SubmittedAtNs + 60 * Second, sent.Terms.ExpiresAtNs); // T = engine time + 60 s
        Assert.Equal(1_000_000_00 - 10_000_00, a.Balance(Payer, Rub)); // held: not available to other payments
        Assert.Equal(0, a.Balance(Provider, Rub));                       // not yet the provider's
        Assert.Equal([sent], a.Engine.Federation.AwaitingPeer());

        Assert.Equal(FederationResult.Ok, Deliver(a, b, 0x501));
        Assert.Equal(785_00, b.Balance(Payee, Cny));
        Assert.Equal(500_000_00 - 785_00, b.Balance(Provider, Cny));
        Assert.True(Answer(a, b, Uetr(1)));
        Assert.Equal(CrossNodeStatus.Settled, Outbound(a, 0x501).Status);
        Assert.Equal(10_000_00, a.Balance(Provider, Rub));
        Assert.Empty(a.Engine.Federation.AwaitingPeer());
        Assert.Equal((rubBefore, cnyBefore), (a.Sum(Rub), b.Sum(Cny)));

        // Every message again, and in the other order: nothing changes.
        Assert.Equal(FederationResult.Ok, Deliver(a, b, 0x501));
        Assert.True(Answer(a, b, Uetr(1)));
        Assert.Equal(785_00, b.Balance(Payee, Cny));
        Assert.Equal(10_000_00, a.Balance(Provider, Rub));
        a.Restart();
        b.Restart();
        Assert.Equal(CrossNodeStatus.Settled, Outbound(a, 0x501).Status);
    }

    [Fact]
    public void The_day_and_the_travel_rule_apply_on_either_node_and_a_refusal_on_the_destination_voids_the_sources_hold()
    {
        var (a, b) = World();
        Party nameless = Terms(Uetr(0x31), 1_000_00).Originator with { Name = "" };
        // The source: no originator name (FATF R16) is refused by A's compliance; nothing is held.
        Assert.Equal(FederationResult.RejectedByCompliance, Send(a, 0x931, Terms(Uetr(0x31), 50_000_00) with { Originator = nameless }));
        Assert.Equal(CrossNodeStatus.Refused, Outbound(a, 0x931).Status);
        // The destination: the same gap in a peer's message is refused by B's compliance (RJCT), and A voids its hold.
        Assert.Equal(FederationResult.Ok, Send(a, 0x932, Terms(Uetr(0x32), 50_000_00)));
        Assert.Equal(FederationResult.RejectedByCompliance, Code(b.Run(ExchangeCommands.Encode(Operation.ReceiveFromPeer,
            new ReceiveFromPeer(PeerAOnB, Outbound(a, 0x932).Terms with { Uetr = Uetr(0x33), References = Outbound(a, 0x932).Terms.References, Originator = nameless })))));
        Assert.Equal(FederationResult.Ok, Deliver(a, b, 0x932)); // A's own message, complete, settles
        Assert.True(Answer(a, b, Uetr(0x32)));
        // B past its customer cut-off: refused (CUTA); A voids. A past its own cut-off: refused before anything is held.
        Ok(b.Run(SettlementCodec.EncodeCommand(new ChangeDayPhase(DayPhase.CustomerCutoff))));
        Assert.Equal(FederationResult.Ok, Send(a, 0x934, Terms(Uetr(0x34), 2_000_00)));
        Assert.Equal(FederationResult.AfterCustomerCutoff, Deliver(a, b, 0x934));
        Assert.Equal("CUTA", b.Engine.Federation.AnswerFor(PeerAOnB, Uetr(0x34))!.ReasonCode);
        Assert.True(Answer(a, b, Uetr(0x34)));
        Assert.Equal((CrossNodeStatus.Refused, "CUTA"), (Outbound(a, 0x934).Status, Outbound(a, 0x934).PeerReasonCode));
        Ok(a.Run(SettlementCodec.EncodeCommand(new ChangeDayPhase(DayPhase.CustomerCutoff))));
        Assert.Equal(FederationResult.AfterCustomerCutoff, Send(a, 0x935, Terms(Uetr(0x35), 2_000_00)));
        Assert.Equal(1_000_000_00 - 50_000_00, a.Balance(Payer, Rub)); // only the complete payment before the cut-offs moved
        Assert.Equal(0, a.Engine.Ledger.Accounts().Where(x => x.Ledger == Rub).Sum(x => x.DebitsPending));
        Assert.Equal(500_000_00 - 50_000_00L * 785 / 10_000, b.Balance(Provider, Cny));
        a.Restart();
        b.Restart();
    }

    [Fact]
    public void An_institution_transfer_settles_on_both_nodes_until_the_interbank_cut_off_with_the_banks_as_its_parties()
    {
        var (a, b) = World();
        long rubBefore = a.Sum(Rub), cnyBefore = b.Sum(Cny);
        // Past the customer cut-off on both nodes an institution transfer still goes (interbank cut-off); a customer payment does not.
        Ok(a.Run(SettlementCodec.EncodeCommand(new ChangeDayPhase(DayPhase.CustomerCutoff))));
        Ok(b.Run(SettlementCodec.EncodeCommand(new ChangeDayPhase(DayPhase.CustomerCutoff))));
        Assert.Equal(FederationResult.AfterCustomerCutoff, Send(a, 0x960, Terms(Uetr(0x60), 1_000_00)));
        Assert.Equal(FederationResult.Ok, Send(a, 0x961, InstitutionTerms(Uetr(0x61), 20_000_00)));
        Assert.Equal(CrossNodeKind.Institution, Outbound(a, 0x961).Terms.Kind);
        Assert.Equal(FederationResult.Ok, Deliver(a, b, 0x961));
        Assert.True(b.Engine.Federation.TryGetInbound(Uetr(0x61), out CrossNodePayment received));
        Assert.Equal((CrossNodeKind.Institution, CrossNodeStatus.Settled), (received.Terms.Kind, received.Status));
        Assert.True(Answer(a, b, Uetr(0x61)));
        Assert.Equal(CrossNodeStatus.Settled, Outbound(a, 0x961).Status);
        Assert.Equal(1_000_000_00 - 20_000_00, a.Balance(Payer, Rub));
        Assert.Equal(20_000_00L * 785 / 10_000, b.Balance(Payee, Cny));
        // The same id and content again answers the same; as a customer payment it is other content (the kind is part of it).
        Assert.Equal(FederationResult.Ok, Send(a, 0x961, InstitutionTerms(Uetr(0x61), 20_000_00)));
        Assert.Equal(FederationResult.PaymentExistsWithDifferentContent, Send(a, 0x961, InstitutionTerms(Uetr(0x61), 20_000_00) with { Kind = CrossNodeKind.Customer }));
        Assert.Equal(FederationResult.Ok, Deliver(a, b, 0x961)); // a duplicate pacs.009 changes nothing
        Assert.Equal(FederationResult.PaymentExistsWithDifferentContent, Code(b.Run(ExchangeCommands.Encode(Operation.ReceiveFromPeer,
            new ReceiveFromPeer(PeerAOnB, Outbound(a, 0x961).Terms with { Kind = CrossNodeKind.Customer })))));
        // Past the interbank cut-off it is refused too.
        Ok(a.Run(SettlementCodec.EncodeCommand(new ChangeDayPhase(DayPhase.InterbankCutoff))));
        Assert.Equal(FederationResult.AfterInterbankCutoff, Send(a, 0x962, InstitutionTerms(Uetr(0x62), 1_000_00)));
        Assert.Equal((rubBefore, cnyBefore), (a.Sum(Rub), b.Sum(Cny)));
        a.Restart();
        b.Restart();
        Assert.Equal(CrossNodeKind.Institution, Outbound(a, 0x961).Terms.Kind); // the kind survives replay and the snapshot
        Assert.True(b.Engine.Federation.TryGetInbound(Uetr(0x61), out received));
        Assert.Equal(CrossNodeKind.Institution, received.Terms.Kind);
    }

    [Fact]
    public void An_institution_transfer_names_the_payer_bank_and_the_payee_bank_as_its_parties_and_carries_no_trade_reference()
    {
        var (a, b) = World();
        CrossNodeTerms t = InstitutionTerms(Uetr(0x70), 1_000_00);
        // No bank sends in another's name: the originator is the payer's own BIC (the provider's here), refused before anything is recorded.
        Assert.Equal(FederationResult.OriginatorNotPayerInstitution, Send(a, 0x970, t with { Originator = t.Originator with { Identifier = "FXPRRUMM" } }));
        Assert.Equal(FederationResult.OriginatorNotPayerInstitution, Send(a, 0x970, t with { Originator = t.Originator with { IdScheme = PartyIdScheme.Lei } }));
        Assert.Equal(FederationResult.BeneficiaryNotPayeeInstitution, Send(a, 0x970, t with { Beneficiary = t.Beneficiary with { Identifier = "OTHRCNBJ" } }));
        Assert.Equal(FederationResult.TradeReferenceNotAllowed, Send(a, 0x970, t with { Trade = Terms(Uetr(0x70), 1_000_00).Trade }));
        Assert.False(a.Engine.Federation.TryGetPayment(0x970, out _));
        // The destination applies the same content rules to a peer's message: nothing recorded.
        Assert.Equal(FederationResult.BeneficiaryNotPayeeInstitution, Code(b.Run(ExchangeCommands.Encode(Operation.ReceiveInstitutionFromPeer,
            new ReceiveInstitutionFromPeer(new ReceiveFromPeer(PeerAOnB, t with { ExpiresAtNs = b.Time + 60 * Second, Beneficiary = t.Beneficiary with { IdScheme = PartyIdScheme.None } }))))));
        Assert.False(b.Engine.Federation.TryGetInbound(Uetr(0x70), out _));
        // With the banks named right it goes through and settles on B.
        Assert.Equal(FederationResult.Ok, Send(a, 0x971, t));
        Assert.Equal(FederationResult.Ok, Deliver(a, b, 0x971));
        Assert.Equal(CrossNodeStatus.Settled, b.Engine.Federation.AnswerFor(PeerAOnB, Uetr(0x70))!.Status);
    }

    [Fact]
    public void The_destination_refuses_for_its_own_reasons_and_the_source_voids_the_hold()
    {
        var (a, b) = World();
        // Unknown payee bank, a rate other than the quote's, beyond the quote's size, a quote that does not exist.
        (int N, CrossNodeTerms Terms, FederationResult Why, string Iso)[] cases =
        [
            (2, Terms(Uetr(2), 1_000_00, payeeBic: "NONECNBJ"), FederationResult.PayeeNotFound, "AGNT"),
            (3, Terms(Uetr(3), 1_000_00, cnyMinor: 90_00), FederationResult.AmountNotAtQuotedRate, "AM09"),
            (4, Terms(Uetr(4), 200_000_00), FederationResult.OutsideQuoteSize, "AM09"),
            (5, Terms(Uetr(5), 1_000_00, quote: 0xBAD), FederationResult.QuoteNotFound, "CURR"),
        ];
        foreach (var (n, terms, why, iso) in cases)
        {
            UInt128 id = (UInt128)(0x600 + n);
            Assert.Equal(FederationResult.Ok, Send(a, id, terms));
            Assert.Equal(why, Deliver(a, b, id));
            Assert.Equal(iso, b.Engine.Federation.AnswerFor(PeerAOnB, terms.Uetr)!.ReasonCode);
            Assert.True(Answer(a, b, terms.Uetr));
            CrossNodePayment p = Outbound(a, id);
            Assert.Equal((CrossNodeStatus.Refused, iso), (p.Status, p.PeerReasonCode));
        }
        Assert.Equal(1_000_000_00, a.Balance(Payer, Rub)); // every hold voided
        Assert.Equal(500_000_00, b.Balance(Provider, Cny)); // nothing debited on B
        // A settled answer after the refusal is a contradiction: refused and logged, nothing moves.
        Assert.Equal(FederationResult.DecisionConflicts, Code(a.Run(ExchangeCommands.Encode(Operation.PeerDecision, new PeerDecision(PeerBOnA, Uetr(2), true, "", "")))));
        Assert.Equal(1_000_000_00, a.Balance(Payer, Rub));
    }

    [Fact]
    public void Past_its_expiry_the_destination_refuses_and_a_question_about_an_unknown_payment_closes_it_for_good()
    {
        var (a, b) = World();
        Assert.Equal(FederationResult.Ok, Send(a, 0x701, Terms(Uetr(7), 1_000_00), expirySeconds: 30));
        Assert.Equal(FederationResult.Ok, Send(a, 0x702, Terms(Uetr(8), 1_000_00), expirySeconds: 30));
        b.Advance(31 * Second); // a partition longer than T: B's clock judges it
        Assert.Equal(FederationResult.Expired, Deliver(a, b, 0x701));
        Assert.Equal("AB05", b.Engine.Federation.AnswerFor(PeerAOnB, Uetr(7))!.ReasonCode);

        // The other one never arrived; A asks (pacs.028) with its T: B records it refused, then a late pacs.008 is refused.
        CrossNodePayment late = Outbound(a, 0x702);
        Assert.Null(b.Engine.Federation.AnswerFor(PeerAOnB, Uetr(8)));
        Ok(b.Run(ExchangeCommands.Encode(Operation.ExpireUnknown, new ExpireUnknown(PeerAOnB, Uetr(8), late.Terms.ExpiresAtNs))));
        Assert.Equal(FederationResult.Expired, Deliver(a, b, 0x702));
        foreach (string u in new[] { Uetr(7), Uetr(8) }) Assert.True(Answer(a, b, u));
        Assert.Equal(1_000_000_00, a.Balance(Payer, Rub));
        Assert.Equal(0, b.Balance(Payee, Cny));

        // Before T a question about an unknown payment records nothing ("not received": the source sends it again).
        Assert.Equal(FederationResult.Ok, Send(a, 0x703, Terms(Uetr(9), 1_000_00), expirySeconds: 600));
        Assert.Equal(FederationResult.NotYetExpired,
            Code(b.Run(ExchangeCommands.Encode(Operation.ExpireUnknown, new ExpireUnknown(PeerAOnB, Uetr(9), Outbound(a, 0x703).Terms.ExpiresAtNs)))));
        Assert.Equal(FederationResult.Ok, Deliver(a, b, 0x703));
    }

    [Fact]
    public void A_peer_message_can_debit_only_the_quoting_providers_account_and_only_from_a_registered_active_peer()
    {
        var (a, b) = World();
        // The message names no account: B debits the provider of the quote it names, at that quote's rate and size — and
        // only for a registered, active peer.
        ulong t = b.Time + 60 * Second;
        Assert.Equal(FederationResult.PeerNotFound, Code(b.Run(ExchangeCommands.Encode(Operation.ReceiveFromPeer, new ReceiveFromPeer(99, Terms(Uetr(20), 1_000_00) with { ExpiresAtNs = t })))));
        Ok(b.Run(ExchangeCommands.Encode(Operation.RegisterPeer, new RegisterPeer(PeerAOnB, "Node A (RUB)", "https://node-a.example:7430", Fingerprint, PeerStatus.Suspended))));
        Assert.Equal(FederationResult.PeerNotActive, Code(b.Run(ExchangeCommands.Encode(Operation.ReceiveFromPeer, new ReceiveFromPeer(PeerAOnB, Terms(Uetr(21), 1_000_00) with { ExpiresAtNs = t })))));
        Assert.Equal(500_000_00, b.Balance(Provider, Cny));
        Assert.Equal(0, b.Balance(Payee, Cny));
        // Content a node never accepts: an upper-case or version-less UETR, one currency for both sides.
        Assert.Equal(FederationResult.UetrInvalid, Send(a, 0x801, Terms("7B1D3C2A-0001-4C8E-9A6B-2D5F8E1C0B3A", 1_000_00)));
        Assert.Equal(FederationResult.UetrInvalid, Send(a, 0x802, Terms("7b1d3c2a-0001-1c8e-9a6b-2d5f8e1c0b3a", 1_000_00)));
        Assert.Equal(FederationResult.CurrencyInvalid, Send(a, 0x803, Terms(Uetr(22), 1_000_00) with { DestinationCurrency = "RUB" }));
        Assert.Equal(FederationResult.InsufficientFunds, Send(a, 0x804, Terms(Uetr(23), 2_000_000_00)));
        Assert.Equal(1_000_000_00, a.Balance(Payer, Rub));
    }

    [Fact]
    public void The_destination_compliance_officer_holds_then_releases_and_only_then_the_source_settles()
    {
        var (a, b) = World();
        byte[] list = ExchangeCommands.Encode(Operation.LoadWatchList, new LoadWatchList(1, "sanctions", WatchListFormat.Csv, "2026-12",
            "id,kind,name,aliases,countries,dates_of_birth,program\nX-1,entity,Harbin Precision Bearings Co,,CN,,TEST\n"));
        Ok(b.Run(list));
        Assert.Equal(FederationResult.Ok, Send(a, 0x901, Terms(Uetr(30), 1_000_00)));
        Assert.Equal(FederationResult.HeldForCompliance, Deliver(a, b, 0x901));
        Assert.False(Answer(a, b, Uetr(30))); // pending: A keeps its hold and asks again
        Assert.Equal(CrossNodeStatus.Prepared, Outbound(a, 0x901).Status);
        Ok(b.Run(ExchangeCommands.Encode(Operation.ReleaseHold, new HoldDecision(FederationState.IdOf(Uetr(30)), 1, "false positive: different company, checked registry"))));
        Assert.Equal(78_50, b.Balance(Payee, Cny));
        Assert.True(Answer(a, b, Uetr(30)));
        Assert.Equal(CrossNodeStatus.Settled, Outbound(a, 0x901).Status);
    }

    /// <summary>One step of a schedule: send a payment, deliver or lose or duplicate a message, crash a node, let time pass.</summary>
    private sealed record Step(int Kind, int Payment, int Amount);

    [Fact]
    public void Any_schedule_of_sends_losses_duplicates_crashes_and_delays_settles_each_payment_on_both_nodes_or_on_neither()
    {
        Gen.Select(Gen.Int[0, 6], Gen.Int[0, 7], Gen.Int[1, 300_000])
            .Select((k, p, amount) => new Step(k, p, amount))
            .Array[1, 40]
            .Sample(steps =>
            {
                var (a, b) = World();
                long rub = a.Sum(Rub), cny = b.Sum(Cny);
                var sent = new List<UInt128>();
                foreach (Step s in steps)
                {
                    UInt128 id = (UInt128)(0xA00 + s.Payment);
                    string uetr = Uetr(0x100 + s.Payment);
                    bool institution = s.Payment % 2 == 1; // odd payments are institution transfers (pacs.009), even ones customer payments
                    switch (s.Kind)
                    {
                        case 0: // the payer bank sends (again: the same id and content answer the same)
                            Send(a, id, institution ? InstitutionTerms(uetr, s.Amount * 10L) : Terms(uetr, s.Amount * 10L), expirySeconds: 20);
                            if (a.Engine.Federation.TryGetPayment(id, out _) && !sent.Contains(id)) sent.Add(id);
                            break;
                        case 1: // A's link delivers a prepared payment (a duplicate if B has it)
                            if (a.Engine.Federation.TryGetPayment(id, out CrossNodePayment p) && p.Status == CrossNodeStatus.Prepared) Deliver(a, b, id);
                            break;
                        case 2: // B's answer reaches A (lost answers are simply never delivered)
                            Answer(a, b, uetr);
                            break;
                        case 3: a.Restart(); break;
                        case 4: b.Restart(); break;
                        case 5: b.Advance((ulong)s.Amount * 100_000); break; // up to 30 s: some payments expire on B
                        case 6: // A asks after a payment B may never have received
                            if (a.Engine.Federation.TryGetPayment(id, out CrossNodePayment q) && q.Status == CrossNodeStatus.Prepared)
                                b.Run(ExchangeCommands.Encode(Operation.ExpireUnknown, new ExpireUnknown(PeerAOnB, uetr, q.Terms.ExpiresAtNs)));
                            break;
                    }
                }
                // The partition heals: the link delivers, asks and answers until nothing waits.
                b.Advance(25 * Second);
                foreach (CrossNodePayment p in a.Engine.Federation.AwaitingPeer().ToList())
                {
                    b.Run(ExchangeCommands.Encode(Operation.ExpireUnknown, new ExpireUnknown(PeerAOnB, p.Terms.Uetr, p.Terms.ExpiresAtNs)));
                    Assert.True(Answer(a, b, p.Terms.Uetr));
                }
                Assert.Empty(a.Engine.Federation.AwaitingPeer());
                foreach (UInt128 id in sent)
                {
                    CrossNodePayment source = Outbound(a, id);
                    if (source.Status == CrossNodeStatus.Refused && source.PeerReasonCode.Length == 0) continue; // refused on A: never sent
                    bool settledOnB = b.Engine.Federation.TryGetInbound(source.Terms.Uetr, out CrossNodePayment dest) && dest.Status == CrossNodeStatus.Settled;
                    Assert.Equal(settledOnB, source.Status == CrossNodeStatus.Settled);
                }
                // Money is conserved per currency; the provider's RUB received equal the RUB of payments settled on both nodes.
                Assert.Equal((rub, cny), (a.Sum(Rub), b.Sum(Cny)));
                long settledRub = a.Engine.Federation.Payments.Where(p => p.Status == CrossNodeStatus.Settled).Sum(p => p.AmountMinor);
                long settledCny = b.Engine.Federation.Payments.Where(p => p.Status == CrossNodeStatus.Settled).Sum(p => p.AmountMinor);
                Assert.Equal(settledRub, a.Balance(Provider, Rub));
                Assert.Equal(settledCny, b.Balance(Payee, Cny));
                Assert.Equal(0, a.Engine.Ledger.Accounts().Sum(x => x.DebitsPending));
            }, iter: 200);
    }
}
