using Corridor.Core.Exchange;
using Corridor.Core.Settlement;
using Corridor.Iso20022.Model;
using CoreParty = Corridor.Core.Exchange.Party;
using IsoParty = Corridor.Iso20022.Model.Party;

namespace Corridor.Iso20022.Mapping;

/// <summary>
/// ISO 20022 debtor/creditor (pacs.008) and debtor/creditor institutions (pacs.009) as the engine's payment details, with
/// the message's identifiers. Text is carried as received (the schema already bounds it); nothing is trimmed or shortened.
/// </summary>
public static class PartyMapping
{
    /// <summary>pacs.008: Dbtr + DbtrAcct (+ DbtrAgt BIC), Cdtr + CdtrAcct (+ CdtrAgt BIC), and MsgId/InstrId/EndToEndId/TxId/UETR.</summary>
    public static PaymentDetails Details(string msgId, CustomerCreditTransfer tx) =>
        new(Person(tx.Dbtr, tx.DbtrAcct), Person(tx.Cdtr, tx.CdtrAcct), null, References(msgId, tx.PmtId), Birth(tx.Dbtr));

    private static PartyBirth? Birth(IsoParty p) => p.Id?.Birth is { } b
        ? new PartyBirth((uint)(b.BirthDate.Year * 10000 + b.BirthDate.Month * 100 + b.BirthDate.Day), b.City, b.Country) : null;

    /// <summary>pacs.009: the debtor and creditor institutions (name, BIC, LEI, accounts) and the message's identifiers.</summary>
    public static PaymentDetails Details(string msgId, InstitutionCreditTransfer tx) =>
        new(Institution(tx.Dbtr, tx.DbtrAcct), Institution(tx.Cdtr, tx.CdtrAcct), null, References(msgId, tx.PmtId));

    public static PaymentReferences References(string msgId, PaymentIdentification id) =>
        new(msgId, id.InstrId ?? "", id.EndToEndId, id.TxId ?? "", id.Uetr ?? "");

    private static CoreParty Person(IsoParty p, CashAccount? account)
    {
        PostalAddress a = p.Address ?? new PostalAddress();
        (PartyIdScheme scheme, string identifier) = p.Id switch
        {
            { Lei: { Length: > 0 } lei } => (PartyIdScheme.Lei, lei),
            { AnyBic: { Length: > 0 } bic } => (PartyIdScheme.Bic, bic),
            { Kind: PartyIdKind.Private, Other.Count: > 0 } id => (PartyIdScheme.NationalId, id.Other[0].Id),
            { Other.Count: > 0 } id => (PartyIdScheme.Other, id.Other[0].Id),
            _ => (PartyIdScheme.None, ""),
        };
        return new CoreParty(p.Name ?? "", a.StreetName ?? "", a.BuildingNumber ?? "", a.PostCode ?? "", a.TownName ?? "", "", a.Country ?? "",
            account?.Identifier ?? "", scheme, identifier);
    }

    private static CoreParty Institution(Agent agent, CashAccount? account)
    {
        (PartyIdScheme scheme, string identifier) = agent.Bicfi is { Length: > 0 } bic ? (PartyIdScheme.Bic, bic)
            : agent.Lei is { Length: > 0 } lei ? (PartyIdScheme.Lei, lei) : (PartyIdScheme.None, "");
        string country = agent.Bicfi is { Length: >= 6 } b ? b.Substring(4, 2) : "";
        return new CoreParty(agent.Name ?? agent.Bicfi ?? "", "", "", "", "", "", country, account?.Identifier ?? "", scheme, identifier);
    }
}
