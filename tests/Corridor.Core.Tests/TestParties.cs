using Corridor.Core.Exchange;
using Corridor.Core.Settlement;

namespace Corridor.Core.Tests;

/// <summary>Originator and beneficiary data that satisfy the travel rule (cross-border), for tests of settlement mechanics.</summary>
internal static class TestParties
{
    public static Party Person(string name, string town, string country, string account) =>
        new(name, "Main Street", "1", "10115", town, "", country, account, PartyIdScheme.None, "");

    public static PaymentDetails CustomerDetails(ulong payer, ulong payee) => new(
        Person("Anna Weber", "Berlin", "DE", "DE-ACC-" + payer),
        Person("Jean Martin", "Paris", "FR", "FR-ACC-" + payee),
        null, PaymentReferences.None);
}
