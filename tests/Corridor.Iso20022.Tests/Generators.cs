using CsCheck;
using Corridor.Iso20022.Model;

namespace Corridor.Iso20022.Tests;

/// <summary>CsCheck generators of schema-valid pacs.008 models (text escaping, optional fields, every currency exponent).</summary>
internal static class Generators
{
    private const string Alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string Upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string UpperDigit = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static readonly string[] s_currencies = ["EUR", "USD", "KES", "GHS", "UGX", "JPY", "XOF", "KWD", "BHD", "CLF", "NGN", "ZAR", "INR", "CNY"];
    private static readonly string[] s_countries = ["KE", "GH", "UG", "NG", "SN", "DE", "FR", "GB", "US", "IN", "CN", "ZA", "BR", "JP"];

    /// <summary>1..max characters, starting alphanumeric, with XML-special and non-ASCII characters inside.</summary>
    public static Gen<string> Text(int max) =>
        from first in Gen.Char[Alnum]
        from rest in Gen.String[Gen.Char[Alnum + " -/.,&<>'\"éüçñ€中"], 0, max - 1]
        select first + rest;

    private static Gen<string> Chars(string set, int min, int max) => Gen.String[Gen.Char[set], min, max];

    private static Gen<T?> Optional<T>(Gen<T> gen) where T : class => Gen.Bool.SelectMany(b => b ? gen.Select(v => (T?)v) : Gen.Const((T?)null));

    private static Gen<T?> OptionalValue<T>(Gen<T> gen) where T : struct => Gen.Bool.SelectMany(b => b ? gen.Select(v => (T?)v) : Gen.Const((T?)null));

    private static Gen<ValueList<T>> List<T>(Gen<T> gen, int max) => gen.Array[0, max].Select(a => a.Length == 0 ? default : new ValueList<T>(a));

    public static readonly Gen<string> Country = Gen.OneOf(s_countries);

    public static readonly Gen<string> Bic =
        from inst in Chars(Upper, 4, 4)
        from ctry in Country
        from loc in Chars(UpperDigit, 2, 2)
        from branch in Gen.Bool.SelectMany(b => b ? Chars(UpperDigit, 3, 3) : Gen.Const(""))
        select inst + ctry + loc + branch;

    public static readonly Gen<string> Lei = from a in Chars(UpperDigit, 18, 18) from b in Chars("0123456789", 2, 2) select a + b;

    public static readonly Gen<string> Uetr = Gen.Guid.SelectMany(g => Gen.Char["89ab"].Select(v =>
    {
        char[] s = g.ToString("D").ToCharArray();
        s[14] = '4';
        s[19] = v;
        return new string(s);
    }));

    public static readonly Gen<DateOnly> Date = Gen.Int[0, 36_500].Select(d => new DateOnly(2000, 1, 1).AddDays(d));

    public static readonly Gen<DateTimeOffset> DateTime =
        from ticks in Gen.Long[0, TimeSpan.TicksPerDay * 365 * 50]
        from offsetMin in Gen.Int[-14 * 4, 14 * 4]
        select new DateTimeOffset(new DateTime(2000, 1, 1).AddTicks(ticks), TimeSpan.FromMinutes(offsetMin * 15));

    public static readonly Gen<Money> Money =
        from ccy in Gen.OneOf(s_currencies)
        from minor in Gen.Long[1, 999_999_999_999_999]
        select new Money(ccy, minor);

    public static readonly Gen<ExchangeRate> Rate = Gen.Long[1, 99_999_999_999].Select(v => new ExchangeRate(v));

    public static readonly Gen<Agent> Agent =
        from bic in Optional(Bic)
        from mmb in Optional(Text(35))
        from clr in Optional(Chars(Upper, 1, 5))
        from lei in Optional(Lei)
        from nm in Optional(Text(140))
        select new Agent { Bicfi = bic, ClearingMemberId = mmb, ClearingSystemCode = mmb is null ? null : clr, Lei = lei, Name = nm };

    public static readonly Gen<CashAccount> Account =
        from iban in Gen.Bool
        from ibanText in from c in Country from d in Chars("0123456789", 2, 2) from b in Chars(Alnum, 1, 30) select c + d + b
        from othr in Text(34)
        from scheme in Optional(Chars(Upper, 1, 4))
        from ccy in Optional(Gen.OneOf(s_currencies))
        from nm in Optional(Text(70))
        select iban
            ? new CashAccount { Iban = ibanText, Currency = ccy, Name = nm }
            : new CashAccount { OtherId = othr, OtherSchemeCode = scheme, Currency = ccy, Name = nm };

    public static readonly Gen<PostalAddress> Address =
        from strt in Optional(Text(70))
        from bldg in Optional(Text(16))
        from pst in Optional(Text(16))
        from twn in Optional(Text(35))
        from ctry in Optional(Country)
        from lines in List(Text(70), 3)
        select new PostalAddress { StreetName = strt, BuildingNumber = bldg, PostCode = pst, TownName = twn, Country = ctry, AddressLines = lines };

    public static readonly Gen<GenericIdentification> Generic =
        from id in Text(35)
        from useCode in Gen.Bool
        from code in Optional(Chars(Upper, 1, 4))
        from prtry in Optional(Text(35))
        from issr in Optional(Text(35))
        select new GenericIdentification(id, useCode ? code : null, useCode ? null : prtry, issr);

