using Corridor.Client;

namespace Corridor.Cli.Federation;

/// <summary>
/// What <c>corridor peers reconcile</c> compares: the cross-node payments one node recorded with a peer against those the peer
/// recorded with it, paired by UETR (a payment sent by one side is received by the other). The invariant of the protocol is
/// that a payment is settled on both sides or on neither; a payment the source still holds while the destination decided is
/// in flight, not a disagreement.
/// </summary>
public static class Reconciliation
{
    /// <summary>Counts of one side's payments by status.</summary>
    public sealed record Counts(int InFlight, int Settled, int Refused);

    /// <summary>An FX provider's settled position on one side: what it received (source leg) or paid (destination leg), minor units.</summary>
    public sealed record Position(ulong Provider, string Currency, string Leg, long AmountMinor, int Payments);

    public sealed record Report(Counts Here, Counts There, IReadOnlyList<Position> PositionsHere, IReadOnlyList<Position> PositionsThere, IReadOnlyList<string> Disagreements);

    public static Report Compare(IReadOnlyList<CrossNodePaymentDto> here, IReadOnlyList<CrossNodePaymentDto> there)
    {
        var disagreements = new List<string>();
        Dictionary<string, CrossNodePaymentDto> hereByUetr = Index(here, "here", disagreements), thereByUetr = Index(there, "there", disagreements);
        foreach (string uetr in hereByUetr.Keys.Union(thereByUetr.Keys).Order(StringComparer.Ordinal))
        {
            hereByUetr.TryGetValue(uetr, out CrossNodePaymentDto? h);
            thereByUetr.TryGetValue(uetr, out CrossNodePaymentDto? t);
            if (Disagreement(uetr, h, t) is { } why) disagreements.Add(why);
        }
        return new Report(Count(here), Count(there), Positions(here), Positions(there), disagreements);
    }

    private static Dictionary<string, CrossNodePaymentDto> Index(IReadOnlyList<CrossNodePaymentDto> side, string name, List<string> disagreements)
    {
        var map = new Dictionary<string, CrossNodePaymentDto>(StringComparer.Ordinal);
        foreach (CrossNodePaymentDto p in side)
            if (!map.TryAdd(p.Uetr, p)) disagreements.Add($"{p.Uetr}: recorded twice {name} ({map[p.Uetr].Id} and {p.Id})");
        return map;
    }

    private static bool Final(CrossNodePaymentDto p) => p.Status is "settled" or "refused";

    /// <summary>Why the two records of one UETR disagree, or null when they agree (or the payment is still in flight).</summary>
    private static string? Disagreement(string uetr, CrossNodePaymentDto? h, CrossNodePaymentDto? t)
    {
        string Describe(CrossNodePaymentDto? p) => p is null ? "unknown" : $"{p.Status} ({p.Role})";
        string Both() => $"{uetr}: {Describe(h)} here, {Describe(t)} there";
        if (h is not null && t is not null)
        {
            if (h.Role == t.Role) return $"{Both()}: both sides record it as {h.Role}";
            // A destination's record made by a status question for a payment it never received carries no amounts.
            bool terms = h.SourceAmount == 0 || t.SourceAmount == 0
                || (h.SourceCurrency == t.SourceCurrency && h.SourceAmount == t.SourceAmount && h.DestinationCurrency == t.DestinationCurrency && h.DestinationAmount == t.DestinationAmount);
            if (!terms) return $"{Both()}: amounts differ ({h.SourceAmount} {h.SourceCurrency} → {h.DestinationAmount} {h.DestinationCurrency} here, {t.SourceAmount} {t.SourceCurrency} → {t.DestinationAmount} {t.DestinationCurrency} there)";
            if (h.Status == t.Status || !Final(h) && !Final(t)) return null;
            CrossNodePaymentDto source = h.Role == "outbound" ? h : t, destination = h.Role == "outbound" ? t : h;
            // The source holds the payer's funds until it hears the destination's decision: that is in flight.
            if (!Final(source) && Final(destination)) return null;
            return (h.Status == "settled" || t.Status == "settled") ? $"{Both()}: settled on one side only" : null;
        }
        CrossNodePaymentDto only = h ?? t!;
        // Sent but not yet received, or refused by the source before it was sent: nothing moved on the other side.
        if (only.Role == "outbound" && only.Status != "settled") return null;
        return only.Role == "outbound" ? $"{Both()}: settled by the source, never recorded by the destination"
            : $"{Both()}: received from a source that never recorded sending it";
    }

    private static Counts Count(IReadOnlyList<CrossNodePaymentDto> side) =>
        new(side.Count(p => !Final(p)), side.Count(p => p.Status == "settled"), side.Count(p => p.Status == "refused"));

    /// <summary>Settled payments only: on the source side the provider received the source amount, on the destination side it paid the destination amount.</summary>
    private static Position[] Positions(IReadOnlyList<CrossNodePaymentDto> side) =>
        side.Where(p => p.Status == "settled")
            .GroupBy(p => p.Role == "outbound" ? (Provider: p.Creditor, Currency: p.SourceCurrency, Leg: "received") : (Provider: p.Debtor, Currency: p.DestinationCurrency, Leg: "paid"))
            .Select(g => new Position(g.Key.Provider, g.Key.Currency, g.Key.Leg, g.Sum(p => g.Key.Leg == "received" ? p.SourceAmount : p.DestinationAmount), g.Count()))
            .OrderBy(p => p.Provider).ThenBy(p => p.Currency, StringComparer.Ordinal).ThenBy(p => p.Leg, StringComparer.Ordinal).ToArray();
}
