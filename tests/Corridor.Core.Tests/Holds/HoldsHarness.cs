using System.Collections.Immutable;
using Corridor.Core.Compliance;
using Corridor.Core.Engine;
using Corridor.Core.Exchange;
using Corridor.Core.Ledger;
using Corridor.Core.Tests.Exchange;

namespace Corridor.Core.Tests.Holds;

/// <summary>Compliance commands and checks over the USD → KES <see cref="ExchangeFixture"/> (payer 1 account 11, payee 2 account 22, provider 3 accounts 31/32).</summary>
internal static class HoldsHarness
{
    public const ulong Officer = 900, Officer2 = 901;

    public const string SanctionsCsv =
        "id,kind,name,aliases,countries,dates_of_birth,program\n" +
        "RU-1,person,\"PUTIN, Vladimir\",\"Владимир Путин;Wladimir Putin\",RU,1952-10-07,UKRAINE-EO13660\n" +
        "KP-1,person,Kim Jong Un,김정은,KP,1984-01-08,DPRK\n" +
        "RU-O1,organisation,Bank Rossiya,Банк Россия,RU,,UKRAINE-EO13661\n";

    public static LoadWatchListResult LoadList(this ExchangeFixture f, string csv = SanctionsCsv, string name = "ofac-sdn", ulong by = Officer, string version = "2026-11-23") =>
        f.Run<LoadWatchList, LoadWatchListResult>(Operation.LoadWatchList, new LoadWatchList(by, name, WatchListFormat.Csv, version, csv))[0];

    public static ComplianceRuleResult SetRule(this ExchangeFixture f, SetComplianceRule rule) =>
        f.Run<SetComplianceRule, ComplianceRuleResult>(Operation.SetComplianceRule, rule)[0];

    public static SetComplianceRule Limit(string id, string currency, long holdAbove, long rejectAbove = long.MaxValue, ulong participant = 0) =>
        new(Officer, id, participant, "", "", "", "", [new RuleLimit(currency, holdAbove, rejectAbove)], [], []);

    public static SetComplianceRule BlockCountry(string id, string country) =>
        new(Officer, id, 0, "", "", "", "", [], [country], []);

    public static HoldDecisionResult ReleaseHold(this ExchangeFixture f, UInt128 paymentId, ulong by = Officer, string reason = "false positive: different date of birth") =>
        f.Run<HoldDecision, HoldDecisionResult>(Operation.ReleaseHold, new HoldDecision(paymentId, by, reason))[0];

    public static HoldDecisionResult RejectHold(this ExchangeFixture f, UInt128 paymentId, ulong by = Officer, string reason = "true match: funds frozen, reported") =>
        f.Run<HoldDecision, HoldDecisionResult>(Operation.RejectHold, new HoldDecision(paymentId, by, reason))[0];

    /// <summary>Publishes a quote, locks it for <paramref name="amountUsdMinor"/> and pays with <paramref name="beneficiaryName"/>; returns the ids and the result.</summary>
    public static (UInt128 PaymentId, UInt128 LockId, PayResult Result) LockAndPay(this ExchangeFixture f, string? beneficiaryName = null, long amountUsdMinor = 100_00, uint lockSeconds = 30)
    {
        UInt128 quote = f.NextId(), lockId = f.NextId(), paymentId = f.NextId();
        Assert.Equal(QuoteResult.Ok, f.Publish(f.Quote(quote)));
        Assert.Equal(LockResult.Ok, f.Lock(f.LockRequest(lockId, quote, amountUsdMinor, seconds: lockSeconds)));
        PayAgainstLock payment = ExchangeFixture.Payment(paymentId, lockId);
        if (beneficiaryName is not null) payment = payment with { Beneficiary = payment.Beneficiary with { Name = beneficiaryName } };
        return (paymentId, lockId, f.Pay(payment));
    }

    public static PayAgainstLock PaymentTo(UInt128 paymentId, UInt128 lockId, string beneficiaryName)
    {
        PayAgainstLock payment = ExchangeFixture.Payment(paymentId, lockId);
        return payment with { Beneficiary = payment.Beneficiary with { Name = beneficiaryName } };
    }

    /// <summary>True if the ledger holds this (posted) transfer.</summary>
    public static bool HasTransfer(this ExchangeFixture f, UInt128 id) => f.L.TryGetTransfer(id, out _, out _);

    /// <summary>The PvP rule for every payment: settled ⇔ both legs in the ledger; held or failed ⇒ neither leg; held ⇔ compliance says held.</summary>
    public static void AssertNoLegAlone(this ExchangeFixture f)
    {
        foreach (PaymentRecord p in f.X.Payments)
        {
            bool source = p.SourceLegTransferId != UInt128.Zero && f.HasTransfer(p.SourceLegTransferId);
            bool destination = p.DestinationLegTransferId != UInt128.Zero && f.HasTransfer(p.DestinationLegTransferId);
            if (p.Status == PaymentStatus.Settled) Assert.True(source && destination, $"payment {p.PaymentId} settled without both legs");
            else Assert.False(source || destination, $"payment {p.PaymentId} ({p.Status}, {p.Result}) has a leg in the ledger");
            bool heldInCompliance = f.Engine.Compliance.TryGetPayment(p.PaymentId, out PaymentCompliance c) && c.Status == PaymentComplianceStatus.Held;
            Assert.Equal(p.Status == PaymentStatus.Held, heldInCompliance);
        }
        f.AssertConservation();
    }

    public static string SnapshotHash(this ExchangeFixture f, out Engine.Engine restored)
    {
        using var stream = new MemoryStream();
        f.Engine.WriteSnapshot(stream);
        stream.Position = 0;
        restored = Engine.Engine.ReadSnapshot(stream);
        return restored.StateHashHex();
    }

    public static ImmutableArray<string> EntryIds(this PaymentCompliance c) => [.. c.Hits.Select(h => h.Hit.EntryId).Distinct()];
}
