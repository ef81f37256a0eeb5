using Corridor.Core.Exchange;
using Corridor.Core.Settlement;

namespace Corridor.Simulation;

/// <summary>
/// Travel-rule-complete originator and beneficiary for simulated customer payments: one synthetic customer per participant
/// (a person with a name, an account and an address), so simulated days pass compliance as well-formed real ones do.
/// </summary>
public static class SyntheticCustomers
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int Payer, int Payee), PaymentDetails> Cache = new();

    /// <summary>Bound on cached (payer, payee) pairs; beyond it details are built per call.</summary>
    public const int MaxCachedPairs = 1_000_000;

    public static PaymentDetails Details(int payer, int payee)
    {
        if (Cache.TryGetValue((payer, payee), out PaymentDetails? d)) return d;
        d = new PaymentDetails(Customer(payer), Customer(payee), null, PaymentReferences.None);
        if (Cache.Count < MaxCachedPairs) Cache.TryAdd((payer, payee), d);
        return d;
    }

    private static Party Customer(int participant)
    {
        string n = participant.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new Party("Customer of bank " + n, "Market Street", "1", "1000", "Springfield", "", "US", "ACC-" + n, PartyIdScheme.None, "");
    }
}
