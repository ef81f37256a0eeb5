using System.Data.Common;
using Corridor.Core.Settlement;

namespace Corridor.Storage.ReadModel;

/// <summary>
/// The read model's tables and queries in SQL that SQLite and PostgreSQL both speak (<c>@name</c> parameters,
/// <c>ON CONFLICT ... DO UPDATE</c> upserts); subclasses supply the connection, column types and, where it
/// pays, a bulk path for transfers. One connection, used by one thread at a time (the projector writes,
/// queries read between writes); open a second instance for concurrent readers.
/// </summary>
public abstract class SqlReadModel : IReadModel
{
    /// <summary>Most rows one query returns.</summary>
    public const int MaxPageRows = 10_000;

    private readonly object _gate = new();
    private bool _disposed;

    protected SqlReadModel(DbConnection connection)
    {
        Connection = connection;
    }

    protected DbConnection Connection { get; }

    /// <summary>Column types: 128-bit id (16 bytes), 64-bit integer, text.</summary>
    protected abstract string IdType { get; }
    protected abstract string IntType { get; }
    protected abstract string TextType { get; }

    public long ProjectedSequence
    {
        get
        {
            lock (_gate)
            {
                using DbCommand c = Command("SELECT sequence FROM projection WHERE id = 1", null);
                return c.ExecuteScalar() is { } v and not DBNull ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) : 0;
            }
        }
    }

    /// <summary>Creates the tables and the position row if missing.</summary>
    protected void CreateSchema()
    {
        string id = IdType, n = IntType, t = TextType;
        string[] ddl =
        [
            $"CREATE TABLE IF NOT EXISTS projection (id {n} PRIMARY KEY, sequence {n} NOT NULL)",
            "INSERT INTO projection (id, sequence) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
            $"""
            CREATE TABLE IF NOT EXISTS accounts (
                id {id} PRIMARY KEY, ledger {n} NOT NULL, participant {n} NOT NULL, code {n} NOT NULL, flags {n} NOT NULL,
                debits_pending {n} NOT NULL, debits_posted {n} NOT NULL, credits_pending {n} NOT NULL, credits_posted {n} NOT NULL,
                timestamp_ns {n} NOT NULL)
            """,
            $"""
            CREATE TABLE IF NOT EXISTS transfers (
                id {id} PRIMARY KEY, debit_account_id {id} NOT NULL, credit_account_id {id} NOT NULL, amount {n} NOT NULL,
                pending_id {id} NOT NULL, ledger {n} NOT NULL, code {n} NOT NULL, flags {n} NOT NULL, timestamp_ns {n} NOT NULL)
            """,
            "CREATE INDEX IF NOT EXISTS transfers_by_debit ON transfers (debit_account_id, timestamp_ns)",
            "CREATE INDEX IF NOT EXISTS transfers_by_credit ON transfers (credit_account_id, timestamp_ns)",
            $"""
            CREATE TABLE IF NOT EXISTS payments (
                payment_id {id} PRIMARY KEY, kind {t} NOT NULL, status {t} NOT NULL, reason {t} NOT NULL,
                payer {n} NOT NULL, payee {n} NOT NULL, ledger {n} NOT NULL, amount {n} NOT NULL,
                destination_ledger {n} NOT NULL, destination_amount {n} NOT NULL,
                lock_id {id}, source_leg_transfer_id {id}, destination_leg_transfer_id {id},
                invoice_number {t}, letter_of_credit {t}, contract_reference {t}, originator_name {t}, beneficiary_name {t},
                submitted_at_ns {n} NOT NULL, final_at_ns {n} NOT NULL, business_date {n} NOT NULL)
            """,
            "CREATE INDEX IF NOT EXISTS payments_by_lock ON payments (lock_id)",
            "CREATE INDEX IF NOT EXISTS payments_by_source_leg ON payments (source_leg_transfer_id)",
            "CREATE INDEX IF NOT EXISTS payments_by_destination_leg ON payments (destination_leg_transfer_id)",
            "CREATE INDEX IF NOT EXISTS payments_by_invoice ON payments (invoice_number)",
            "CREATE INDEX IF NOT EXISTS payments_by_letter_of_credit ON payments (letter_of_credit)",
            $"""
            CREATE TABLE IF NOT EXISTS statements (
                account_id {id} NOT NULL, business_date {n} NOT NULL, participant {n} NOT NULL, ledger {n} NOT NULL,
                opening_balance {n} NOT NULL, closing_balance {n} NOT NULL, truncated {n} NOT NULL,
                PRIMARY KEY (account_id, business_date))
            """,
            $"""
            CREATE TABLE IF NOT EXISTS statement_entries (
                account_id {id} NOT NULL, business_date {n} NOT NULL, line {n} NOT NULL, transfer_id {id} NOT NULL,
                payment_id {id} NOT NULL, amount {n} NOT NULL, is_credit {n} NOT NULL, counterparty {n} NOT NULL,
                code {n} NOT NULL, timestamp_ns {n} NOT NULL,
                PRIMARY KEY (account_id, business_date, line))
            """,
        ];
        lock (_gate)
            foreach (string sql in ddl)
            {
                using DbCommand c = Command(sql, null);
                c.ExecuteNonQuery();
            }
    }

    // ───────────────────────────── write ─────────────────────────────

    public void Write(ReadModelBatch batch)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using DbTransaction tx = Connection.BeginTransaction();
            using (DbCommand position = Command("UPDATE projection SET sequence = @next WHERE id = 1 AND sequence = @previous", tx))
            {
                Add(position, "@next", batch.Sequence);
                Add(position, "@previous", batch.Sequence - 1);
                if (position.ExecuteNonQuery() != 1)
                    throw new InvalidOperationException($"read model is not at batch {batch.Sequence - 1}: another projector wrote it, or it is ahead of this journal");
            }
            if (batch.Accounts.Count > 0) WriteAccounts(batch.Accounts, tx);
            if (batch.Transfers.Count > 0) WriteTransfers(batch.Transfers, tx);
            if (batch.Payments.Count > 0) WritePayments(batch.Payments, tx);
            foreach (AccountStatement s in batch.Statements) WriteStatement(s, tx);
            tx.Commit();
        }
    }

    /// <summary>Upserts changed balances; PostgreSQL overrides this with one statement over arrays.</summary>
    protected virtual void WriteAccounts(List<AccountRow> accounts, DbTransaction tx)
    {
        using DbCommand c = Command("""
            INSERT INTO accounts (id, ledger, participant, code, flags, debits_pending, debits_posted, credits_pending, credits_posted, timestamp_ns)
            VALUES (@id, @ledger, @participant, @code, @flags, @dp, @dpo, @cp, @cpo, @ts)
            ON CONFLICT (id) DO UPDATE SET flags = excluded.flags, debits_pending = excluded.debits_pending,
                debits_posted = excluded.debits_posted, credits_pending = excluded.credits_pending, credits_posted = excluded.credits_posted
            """, tx);
        DbParameter id = Add(c, "@id", Array.Empty<byte>()), ledger = Add(c, "@ledger", 0L), participant = Add(c, "@participant", 0L),
            code = Add(c, "@code", 0L), flags = Add(c, "@flags", 0L), dp = Add(c, "@dp", 0L), dpo = Add(c, "@dpo", 0L),
            cp = Add(c, "@cp", 0L), cpo = Add(c, "@cpo", 0L), ts = Add(c, "@ts", 0L);
        c.Prepare();
        foreach (AccountRow a in accounts)
        {
            id.Value = StoredId.ToBytes(a.Id); ledger.Value = (long)a.Ledger; participant.Value = (long)a.Participant; code.Value = (long)a.Code;
            flags.Value = (long)a.Flags; dp.Value = a.DebitsPendingMinor; dpo.Value = a.DebitsPostedMinor; cp.Value = a.CreditsPendingMinor;
            cpo.Value = a.CreditsPostedMinor; ts.Value = (long)a.TimestampNs;
            c.ExecuteNonQuery();
        }
    }

    /// <summary>Inserts new transfers; PostgreSQL overrides this with binary COPY.</summary>
    protected virtual void WriteTransfers(List<TransferRow> transfers, DbTransaction tx)
    {
        using DbCommand c = Command("""
            INSERT INTO transfers (id, debit_account_id, credit_account_id, amount, pending_id, ledger, code, flags, timestamp_ns)
            VALUES (@id, @debit, @credit, @amount, @pending, @ledger, @code, @flags, @ts)
            """, tx);
        DbParameter id = Add(c, "@id", Array.Empty<byte>()), debit = Add(c, "@debit", Array.Empty<byte>()), credit = Add(c, "@credit", Array.Empty<byte>()),
            amount = Add(c, "@amount", 0L), pending = Add(c, "@pending", Array.Empty<byte>()), ledger = Add(c, "@ledger", 0L),
            code = Add(c, "@code", 0L), flags = Add(c, "@flags", 0L), ts = Add(c, "@ts", 0L);
        c.Prepare();
        foreach (TransferRow t in transfers)
        {
            id.Value = StoredId.ToBytes(t.Id); debit.Value = StoredId.ToBytes(t.DebitAccountId); credit.Value = StoredId.ToBytes(t.CreditAccountId);
            amount.Value = t.AmountMinor; pending.Value = StoredId.ToBytes(t.PendingId); ledger.Value = (long)t.Ledger;
            code.Value = (long)t.Code; flags.Value = (long)t.Flags; ts.Value = (long)t.TimestampNs;
            c.ExecuteNonQuery();
        }
    }

    private void WritePayments(List<PaymentRow> payments, DbTransaction tx)
    {
        using DbCommand c = Command("""
            INSERT INTO payments (payment_id, kind, status, reason, payer, payee, ledger, amount, destination_ledger, destination_amount,
                lock_id, source_leg_transfer_id, destination_leg_transfer_id, invoice_number, letter_of_credit, contract_reference,
                originator_name, beneficiary_name, submitted_at_ns, final_at_ns, business_date)
            VALUES (@id, @kind, @status, @reason, @payer, @payee, @ledger, @amount, @dledger, @damount, @lock, @sleg, @dleg,
                @invoice, @lc, @contract, @originator, @beneficiary, @submitted, @final, @date)
            ON CONFLICT (payment_id) DO UPDATE SET status = excluded.status, reason = excluded.reason,
                source_leg_transfer_id = excluded.source_leg_transfer_id, destination_leg_transfer_id = excluded.destination_leg_transfer_id,
                final_at_ns = excluded.final_at_ns, business_date = excluded.business_date
            """, tx);
        DbParameter id = Add(c, "@id", Array.Empty<byte>()), kind = Add(c, "@kind", ""), status = Add(c, "@status", ""), reason = Add(c, "@reason", ""),
            payer = Add(c, "@payer", 0L), payee = Add(c, "@payee", 0L), ledger = Add(c, "@ledger", 0L), amount = Add(c, "@amount", 0L),
            dledger = Add(c, "@dledger", 0L), damount = Add(c, "@damount", 0L), lockId = Add(c, "@lock", Array.Empty<byte>()),
            sleg = Add(c, "@sleg", Array.Empty<byte>()), dleg = Add(c, "@dleg", Array.Empty<byte>()), invoice = Add(c, "@invoice", ""),
            lc = Add(c, "@lc", ""), contract = Add(c, "@contract", ""), originator = Add(c, "@originator", ""), beneficiary = Add(c, "@beneficiary", ""),
            submitted = Add(c, "@submitted", 0L), final = Add(c, "@final", 0L), date = Add(c, "@date", 0L);
        foreach (PaymentRow p in payments)
        {
            id.Value = StoredId.ToBytes(p.PaymentId); kind.Value = p.Kind; status.Value = p.Status; reason.Value = p.Reason;
            payer.Value = (long)p.Payer; payee.Value = (long)p.Payee; ledger.Value = (long)p.Ledger; amount.Value = p.AmountMinor;
            dledger.Value = (long)p.DestinationLedger; damount.Value = p.DestinationAmountMinor;
            lockId.Value = NullableId(p.LockId); sleg.Value = NullableId(p.SourceLegTransferId); dleg.Value = NullableId(p.DestinationLegTransferId);
            invoice.Value = p.InvoiceNumber; lc.Value = p.LetterOfCreditReference; contract.Value = p.ContractReference;
            originator.Value = p.OriginatorName; beneficiary.Value = p.BeneficiaryName;
            submitted.Value = (long)p.SubmittedAtNs; final.Value = (long)p.FinalAtNs; date.Value = (long)p.BusinessDate;
            c.ExecuteNonQuery();
        }
    }

    private static object NullableId(UInt128 id) => id == 0 ? DBNull.Value : StoredId.ToBytes(id);

    private void WriteStatement(AccountStatement s, DbTransaction tx)
    {
        using (DbCommand c = Command("""
            INSERT INTO statements (account_id, business_date, participant, ledger, opening_balance, closing_balance, truncated)
            VALUES (@account, @date, @participant, @ledger, @opening, @closing, @truncated)
            """, tx))
        {
            Add(c, "@account", StoredId.ToBytes(s.AccountId)); Add(c, "@date", (long)s.BusinessDate); Add(c, "@participant", (long)s.Participant);
            Add(c, "@ledger", (long)s.Ledger); Add(c, "@opening", s.OpeningBalanceMinor); Add(c, "@closing", s.ClosingBalanceMinor);
            Add(c, "@truncated", s.Truncated ? 1L : 0L);
            c.ExecuteNonQuery();
        }
        if (s.Entries.Count == 0) return;
        using DbCommand e = Command("""
            INSERT INTO statement_entries (account_id, business_date, line, transfer_id, payment_id, amount, is_credit, counterparty, code, timestamp_ns)
            VALUES (@account, @date, @line, @transfer, @payment, @amount, @credit, @counterparty, @code, @ts)
            """, tx);
        Add(e, "@account", StoredId.ToBytes(s.AccountId)); Add(e, "@date", (long)s.BusinessDate);
        DbParameter line = Add(e, "@line", 0L), transfer = Add(e, "@transfer", Array.Empty<byte>()), payment = Add(e, "@payment", Array.Empty<byte>()),
            amount = Add(e, "@amount", 0L), credit = Add(e, "@credit", 0L), counterparty = Add(e, "@counterparty", 0L), code = Add(e, "@code", 0L),
            ts = Add(e, "@ts", 0L);
        for (int i = 0; i < s.Entries.Count; i++)
        {
            StatementEntry x = s.Entries[i];
            line.Value = (long)i; transfer.Value = StoredId.ToBytes(x.TransferId); payment.Value = StoredId.ToBytes(x.PaymentId);
            amount.Value = x.AmountMinor; credit.Value = x.IsCredit ? 1L : 0L; counterparty.Value = (long)x.Counterparty;
            code.Value = (long)x.Code; ts.Value = (long)x.TimestampNs;
            e.ExecuteNonQuery();
        }
    }

    // ───────────────────────────── queries ─────────────────────────────

    private const string AccountColumns = "id, ledger, participant, code, flags, debits_pending, debits_posted, credits_pending, credits_posted, timestamp_ns";
    private const string TransferColumns = "id, debit_account_id, credit_account_id, amount, pending_id, ledger, code, flags, timestamp_ns";
    private const string PaymentColumns = """
        payment_id, kind, status, reason, payer, payee, ledger, amount, destination_ledger, destination_amount, lock_id,
        source_leg_transfer_id, destination_leg_transfer_id, invoice_number, letter_of_credit, contract_reference,
        originator_name, beneficiary_name, submitted_at_ns, final_at_ns, business_date
        """;

    public AccountRow? GetAccount(UInt128 accountId)
    {
        lock (_gate)
        {
            using DbCommand c = Command($"SELECT {AccountColumns} FROM accounts WHERE id = @id", null);
            Add(c, "@id", StoredId.ToBytes(accountId));
            using DbDataReader r = c.ExecuteReader();
            return r.Read() ? ReadAccount(r) : null;
        }
    }

    public IReadOnlyList<AccountRow> GetAccounts(UInt128 afterId, int limit)
    {
        limit = Math.Clamp(limit, 0, MaxPageRows);
        lock (_gate)
        {
            using DbCommand c = Command($"SELECT {AccountColumns} FROM accounts WHERE id > @after ORDER BY id LIMIT @limit", null);
            Add(c, "@after", StoredId.ToBytes(afterId));
            Add(c, "@limit", (long)limit);
            var rows = new List<AccountRow>();
            using DbDataReader r = c.ExecuteReader();
            while (r.Read()) rows.Add(ReadAccount(r));
            return rows;
        }
    }

    public TransferPage GetAccountTransfers(UInt128 accountId, ulong fromNs, ulong toNs, ulong afterTimestampNs, int limit)
    {
        limit = Math.Clamp(limit, 1, MaxPageRows);
        ulong lower = Math.Max(fromNs, afterTimestampNs == 0 ? 0 : afterTimestampNs + 1);
        long upper = toNs > long.MaxValue ? long.MaxValue : (long)toNs;
        lock (_gate)
        {
            // Two index range scans (debit side, credit side) merged by timestamp; engine timestamps are unique.
            using DbCommand c = Command($"""
                SELECT {TransferColumns} FROM (
                    SELECT {TransferColumns} FROM transfers WHERE debit_account_id = @account AND timestamp_ns >= @lower AND timestamp_ns < @upper
                    UNION ALL
                    SELECT {TransferColumns} FROM transfers WHERE credit_account_id = @account AND debit_account_id <> @account
                        AND timestamp_ns >= @lower AND timestamp_ns < @upper
                ) AS t ORDER BY timestamp_ns LIMIT @limit
                """, null);
            Add(c, "@account", StoredId.ToBytes(accountId));
            Add(c, "@lower", (long)Math.Min(lower, long.MaxValue));
            Add(c, "@upper", upper);
            Add(c, "@limit", (long)limit);
            var rows = new List<TransferRow>();
            using (DbDataReader r = c.ExecuteReader())
                while (r.Read())
                    rows.Add(new TransferRow(Id(r, 0), Id(r, 1), Id(r, 2), r.GetInt64(3), Id(r, 4), (uint)r.GetInt64(5),
                        (ushort)r.GetInt64(6), (ushort)r.GetInt64(7), (ulong)r.GetInt64(8)));
            return new TransferPage(rows, rows.Count == limit ? rows[^1].TimestampNs : null);
        }
    }

    public PaymentRow? FindPayment(UInt128 anyId)
    {
        lock (_gate)
        {
            using DbCommand c = Command($"""
                SELECT {PaymentColumns} FROM payments WHERE payment_id = @id
                UNION ALL SELECT {PaymentColumns} FROM payments WHERE lock_id = @id
                UNION ALL SELECT {PaymentColumns} FROM payments WHERE source_leg_transfer_id = @id
                UNION ALL SELECT {PaymentColumns} FROM payments WHERE destination_leg_transfer_id = @id
                LIMIT 1
                """, null);
            Add(c, "@id", StoredId.ToBytes(anyId));
            using DbDataReader r = c.ExecuteReader();
            return r.Read() ? ReadPayment(r) : null;
        }
    }

    public IReadOnlyList<PaymentRow> FindPaymentsByTradeReference(string reference, int limit)
    {
        limit = Math.Clamp(limit, 0, MaxPageRows);
        lock (_gate)
        {
            using DbCommand c = Command($"""
                SELECT {PaymentColumns} FROM (
                    SELECT {PaymentColumns} FROM payments WHERE invoice_number = @ref
                    UNION SELECT {PaymentColumns} FROM payments WHERE letter_of_credit = @ref
                ) AS p ORDER BY submitted_at_ns LIMIT @limit
                """, null);
            Add(c, "@ref", reference);
            Add(c, "@limit", (long)limit);
            var rows = new List<PaymentRow>();
            using DbDataReader r = c.ExecuteReader();
            while (r.Read()) rows.Add(ReadPayment(r));
            return rows;
        }
    }

    public AccountStatement? GetStatement(UInt128 accountId, uint businessDate)
    {
        lock (_gate)
        {
            long participant, ledger, opening, closing;
            bool truncated;
            using (DbCommand c = Command("""
                SELECT participant, ledger, opening_balance, closing_balance, truncated FROM statements
                WHERE account_id = @account AND business_date = @date
                """, null))
            {
                Add(c, "@account", StoredId.ToBytes(accountId));
                Add(c, "@date", (long)businessDate);
                using DbDataReader r = c.ExecuteReader();
                if (!r.Read()) return null;
                participant = r.GetInt64(0); ledger = r.GetInt64(1); opening = r.GetInt64(2); closing = r.GetInt64(3); truncated = r.GetInt64(4) != 0;
            }
            var entries = new List<StatementEntry>();
            using (DbCommand c = Command("""
                SELECT transfer_id, payment_id, amount, is_credit, counterparty, code, timestamp_ns FROM statement_entries
                WHERE account_id = @account AND business_date = @date ORDER BY line
                """, null))
            {
                Add(c, "@account", StoredId.ToBytes(accountId));
                Add(c, "@date", (long)businessDate);
                using DbDataReader r = c.ExecuteReader();
                while (r.Read())
                    entries.Add(new StatementEntry(Id(r, 0), Id(r, 1), r.GetInt64(2), r.GetInt64(3) != 0, (ulong)r.GetInt64(4), (ushort)r.GetInt64(5), (ulong)r.GetInt64(6)));
            }
            return new AccountStatement(businessDate, (ulong)participant, (uint)ledger, accountId, opening, closing, entries, truncated);
        }
    }

    private static AccountRow ReadAccount(DbDataReader r) =>
        new(Id(r, 0), (uint)r.GetInt64(1), (ulong)r.GetInt64(2), (ushort)r.GetInt64(3), (ushort)r.GetInt64(4),
            r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetInt64(8), (ulong)r.GetInt64(9));

    private static PaymentRow ReadPayment(DbDataReader r) =>
        new(Id(r, 0), r.GetString(1), r.GetString(2), r.GetString(3), (ulong)r.GetInt64(4), (ulong)r.GetInt64(5),
            (uint)r.GetInt64(6), r.GetInt64(7), (uint)r.GetInt64(8), r.GetInt64(9), Id(r, 10), Id(r, 11), Id(r, 12),
            Text(r, 13), Text(r, 14), Text(r, 15), Text(r, 16), Text(r, 17),
            (ulong)r.GetInt64(18), (ulong)r.GetInt64(19), (uint)r.GetInt64(20));

    private static UInt128 Id(DbDataReader r, int i) => r.IsDBNull(i) ? 0 : StoredId.FromBytes((byte[])r.GetValue(i));
    private static string Text(DbDataReader r, int i) => r.IsDBNull(i) ? "" : r.GetString(i);

    // ───────────────────────────── plumbing ─────────────────────────────

    protected DbCommand Command(string sql, DbTransaction? tx)
    {
        DbCommand c = Connection.CreateCommand();
#pragma warning disable CA2100 // SQL is built from constants and validated type names only; values are parameters
        c.CommandText = sql;
#pragma warning restore CA2100
        c.Transaction = tx;
        return c;
    }

    protected static DbParameter Add(DbCommand command, string name, object value)
    {
        DbParameter p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
        return p;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            Connection.Dispose();
        }
        GC.SuppressFinalize(this);
    }
}
