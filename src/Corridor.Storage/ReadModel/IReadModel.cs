using Corridor.Core.Settlement;

namespace Corridor.Storage.ReadModel;

/// <summary>
/// Query tables derived from committed journal batches by the <see cref="Projector"/>: account balances,
/// transfers by account and time, payments by any of their ids, statements per account and business
/// day. Implementations: SQLite (embedded default) and PostgreSQL.
/// </summary>
public interface IReadModel : IDisposable
{
    /// <summary>Last journal batch whose effects are stored (0: none). Stored with the rows, in the same transaction.</summary>
    long ProjectedSequence { get; }

    /// <summary>
    /// Stores one batch's rows and advances <see cref="ProjectedSequence"/> to <c>batch.Sequence</c> in one
    /// transaction; throws if the stored position is not <c>batch.Sequence - 1</c> (another projector wrote).
    /// </summary>
    void Write(ReadModelBatch batch);

    AccountRow? GetAccount(UInt128 accountId);

    /// <summary>Accounts in id order after <paramref name="afterId"/>, at most <paramref name="limit"/>.</summary>
    IReadOnlyList<AccountRow> GetAccounts(UInt128 afterId, int limit);

    /// <summary>
    /// Transfers debiting or crediting the account with <paramref name="fromNs"/> ≤ timestamp &lt; <paramref name="toNs"/>,
    /// oldest first, after <paramref name="afterTimestampNs"/> (keyset paging; 0 for the first page).
    /// </summary>
    TransferPage GetAccountTransfers(UInt128 accountId, ulong fromNs, ulong toNs, ulong afterTimestampNs, int limit);

    /// <summary>
    /// Posted bookings (transfers that moved posted balances: not pending reservations, not voids) debiting or
    /// crediting the account with <paramref name="fromNs"/> ≤ timestamp &lt; <paramref name="toNs"/>, oldest first, after
    /// <paramref name="afterTimestampNs"/>, each with the payment it settles (settlement payment or PvP leg), if any.
    /// What camt.052/054 report.
    /// </summary>
    BookingPage GetAccountBookings(UInt128 accountId, ulong fromNs, ulong toNs, ulong afterTimestampNs, int limit);

    /// <summary>The payments the entries of a statement belong to, by payment id (what camt.053 reports).</summary>
    IReadOnlyDictionary<UInt128, PaymentRow> GetStatementPayments(UInt128 accountId, uint businessDate);

    /// <summary>The payment with this payment id, or whose lock id or leg transfer id this is.</summary>
    PaymentRow? FindPayment(UInt128 anyId);

    /// <summary>Payments whose invoice number or letter-of-credit reference equals <paramref name="reference"/>.</summary>
    IReadOnlyList<PaymentRow> FindPaymentsByTradeReference(string reference, int limit);

    /// <summary>The end-of-day statement of an account for a business day (yyyymmdd), with its entries.</summary>
    AccountStatement? GetStatement(UInt128 accountId, uint businessDate);
}