    public static readonly Gen<PartyIdentification> PartyId =
        from org in Gen.Bool
        from bic in Optional(Bic)
        from lei in Optional(Lei)
        from birth in Optional(from d in Date from p in Optional(Text(35)) from c in Text(35) from k in Country select new BirthDetails(d, p, c, k))
        from other in List(Generic, 2)
        select org
            ? new PartyIdentification { Kind = PartyIdKind.Organisation, AnyBic = bic, Lei = lei, Other = other }
            : new PartyIdentification { Kind = PartyIdKind.Private, Birth = birth, Other = other };

    public static readonly Gen<Party> Party =
        from nm in Optional(Text(140))
        from adr in Optional(Address)
        from id in Optional(PartyId)
        from res in Optional(Country)
        select new Party { Name = nm, Address = adr, Id = id, CountryOfResidence = res };

    public static readonly Gen<ReferredDocument> Document =
        from useCode in Gen.Bool
        from code in Optional(Gen.OneOf("CINV", "CNFA", "CMCN", "PUOR", "BOLD", "DNFA"))
        from prtry in Optional(Text(35))
        from nb in Optional(Text(35))
        from dt in OptionalValue(Date)
        select new ReferredDocument { TypeCode = useCode ? code : null, TypeProprietary = useCode ? null : prtry, Number = nb, RelatedDate = dt };

    public static readonly Gen<StructuredRemittance> Structured =
        from docs in List(Document, 2)
        from due in OptionalValue(Money)
        from rmtd in OptionalValue(Money)
        from cref in Optional(Text(35))
        from addtl in List(Text(140), 3)
        select new StructuredRemittance { Documents = docs, DuePayableAmount = due, RemittedAmount = rmtd, CreditorReference = cref, AdditionalInfo = addtl };

    public static readonly Gen<RemittanceInfo> Remittance =
        from u in List(Text(140), 2)
        from s in List(Structured, 2)
        select new RemittanceInfo { Unstructured = u, Structured = s };

    public static readonly Gen<RegulatoryReporting> Regulatory =
        from ind in Optional(Gen.OneOf("CRED", "DEBT", "BOTH"))
        from an in Optional(Text(140))
        from ac in Optional(Country)
        from details in List(
            from tp in Optional(Text(35))
            from dt in OptionalValue(Date)
            from c in Optional(Country)
            from cd in Optional(Chars(UpperDigit, 1, 10))
            from amt in OptionalValue(Money)
            from inf in List(Text(35), 2)
            select new RegulatoryDetail { Type = tp, Date = dt, Country = c, Code = cd, Amount = amt, Info = inf }, 2)
        select new RegulatoryReporting { Indicator = ind, AuthorityName = an, AuthorityCountry = ac, Details = details };

    public static readonly Gen<PaymentIdentification> PaymentId =
        from instr in Optional(Text(35))
        from e2e in Text(35)
        from tx in Optional(Text(35))
        from uetr in Optional(Uetr)
        select new PaymentIdentification { InstrId = instr, EndToEndId = e2e, TxId = tx, Uetr = uetr };

    public static readonly Gen<CustomerCreditTransfer> Transaction =
        from ids in PaymentId
        from amounts in Gen.Select(Money, OptionalValue(Money), OptionalValue(Rate), OptionalValue(Date))
        from chrgBr in Gen.OneOf("DEBT", "CRED", "SHAR", "SLEV")
        from agents in Gen.Select(Optional(Agent), Optional(Agent), Agent, Agent)
        from parties in Gen.Select(Party, Optional(Account), Party, Optional(Account))
        from purpose in Gen.Select(Gen.Bool, Chars(Upper, 1, 4), Text(35), Gen.Bool)
        from rr in List(Regulatory, 2)
        from rmt in Optional(Remittance)
        select new CustomerCreditTransfer
        {
            PmtId = ids,
            IntrBkSttlmAmt = amounts.Item1,
            InstdAmt = amounts.Item2,
            XchgRate = amounts.Item3,
            IntrBkSttlmDt = amounts.Item4,
            ChrgBr = chrgBr,
            InstgAgt = agents.Item1,
            InstdAgt = agents.Item2,
            DbtrAgt = agents.Item3,
            CdtrAgt = agents.Item4,
            Dbtr = parties.Item1,
            DbtrAcct = parties.Item2,
            Cdtr = parties.Item3,
            CdtrAcct = parties.Item4,
            PurposeCode = purpose.Item4 ? (purpose.Item1 ? purpose.Item2 : null) : null,
            PurposeProprietary = purpose.Item4 ? (purpose.Item1 ? null : purpose.Item3) : null,
            RgltryRptg = rr,
            RmtInf = rmt,
        };

    public static readonly Gen<Pacs008Message> Pacs008 =
        from msgId in Text(35)
        from cre in DateTime
        from mtd in Gen.OneOf("INDA", "INGA", "COVE", "CLRG")
        from dt in OptionalValue(Date)
        from instg in Optional(Agent)
        from instd in Optional(Agent)
        from txs in Transaction.Array[1, 3]
        select new Pacs008Message
        {
            GrpHdr = new GroupHeader { MsgId = msgId, CreDtTm = cre, NbOfTxs = txs.Length, SttlmMtd = mtd, IntrBkSttlmDt = dt, InstgAgt = instg, InstdAgt = instd },
            Transactions = new ValueList<CustomerCreditTransfer>(txs),
        };
}
