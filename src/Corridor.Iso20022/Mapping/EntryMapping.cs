using Corridor.Iso20022.Codes;
using Corridor.Iso20022.Model;

namespace Corridor.Iso20022.Mapping;

/// <summary>
/// The record of the payment behind a booking, as a report tells it: the ISO 20022 ids of the message that instructed
/// it, both parties (name and account) with their agents' BICs, and the documents it settles. Empty or null = absent.
/// </summary>
public sealed record BookedPayment
{
    /// <summary>The node's id of the payment (Refs/AcctSvcrTxId).</summary>
    public string? PaymentRef { get; init; }
    public string? MsgId { get; init; }
    public string? InstrId { get; init; }
    public string? EndToEndId { get; init; }
    public string? TxId { get; init; }
    public string? Uetr { get; init; }
    public string? DebtorName { get; init; }
    public string? DebtorAccount { get; init; }
    public string? DebtorAgentBic { get; init; }
    public string? CreditorName { get; init; }
    public string? CreditorAccount { get; init; }
    public string? CreditorAgentBic { get; init; }
    public string? InvoiceNumber { get; init; }
    public string? ContractReference { get; init; }
    public string? LetterOfCreditReference { get; init; }
}

/// <summary>
/// One camt.052/053/054 entry (ReportEntry10) per posted booking, the same for every report: the booking's amount,
/// side and date, and the record of its payment — ids, the counterparty (the debtor of a credit, the creditor of a
/// debit: name, account, agent) and the documents it settles (RfrdDocInf CINV invoice, CMCN contract, LOCR letter of credit).
/// </summary>
public static class EntryMapping
{
    public static Entry Entry(string bookingRef, Money amount, bool credit, DateOnly bookingDate, BookedPayment? payment)
    {
        var entry = new Entry
        {
            NtryRef = bookingRef,
            Amount = amount,
            CreditDebit = credit ? CreditDebit.Credit : CreditDebit.Debit,
            BookingDate = bookingDate,
            ValueDate = bookingDate,
            AcctSvcrRef = bookingRef,
        };
        if (payment is null) return entry;
        string? name = credit ? payment.DebtorName : payment.CreditorName;
        string? account = credit ? payment.DebtorAccount : payment.CreditorAccount;
        string? bic = credit ? payment.DebtorAgentBic : payment.CreditorAgentBic;
        return entry with
        {
            MsgId = Present(payment.MsgId), InstrId = Present(payment.InstrId), EndToEndId = Present(payment.EndToEndId),
            TxId = Present(payment.TxId), Uetr = Present(payment.Uetr), AcctSvcrTxId = Present(payment.PaymentRef),
            CounterpartyName = Present(name),
            CounterpartyAccount = Present(account) is { } id ? (IbanRules.IsValid(id) ? new CashAccount { Iban = id } : new CashAccount { OtherId = id }) : null,
            CounterpartyAgentBic = BicRules.IsWellFormed(bic) ? bic : null,
            Documents = Documents(payment),
        };
    }

    private static ValueList<ReferredDocument> Documents(BookedPayment p)
    {
        var documents = new List<ReferredDocument>(3);
        if (Present(p.InvoiceNumber) is { } invoice) documents.Add(new ReferredDocument { TypeCode = "CINV", Number = invoice });
        if (Present(p.ContractReference) is { } contract) documents.Add(new ReferredDocument { TypeCode = "CMCN", Number = contract });
        if (Present(p.LetterOfCreditReference) is { } lc) documents.Add(new ReferredDocument { TypeProprietary = TradeReferences.LetterOfCreditType, Number = lc });
        return ValueList.From(documents);
    }

    private static string? Present(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
