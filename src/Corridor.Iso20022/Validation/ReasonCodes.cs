namespace Corridor.Iso20022.Validation;

/// <summary>ISO 20022 ExternalStatusReason1Code values Corridor returns in pacs.002 StsRsnInf/Rsn/Cd.</summary>
/// <remarks>
/// Code table (also in docs/iso20022.md). Source: ISO 20022 External Code Sets, ExternalStatusReason1Code.
/// <code>
/// code  ISO name                           Corridor uses it when
/// FF01  InvalidFileFormat                  not well-formed XML, DTD present, too big/deep, wrong namespace, XSD violation, bad AppHdr
/// AM01  ZeroAmount                         an amount is zero
/// AM02  NotAllowedAmount                   an amount exceeds the configured maximum or does not fit in 64-bit minor units
/// AM03  NotAllowedCurrency                 a currency is not an active ISO 4217 code, or not settled by this node
/// AM05  Duplication                        EndToEndId, TxId or UETR repeated inside one message
/// AM09  WrongAmount                        IntrBkSttlmAmt inconsistent with InstdAmt × XchgRate, or rate missing/non-positive
/// AM12  InvalidAmount                      negative amount or more fraction digits than the currency's exponent
/// AM18  InvalidNumberOfTransactions        GrpHdr/NbOfTxs differs from the number of transactions
/// AC01  IncorrectAccountNumber             account missing where required, or IBAN fails its mod-97 check
/// AGNT  IncorrectAgent                     the instructed agent is not this node's participant
/// RC01  BankIdentifierIncorrect            a BIC has an unknown country code, or an agent has no identification at all
/// DUPL  DuplicatePayment                   MsgId/UETR/EndToEndId already seen (caller's predicate)
/// RR01  MissingDebtorAccountOrIdentification  cross-border: no debtor account and no debtor identification
/// RR02  MissingDebtorNameOrAddress         cross-border: no debtor name, or none of (address with TwnNm+Ctry, Id, date and place of birth)
/// RR03  MissingCreditorNameOrAddress       cross-border: no creditor name
/// RR04  RegulatoryReason                   regulatory reporting required but absent, or incomplete
/// </code>
/// </remarks>
public static class ReasonCodes
{
    public const string InvalidFileFormat = "FF01";
    public const string ZeroAmount = "AM01";
    public const string NotAllowedAmount = "AM02";
    public const string NotAllowedCurrency = "AM03";
    public const string Duplication = "AM05";
    public const string WrongAmount = "AM09";
    public const string InvalidAmount = "AM12";
    public const string InvalidNumberOfTransactions = "AM18";
    public const string IncorrectAccountNumber = "AC01";
    public const string IncorrectAgent = "AGNT";
    public const string BankIdentifierIncorrect = "RC01";
    public const string DuplicatePayment = "DUPL";
    public const string MissingDebtorAccountOrId = "RR01";
    public const string MissingDebtorNameOrAddress = "RR02";
    public const string MissingCreditorNameOrAddress = "RR03";
    public const string RegulatoryReason = "RR04";
}

/// <summary>One finding: ISO reason code, where in the message (XPath-like, or line:column for XML errors), and why.</summary>
public readonly record struct ValidationIssue(string ReasonCode, string Path, string Message)
{
    public override string ToString() => $"{ReasonCode} {Path}: {Message}";
}

/// <summary>Raised inside the readers to stop on a refusal; always caught by <see cref="Iso20022Codec"/>.</summary>
internal sealed class IsoRefusalException(string reasonCode, string path, string message) : Exception(message)
{
    public ValidationIssue Issue { get; } = new(reasonCode, path, message);
}
