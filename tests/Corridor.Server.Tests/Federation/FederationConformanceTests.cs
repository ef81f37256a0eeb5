using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Corridor.Cli.Federation;
using Corridor.Client;

namespace Corridor.Server.Tests.Federation;

/// <summary>
/// The cross-node rows of the conformance matrix (<see cref="ConformanceMatrixTests"/> holds the one-node rows): each rule of
/// money on the path of a payment from a bank on node A (RUB) to a bank on node B (CNY), checked on the source node and on
/// the destination node, between two real <c>corridor run</c> processes. Both nodes decide through the same rules in
/// Corridor.Core as every one-node path (business day and cut-off, travel rule, screening), and report and show the payment
/// as the one-node paths do. Cells that do not hold yet are named in <see cref="NotYet"/> (and in docs/federation.md).
/// </summary>
public sealed class FederationConformanceTests(ITestOutputHelper output)
{
    private static CancellationToken C => TestContext.Current.CancellationToken;
    private const ulong Other = 30; // a bank on each node that is party to none of the payments
    private const string ListedOnA = "Boris Blocklisted", ListedOnB = "Ivana Listed";

    /// <summary>Rules of the one-node matrix that the cross-node path does not follow yet, and why.</summary>
    public static readonly IReadOnlyDictionary<string, string> NotYet = new Dictionary<string, string>
    {
        ["QueueWithoutLiquidity"] = "the source refuses a payment its payer cannot cover (InsufficientFunds) instead of queueing it",
        ["Priority"] = "no cross-node payment waits in the payer's queue, so none is ordered behind a queued urgent payment",
    };

    [Fact]
    public async Task Each_rule_holds_on_the_cross_node_path_on_the_source_and_on_the_destination()
    {
        await using var a = new NodeProcess("rub") { ReadModel = "sqlite" };
        await using var b = new NodeProcess("cny") { ReadModel = "sqlite" };
        TwoNodeWorld.Parties parties = await FederationCli.WorldAsync(a, b);
        CorridorClient payerOnA = parties.PayerOnA;
        CorridorClient payeeOnB = b.Operator.WithToken((await b.Operator.IssueTokenAsync(TwoNodeWorld.Payee, C)).Unwrap().Token);
        CorridorClient otherOnA = a.Operator.WithToken((await a.Operator.RegisterParticipantAsync(new RegisterParticipantRequest(Other, "Other Bank", "direct", "OTHRRUMM"), C)).Unwrap().Token);
        CorridorClient otherOnB = b.Operator.WithToken((await b.Operator.RegisterParticipantAsync(new RegisterParticipantRequest(Other, "Other Bank", "direct", "OTHRCNBJ"), C)).Unwrap().Token);
        var payments = new List<(string Id, string Uetr, long Rub)>();
        int n = 0;
        CrossNodePaymentRequest Next(long rub = 10_000_00)
        {
            n++;
            string id = $"0xC{n:X3}";
            CrossNodePaymentRequest r = TwoNodeWorld.Payment(id, $"c0f0a11d-{n:x4}-4abc-8def-0123456789ab", rub) with
            {
                Payer = TwoNodeWorld.Payer, References = new PaymentReferencesDto(EndToEndId: $"E2E-CONF-{n}"),
            };
            return r with { Trade = r.Trade! with { InvoiceNumber = $"INV-CONF-{n}" } };
        }
        async Task<ApiResult<CrossNodePaymentDto>> Send(CrossNodePaymentRequest r)
        {
            ApiResult<CrossNodePaymentDto> sent = await payerOnA.SendToPeerAsync(r, C);
            payments.Add((r.Id, r.Uetr, r.SourceAmount));
            return sent;
        }
        void Cell(string rule, string side, string what) => output.WriteLine($"{rule,-24} {side,-12} {what}");

        // ── TravelRule, source: an originator without an account is refused before anything is held or the peer asked.
        {
            CrossNodePaymentRequest r = Next();
            r = r with { Originator = r.Originator with { Account = "" } };
            ApiResult<CrossNodePaymentDto> sent = await Send(r);
            Assert.False(sent.Ok && sent.Value!.Status is "prepared" or "settled", $"travel rule: {(int)sent.Status} {sent.Value?.Status}");
            string code = sent.Problem?.Code ?? sent.Value?.Reason ?? "";
            Assert.True(code.Contains("originator", StringComparison.Ordinal) || code.Contains("travel_rule", StringComparison.Ordinal) || code.StartsWith("RR", StringComparison.Ordinal),
                $"travel rule: {(int)sent.Status} {code} {sent.Problem?.Detail}");
            Assert.Equal(0, (await a.Account(TwoNodeWorld.PayerAccount)).DebitsPending);
            Assert.Null(await FederationCli.StatusOnB(b, r.Uetr));
            Cell("TravelRule", "source", $"refused ({(int)sent.Status} {code}), nothing held, peer not asked");
        }
        // (The destination's own travel-rule check of a peer's pacs.008 is FederationMessageTests' schema-valid but incomplete message.)

        // ── ScreeningHold, source: A's list holds it; nothing held in the ledger, the peer not asked; A's officer refuses it.
        await LoadList(a, ListedOnA);
        {
            CrossNodePaymentRequest r = Next();
            r = r with { Beneficiary = r.Beneficiary with { Name = ListedOnA } };
            CrossNodePaymentDto held = (await Send(r)).Unwrap();
            Assert.Equal("held", held.Status);
            Assert.Equal(0, (await a.Account(TwoNodeWorld.PayerAccount)).DebitsPending);
            await Task.Delay(300, C);
            Assert.Null(await FederationCli.StatusOnB(b, r.Uetr));
            (await a.Operator.RejectHoldAsync(r.Id, "confirmed match", C)).Unwrap();
            Assert.Equal("refused", await FederationCli.FinalOnA(a.Operator, r.Id));
            Cell("ScreeningHold", "source", "held on A before any hold or message; refused by A's officer");
        }

        // ── ScreeningHold, destination: B's list holds it after A holds the payer's funds; B's officer refuses; A's hold is voided.
        await LoadList(b, ListedOnB);
        {
            CrossNodePaymentRequest r = Next();
            r = r with { Originator = r.Originator with { Name = ListedOnB } };
            Assert.True((await Send(r)).Ok);
            await Until(async () => await FederationCli.StatusOnB(b, r.Uetr) == "held", "held on B");
            Assert.Equal("prepared", (await a.Operator.GetCrossNodePaymentAsync(r.Id, C)).Unwrap().Status);
            Assert.Equal(0, await b.Balance(TwoNodeWorld.PayeeAccount));
            PaymentDto onB = (await b.Operator.GetPaymentAsync(r.Uetr, C)).Unwrap();
            (await b.Operator.RejectHoldAsync(onB.Id, "confirmed match", C)).Unwrap();
            Assert.Equal("refused", await FederationCli.FinalOnA(a.Operator, r.Id));
            Assert.Equal(0, (await a.Account(TwoNodeWorld.PayerAccount)).DebitsPending);
            Cell("ScreeningHold", "destination", "held on B with A's funds on hold; refused by B's officer, A's hold voided");
        }

        // ── One settled payment for the rules of reporting, ids, references and visibility.
        CrossNodePaymentRequest settled = Next(12_345_00);
        Assert.True((await Send(settled)).Ok);
        Assert.Equal("settled", await FederationCli.FinalOnA(a.Operator, settled.Id));
        string e2e = settled.References!.EndToEndId;
        var sides = new[] { ("source", payerOnA, otherOnA, settled.Id), ("destination", payeeOnB, otherOnB, settled.Uetr) };

        // VisibleToPayerAndPayee: the payer bank on A and the payee bank on B read it; a third bank on either node does not.
        foreach (var (side, party, other, key) in sides)
        {
            ApiResult<PaymentDto> seen = await party.GetPaymentAsync(key, C);
            Assert.True(seen.Ok && seen.Value!.Status == "settled", $"{side}: the party reads {key}: {(int)seen.Status} {seen.Problem?.Code}");
            ApiResult<PaymentDto> third = await other.GetPaymentAsync(key, C);
            Assert.True(third.Status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{side}: a third bank reads {key}: {(int)third.Status}");
            Cell("VisibleToPayerAndPayee", side, "the party reads it, a third bank gets " + (int)third.Status);
        }

        // IdsKept and TradeReferencesKept: each side's party finds it by UETR, EndToEndId and invoice, once, with those ids.
        foreach (var (side, party, _, _) in sides)
        {
            PaymentRecordDto byUetr = await FindOne(party, "uetr", settled.Uetr, side);
            Assert.Equal(settled.Uetr, byUetr.Uetr);
            Assert.True(byUetr.EndToEndId == e2e, $"{side}: EndToEndId {byUetr.EndToEndId ?? "null"}, sent {e2e}");
            Assert.Equal(byUetr.Id, (await FindOne(party, "endToEndId", e2e, side)).Id);
            Cell("IdsKept", side, $"found by UETR and EndToEndId as {byUetr.Id}");
            PaymentRecordDto byInvoice = await FindOne(party, "invoiceNumber", settled.Trade!.InvoiceNumber, side);
            Assert.Equal(settled.Trade.InvoiceNumber, byInvoice.InvoiceNumber);
            Cell("TradeReferencesKept", side, $"found by invoice {byInvoice.InvoiceNumber}");
        }

        // ReportedOnce: the payer's camt.054 on A shows the debit once, the payee's on B the credit once, each with the EndToEndId.
        async Task ReportedOnce(CrossNodePaymentRequest paid, string path)
        {
            foreach (var (side, party, account, indicator, minor) in new[]
            {
                ("source", payerOnA, TwoNodeWorld.PayerAccount, "DBIT", paid.SourceAmount),
                ("destination", payeeOnB, TwoNodeWorld.PayeeAccount, "CRDT", paid.DestinationAmount),
            })
            {
                string amount = (minor / 100m).ToString("0.00", CultureInfo.InvariantCulture), endToEnd = paid.References!.EndToEndId;
                string[] entries = [];
                await Until(async () =>
                {
                    IsoDocument camt054 = await party.FetchCamt054Async(account, c: C);
                    Assert.Equal(HttpStatusCode.OK, camt054.Status);
                    entries = Regex.Matches(camt054.Body, "<Ntry>.*?</Ntry>", RegexOptions.Singleline).Select(m => m.Value)
                        .Where(e => e.Contains($"<CdtDbtInd>{indicator}</CdtDbtInd>", StringComparison.Ordinal) && e.Contains(">" + amount + "</Amt>", StringComparison.Ordinal)).ToArray();
                    return entries.Length > 0;
                }, $"{side}: camt.054 entry of {amount}");
                Assert.True(entries.Length == 1, $"{path} {side}: {entries.Length} {indicator} entries of {amount}");
                Assert.Contains(endToEnd, entries[0]);
                Cell("ReportedOnce", path == "single" ? side : $"{path} {side}", $"one {indicator} entry of {amount} in camt.054 with {endToEnd}");
            }
        }
        await ReportedOnce(settled, "single");

        // ── The batch entry path (POST /v1/federation/payments/batch) reaches the same rules: an incomplete payment is refused
        // before the journal with the travel rule's code, an id twice in a batch is refused, a listed party is held on A or on B,
        // the others settle on both nodes, are seen by their parties only, keep their ids and are reported once; one refusal
        // refuses no other.
        {
            CrossNodePaymentRequest good = Next(3_000_00), incomplete = Next(), twice = Next(1_000_00), heldOnA = Next(), heldOnB = Next();
            incomplete = incomplete with { Originator = incomplete.Originator with { Account = "" } };
            heldOnA = heldOnA with { Beneficiary = heldOnA.Beneficiary with { Name = ListedOnA } };
            heldOnB = heldOnB with { Originator = heldOnB.Originator with { Name = ListedOnB } };
            CrossNodeBatchResult batch = (await payerOnA.SendToPeerBatchAsync([good, incomplete, twice, twice, heldOnA, heldOnB], C)).Unwrap();
            foreach (CrossNodePaymentRequest r in new[] { good, incomplete, twice, heldOnA, heldOnB }) payments.Add((r.Id, r.Uetr, r.SourceAmount));
            Assert.Equal((3, 1, 2), (batch.Accepted, batch.Held, batch.Refused));
            Assert.Equal(["prepared", "refused", "prepared", "refused", "held", "prepared"], batch.Results.Select(x => x.Status == "settled" ? "prepared" : x.Status));
            Assert.Equal((string?)"compliance.travel_rule_incomplete", batch.Results[1].Code);
            Assert.Equal((string?)"request.duplicate_id", batch.Results[3].Code);
            // A null item is refused as an item (it was a 500: FuzzTests found it on the transfers batch).
            CrossNodeBatchResult nulls = (await payerOnA.SendToPeerBatchAsync([null!], C)).Unwrap();
            Assert.Equal((0, 0, 1), (nulls.Accepted, nulls.Held, nulls.Refused));
            Assert.Equal((string?)"request.invalid_value", nulls.Results[0].Code);
            Assert.Equal(HttpStatusCode.NotFound, (await payerOnA.GetCrossNodePaymentAsync(incomplete.Id, C)).Status);
            Assert.Equal("settled", await FederationCli.FinalOnA(a.Operator, good.Id));
            Assert.Equal("settled", await FederationCli.FinalOnA(a.Operator, twice.Id));
            Assert.Null(await FederationCli.StatusOnB(b, incomplete.Uetr));
            foreach (var (side, party, _, _) in sides)
                Assert.Equal(good.Uetr, (await FindOne(party, "endToEndId", good.References!.EndToEndId, side)).Uetr);
            Cell("TravelRule", "batch", "refused in the batch before the journal (compliance.travel_rule_incomplete), the others settle");
            Cell("IdsKept", "batch", "a batch's payment found on both nodes by its EndToEndId and UETR");

            // ScreeningHold: A's list holds one on A (nothing held in the ledger for it, the peer not asked), B's list the other on B.
            Assert.Null(await FederationCli.StatusOnB(b, heldOnA.Uetr));
            (await a.Operator.RejectHoldAsync(heldOnA.Id, "confirmed match", C)).Unwrap();
            Assert.Equal("refused", await FederationCli.FinalOnA(a.Operator, heldOnA.Id));
            Cell("ScreeningHold", "batch source", "a batch's payment held on A, refused by A's officer, the peer never asked");
            await Until(async () => await FederationCli.StatusOnB(b, heldOnB.Uetr) == "held", "a batch's payment held on B");
            (await b.Operator.RejectHoldAsync((await b.Operator.GetPaymentAsync(heldOnB.Uetr, C)).Unwrap().Id, "confirmed match", C)).Unwrap();
            Assert.Equal("refused", await FederationCli.FinalOnA(a.Operator, heldOnB.Id));
            Cell("ScreeningHold", "batch destination", "a batch's payment held on B, refused by B's officer, A's hold voided");

            // VisibleToPayerAndPayee and ReportedOnce for a batch's payment, as for the single one above.
            foreach (var (side, party, other, key) in new[] { ("source", payerOnA, otherOnA, good.Id), ("destination", payeeOnB, otherOnB, good.Uetr) })
            {
                Assert.True((await party.GetPaymentAsync(key, C)) is { Ok: true, Value.Status: "settled" }, $"batch {side}: the party reads {key}");
                HttpStatusCode third = (await other.GetPaymentAsync(key, C)).Status;
                Assert.True(third is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"batch {side}: a third bank reads {key}: {(int)third}");
                Cell("VisibleToPayerAndPayee", "batch " + side, "the party reads it, a third bank gets " + (int)third);
            }
            await ReportedOnce(good, "batch");
        }

        // ── DayAndCutoff, destination: B past its customer cut-off refuses with CUTA; A voids its hold.
        (await b.Operator.ChangePhaseAsync("customer_cutoff", C)).Unwrap();
        {
            CrossNodePaymentRequest r = Next();
            Assert.True((await Send(r)).Ok);
            Assert.Equal("refused", await FederationCli.FinalOnA(a.Operator, r.Id));
            Assert.Equal("CUTA", (await a.Operator.GetCrossNodePaymentAsync(r.Id, C)).Unwrap().PeerReasonCode);
            Cell("DayAndCutoff", "destination", "refused by B with CUTA, A's hold voided");
        }
        // ── DayAndCutoff, source: A past its customer cut-off refuses before holding anything or asking the peer.
        (await a.Operator.ChangePhaseAsync("customer_cutoff", C)).Unwrap();
        {
            CrossNodePaymentRequest r = Next();
            ApiResult<CrossNodePaymentDto> sent = await Send(r);
            string code = sent.Problem?.Code ?? sent.Value?.Reason ?? "";
            Assert.True(!sent.Ok || sent.Value!.Status == "refused", $"cut-off on A: {(int)sent.Status} {sent.Value?.Status}");
            Assert.True(code.Contains("cutoff", StringComparison.Ordinal) || code == "CUTA", $"cut-off on A: {(int)sent.Status} {code}");
            Assert.Null(await FederationCli.StatusOnB(b, r.Uetr));
            Cell("DayAndCutoff", "source", $"refused ({(int)sent.Status} {code}), nothing held, peer not asked");
            CrossNodePaymentRequest late = Next();
            CrossNodeBatchResult batch = (await payerOnA.SendToPeerBatchAsync([late], C)).Unwrap();
            payments.Add((late.Id, late.Uetr, late.SourceAmount));
            Assert.Equal(("refused", (string?)"federation.after_customer_cutoff"), (batch.Results[0].Status, batch.Results[0].Code));
            Cell("DayAndCutoff", "batch", "a batch's payment past A's cut-off refused with the same code");
        }

        // ── Institution transfers (pacs.009): the interbank cut-off applies, not the customer one, on both nodes; the banks are its
        // parties, kept and shown on the destination as sent; they are screened like any party.
        {
            n++;
            CrossNodePaymentRequest r = TwoNodeWorld.InstitutionTransfer($"0xC{n:X3}", $"c0f0a11d-{n:x4}-4abc-8def-0123456789ab", 7_000_00) with { Payer = TwoNodeWorld.Payer };
            Assert.Equal("institution", (await Send(r)).Unwrap().Kind);
            Assert.Equal("settled", await FederationCli.FinalOnA(a.Operator, r.Id));
            PaymentDto onB = (await payeeOnB.GetPaymentAsync(r.Uetr, C)).Unwrap();
            Assert.Equal(("settled", "Volga Bank", "PAYRRUMM", "30101810000000000011"),
                (onB.Status, onB.Originator!.Name, onB.Originator.Identifier, onB.Originator.Account));
            Assert.Equal(("Harbin Bank", TwoNodeWorld.PayeeBic), (onB.Beneficiary!.Name, onB.Beneficiary.Identifier));
            Cell("DayAndCutoff", "institution", "past both customer cut-offs an institution transfer settles on A and B (interbank cut-off)");
            Cell("PartiesKept", "institution", "the two banks as parties on B, as A sent them");

            n++;
            CrossNodePaymentRequest listed = TwoNodeWorld.InstitutionTransfer($"0xC{n:X3}", $"c0f0a11d-{n:x4}-4abc-8def-0123456789ab", 1_000_00) with { Payer = TwoNodeWorld.Payer };
            listed = listed with { Beneficiary = listed.Beneficiary with { Name = ListedOnB } };
            Assert.True((await Send(listed)).Ok);
            await Until(async () => await FederationCli.StatusOnB(b, listed.Uetr) == "held", "institution transfer held on B");
            PaymentDto heldOnB = (await b.Operator.GetPaymentAsync(listed.Uetr, C)).Unwrap();
            (await b.Operator.RejectHoldAsync(heldOnB.Id, "confirmed match", C)).Unwrap();
            Assert.Equal("refused", await FederationCli.FinalOnA(a.Operator, listed.Id));
            Cell("ScreeningHold", "institution", "a listed bank held on B; refused by B's officer, A's hold voided");
        }

        // Whatever happened, every payment is settled on both nodes or on neither, and each currency's total is unchanged.
        await FederationCli.Consistent(a, b, payments);
        foreach (var (rule, why) in NotYet) Cell(rule, "not yet", why);
    }

    private static async Task LoadList(NodeProcess node, string name) =>
        (await node.Operator.LoadWatchListAsync(new LoadWatchListRequest("sanctions", "csv", "2026-12",
            $"id,kind,name,aliases,countries,dates_of_birth,program\nX-1,person,\"{name}\",,,,TEST\n"), C)).Unwrap();

    /// <summary>The read model is fed after the decision: waits until <paramref name="party"/> finds exactly one payment.</summary>
    private static async Task<PaymentRecordDto> FindOne(CorridorClient party, string by, string value, string side)
    {
        PaymentRecordDto[] found = [];
        await Until(async () => (found = (await party.FindPaymentsAsync(by, value, C)).Unwrap()).Length > 0, $"{side}: a payment by {by}={value}");
        Assert.True(found.Length == 1, $"{side}: {found.Length} payments by {by}={value}");
        return found[0];
    }

    private static async Task Until(Func<Task<bool>> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"not within 30 s: {what}");
            await Task.Delay(50, C);
        }
    }
}
