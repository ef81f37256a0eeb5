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

    /// <summary>
    /// Layout version of the tables. A read model is derived data: when an older layout is found its tables are
    /// dropped and rebuilt from the journal (position 0), never migrated in place.
    /// </summary>
    public const int SchemaVersion = 6; // 6: batches (sequence, engine time, chain hash of every projected journal batch); 5: party_names (search by party name), indexes by status and business date; 4: payee, ids, party accounts and BICs of PvP payments

    private static readonly string[] Tables = ["projection", "accounts", "transfers", "payments", "statements", "statement_entries", "batches"];

    /// <summary>Creates the tables and the position row if missing; drops and recreates them when their layout is older.</summary>
    protected void CreateSchema()
    {
        string id = IdType, n = IntType, t = TextType;
        lock (_gate)
        {
            Execute($"CREATE TABLE IF NOT EXISTS read_model_schema (id {n} PRIMARY KEY, version {n} NOT NULL)");
            long stored;
            using (DbCommand c = Command("SELECT version FROM read_model_schema WHERE id = 1", null))
                stored = c.ExecuteScalar() is { } v and not DBNull ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) : 0;
            if (stored != SchemaVersion)
            {
                foreach (string table in Tables) Execute($"DROP TABLE IF EXISTS {table}");
                Execute("DELETE FROM read_model_schema");
                Execute($"INSERT INTO read_model_schema (id, version) VALUES (1, {SchemaVersion})");
            }
        }
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
            "CREATE INDEX IF NOT EXISTS accounts_by_participant ON accounts (participant, id)",
            // Keyed by engine timestamp (unique per transfer, ascending): SQLite stores rows in that order (rowid alias),
            // so a batch's rows append at the end; the two account indexes are the only random-position inserts.
            $"""
            CREATE TABLE IF NOT EXISTS transfers (
                timestamp_ns {n} PRIMARY KEY, id {id} NOT NULL, debit_account_id {id} NOT NULL, credit_account_id {id} NOT NULL,
                amount {n} NOT NULL, pending_id {id} NOT NULL, ledger {n} NOT NULL, code {n} NOT NULL, flags {n} NOT NULL,
                user_data_128 {id} NOT NULL, user_data_64 {n} NOT NULL, user_data_32 {n} NOT NULL, timeout_seconds {n} NOT NULL)
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
                submitted_at_ns {n} NOT NULL, final_at_ns {n} NOT NULL, business_date {n} NOT NULL,
                priority {t} NOT NULL, payment_kind {t} NOT NULL, earliest_ns {n} NOT NULL, latest_ns {n} NOT NULL, window_id {n} NOT NULL,
                msg_id {t}, instr_id {t}, end_to_end_id {t}, tx_id {t}, uetr {t},
                originator_account {t}, beneficiary_account {t}, payer_bic {t}, payee_bic {t}, party_names {t} NOT NULL)
            """,
            "CREATE INDEX IF NOT EXISTS payments_by_status ON payments (status, submitted_at_ns, payment_id)",
            "CREATE INDEX IF NOT EXISTS payments_by_date ON payments (business_date, submitted_at_ns, payment_id)",
            "CREATE INDEX IF NOT EXISTS payments_by_submitted ON payments (submitted_at_ns, payment_id)",
            "CREATE INDEX IF NOT EXISTS payments_by_lock ON payments (lock_id)",
            "CREATE INDEX IF NOT EXISTS payments_by_source_leg ON payments (source_leg_transfer_id)",
            "CREATE INDEX IF NOT EXISTS payments_by_destination_leg ON payments (destination_leg_transfer_id)",
            "CREATE INDEX IF NOT EXISTS payments_by_invoice ON payments (invoice_number)",
            "CREATE INDEX IF NOT EXISTS payments_by_letter_of_credit ON payments (letter_of_credit)",
            "CREATE INDEX IF NOT EXISTS payments_by_msg_id ON payments (msg_id)",
            "CREATE INDEX IF NOT EXISTS payments_by_instr_id ON payments (instr_id)",
            "CREATE INDEX IF NOT EXISTS payments_by_end_to_end_id ON payments (end_to_end_id)",
            "CREATE INDEX IF NOT EXISTS payments_by_tx_id ON payments (tx_id)",
            "CREATE INDEX IF NOT EXISTS payments_by_uetr ON payments (uetr)",
            // Every projected journal batch: engine time rises from batch to batch and every event of a batch is stamped at or after
            // the batch's time and before the next batch's, so the batch that applied an event is the last one starting at or before it.
            $"CREATE TABLE IF NOT EXISTS batches (sequence {n} PRIMARY KEY, timestamp_ns {n} NOT NULL, hash {id} NOT NULL)",
            "CREATE INDEX IF NOT EXISTS batches_by_time ON batches (timestamp_ns)",
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
            foreach (string sql in ddl) Execute(sql);
    }

    private void Execute(string sql)
    {
        using DbCommand c = Command(sql, null);
        c.ExecuteNonQuery();
    }

    // ───────────────────────────── write ─────────────────────────────

    // Prepared once per connection and reused for every batch (binding new values is all a row costs).
    private DbCommand? _position, _upsertAccount, _insertTransfer, _upsertPayment, _insertBatch;
    private DbParameter[] _positionParams = [], _accountParams = [], _transferParams = [], _paymentParams = [], _batchParams = [];

    /// <summary>The INSERT of one transfer row up to its VALUES list (columns in <see cref="TransferRow"/> order).</summary>
    protected const string TransferInsertColumns =
        "INSERT INTO transfers (id, debit_account_id, credit_account_id, amount, pending_id, ledger, code, flags, timestamp_ns, user_data_128, user_data_64, user_data_32, timeout_seconds) VALUES ";

    public void Write(ReadModelBatch batch)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using DbTransaction tx = Connection.BeginTransaction();
            _position ??= Prepared("UPDATE projection SET sequence = @next WHERE id = 1 AND sequence = @previous", ["@next", "@previous"], 0L, out _positionParams);
            _position.Transaction = tx;
            _positionParams[0].Value = batch.Sequence;
            _positionParams[1].Value = batch.PreviousSequence;
            if (_position.ExecuteNonQuery() != 1)
                throw new InvalidOperationException($"read model is not at batch {batch.PreviousSequence}: another projector wrote it, or it is ahead of this journal");
            if (batch.Accounts.Count > 0) WriteAccounts(batch.Accounts, tx);
            if (batch.Transfers.Count > 0) WriteTransfers(batch.Transfers, tx);
            if (batch.Payments.Count > 0) WritePayments(batch.Payments, tx);
            foreach (AccountStatement s in batch.Statements) WriteStatement(s, tx);
            if (batch.Batches.Count > 0) WriteBatches(batch.Batches, tx);
            tx.Commit();
        }
    }

    /// <summary>A command prepared once: its parameters (named as given, initial value <paramref name="initial"/>) come back in order.</summary>
    private DbCommand Prepared(string sql, string[] names, object initial, out DbParameter[] parameters)
    {
        DbCommand c = Command(sql, null);
        parameters = new DbParameter[names.Length];
        for (int i = 0; i < names.Length; i++) parameters[i] = Add(c, names[i], initial);
        return c;
    }

    /// <summary>Upserts changed balances; PostgreSQL overrides this with one statement over arrays.</summary>
    protected virtual void WriteAccounts(List<AccountRow> accounts, DbTransaction tx)
    {
        _upsertAccount ??= Prepared("""
            INSERT INTO accounts (id, ledger, participant, code, flags, debits_pending, debits_posted, credits_pending, credits_posted, timestamp_ns)
            VALUES (@id, @ledger, @participant, @code, @flags, @dp, @dpo, @cp, @cpo, @ts)
            ON CONFLICT (id) DO UPDATE SET flags = excluded.flags, debits_pending = excluded.debits_pending,
                debits_posted = excluded.debits_posted, credits_pending = excluded.credits_pending, credits_posted = excluded.credits_posted
            """, ["@id", "@ledger", "@participant", "@code", "@flags", "@dp", "@dpo", "@cp", "@cpo", "@ts"], 0L, out _accountParams);
        _accountParams[0].Value = Array.Empty<byte>();
        _upsertAccount.Transaction = tx;
        DbParameter[] p = _accountParams;
        foreach (AccountRow a in accounts)
        {
            p[0].Value = StoredId.ToBytes(a.Id); p[1].Value = (long)a.Ledger; p[2].Value = (long)a.Participant; p[3].Value = (long)a.Code;
            p[4].Value = (long)a.Flags; p[5].Value = a.DebitsPendingMinor; p[6].Value = a.DebitsPostedMinor; p[7].Value = a.CreditsPendingMinor;
            p[8].Value = a.CreditsPostedMinor; p[9].Value = (long)a.TimestampNs;
            _upsertAccount.ExecuteNonQuery();
        }
    }

    /// <summary>Inserts new transfers with one command prepared once; SQLite and PostgreSQL override this with their bulk paths.</summary>
    protected virtual void WriteTransfers(List<TransferRow> transfers, DbTransaction tx)
    {
        _insertTransfer ??= Prepared(TransferInsertColumns + "(@p0,@p1,@p2,@p3,@p4,@p5,@p6,@p7,@p8,@p9,@p10,@p11,@p12)",
            ["@p0", "@p1", "@p2", "@p3", "@p4", "@p5", "@p6", "@p7", "@p8", "@p9", "@p10", "@p11", "@p12"], 0L, out _transferParams);
        _insertTransfer.Transaction = tx;
        DbParameter[] p = _transferParams;
        foreach (TransferRow t in transfers)
        {
            p[0].Value = StoredId.ToBytes(t.Id); p[1].Value = StoredId.ToBytes(t.DebitAccountId); p[2].Value = StoredId.ToBytes(t.CreditAccountId);
            p[3].Value = t.AmountMinor; p[4].Value = StoredId.ToBytes(t.PendingId); p[5].Value = (long)t.Ledger;
            p[6].Value = (long)t.Code; p[7].Value = (long)t.Flags; p[8].Value = (long)t.TimestampNs;
            p[9].Value = StoredId.ToBytes(t.UserData128); p[10].Value = (long)t.UserData64; p[11].Value = (long)t.UserData32; p[12].Value = (long)t.TimeoutSeconds;
            _insertTransfer.ExecuteNonQuery();
        }
    }

    /// <summary>Upserts payment rows (one per payment changed since the last write); SQLite overrides this with its C API path.</summary>
    protected virtual void WritePayments(List<PaymentRow> payments, DbTransaction tx)
    {
        _upsertPayment ??= Prepared(PaymentUpsertSql,
            ["@id", "@kind", "@status", "@reason", "@payer", "@payee", "@ledger", "@amount", "@dledger", "@damount", "@lock", "@sleg", "@dleg",
             "@invoice", "@lc", "@contract", "@originator", "@beneficiary", "@submitted", "@final", "@date",
             "@priority", "@pkind", "@earliest", "@latest", "@window", "@msg", "@instr", "@e2e", "@txid", "@uetr",
             "@oacct", "@bacct", "@pbic", "@ebic", "@parties"], 0L, out _paymentParams);
        _upsertPayment.Transaction = tx;
        DbParameter[] x = _paymentParams;
        foreach (PaymentRow p in payments)
        {
            x[0].Value = StoredId.ToBytes(p.PaymentId); x[1].Value = p.Kind; x[2].Value = p.Status; x[3].Value = p.Reason;
            x[4].Value = (long)p.Payer; x[5].Value = (long)p.Payee; x[6].Value = (long)p.Ledger; x[7].Value = p.AmountMinor;
            x[8].Value = (long)p.DestinationLedger; x[9].Value = p.DestinationAmountMinor;
            x[10].Value = NullableId(p.LockId); x[11].Value = NullableId(p.SourceLegTransferId); x[12].Value = NullableId(p.DestinationLegTransferId);
            x[13].Value = p.InvoiceNumber; x[14].Value = p.LetterOfCreditReference; x[15].Value = p.ContractReference;
            x[16].Value = p.OriginatorName; x[17].Value = p.BeneficiaryName;
            x[18].Value = (long)p.SubmittedAtNs; x[19].Value = (long)p.FinalAtNs; x[20].Value = (long)p.BusinessDate;
            x[21].Value = p.Priority; x[22].Value = p.PaymentKind; x[23].Value = (long)p.EarliestNs; x[24].Value = (long)p.LatestNs; x[25].Value = (long)p.WindowId;
            x[26].Value = NullableText(p.MsgId); x[27].Value = NullableText(p.InstrId); x[28].Value = NullableText(p.EndToEndId);
            x[29].Value = NullableText(p.TxId); x[30].Value = NullableText(p.Uetr);
            x[31].Value = NullableText(p.OriginatorAccount); x[32].Value = NullableText(p.BeneficiaryAccount);
            x[33].Value = NullableText(p.PayerBic); x[34].Value = NullableText(p.PayeeBic);
            x[35].Value = PartyNames(p.OriginatorName, p.BeneficiaryName);
            _upsertPayment.ExecuteNonQuery();
        }
    }

    private void WriteBatches(List<BatchRow> batches, DbTransaction tx)
    {
        _insertBatch ??= Prepared("INSERT INTO batches (sequence, timestamp_ns, hash) VALUES (@sequence, @ts, @hash)", ["@sequence", "@ts", "@hash"], 0L, out _batchParams);
        _insertBatch.Transaction = tx;
        foreach (BatchRow b in batches)
        {
            _batchParams[0].Value = b.Sequence; _batchParams[1].Value = (long)b.TimestampNs; _batchParams[2].Value = b.Hash;
            _insertBatch.ExecuteNonQuery();
        }
    }

    private static object NullableText(string? text) => string.IsNullOrEmpty(text) ? DBNull.Value : text;

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
    private const string TransferColumns =
        "id, debit_account_id, credit_account_id, amount, pending_id, ledger, code, flags, timestamp_ns, user_data_128, user_data_64, user_data_32, timeout_seconds";
    private const string PaymentColumns = """
        payment_id, kind, status, reason, payer, payee, ledger, amount, destination_ledger, destination_amount, lock_id,
        source_leg_transfer_id, destination_leg_transfer_id, invoice_number, letter_of_credit, contract_reference,
        originator_name, beneficiary_name, submitted_at_ns, final_at_ns, business_date,
        priority, payment_kind, earliest_ns, latest_ns, window_id, msg_id, instr_id, end_to_end_id, tx_id, uetr,
        originator_account, beneficiary_account, payer_bic, payee_bic
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
            AddAccountRange(c, accountId, fromNs, toNs, afterTimestampNs, limit);
            var rows = new List<TransferRow>();
            using (DbDataReader r = c.ExecuteReader())
                while (r.Read())
                    rows.Add(ReadTransfer(r));
            return new TransferPage(rows, rows.Count == limit ? rows[^1].TimestampNs : null);
        }
    }

    /// <summary>One transfer row from the first columns of a row (<see cref="TransferColumns"/> order).</summary>
    private static TransferRow ReadTransfer(DbDataReader r) =>
        new(Id(r, 0), Id(r, 1), Id(r, 2), r.GetInt64(3), Id(r, 4), (uint)r.GetInt64(5),
            (ushort)r.GetInt64(6), (ushort)r.GetInt64(7), (ulong)r.GetInt64(8), Id(r, 9), (ulong)r.GetInt64(10), (uint)r.GetInt64(11), (uint)r.GetInt64(12));

    /// <summary>@account, the time range [@lower, @upper) after a keyset cursor, and @limit of an account's page.</summary>
    private static void AddAccountRange(DbCommand c, UInt128 accountId, ulong fromNs, ulong toNs, ulong afterTimestampNs, int limit)
    {
        ulong lower = Math.Max(fromNs, afterTimestampNs == 0 ? 0 : afterTimestampNs + 1);
        Add(c, "@account", StoredId.ToBytes(accountId));
        Add(c, "@lower", (long)Math.Min(lower, long.MaxValue));
        Add(c, "@upper", toNs > long.MaxValue ? long.MaxValue : (long)toNs);
        Add(c, "@limit", (long)limit);
    }

    private static readonly string BookingColumns =
        string.Join(", ", TransferColumns.Split(',').Select(c => "t." + c.Trim())) + ", " + string.Join(", ", PaymentColumns.Split(',').Select(c => "p." + c.Trim()));

    // Pending reservations and voids move no posted balance: they are not bookings. The payment a booking settles is
    // named by its user_data_128 for the transfers the engine creates for payments (RTGS/LSM legs, PvP payer leg and post).
    private const int NotBookingFlags = (int)(Core.Ledger.TransferFlags.Pending | Core.Ledger.TransferFlags.VoidPendingTransfer);
    private static readonly string PaymentTransferCodes = string.Join(", ", SettlementTransferCode.Payment, SettlementTransferCode.PaymentLeg,
        Core.Exchange.ExchangeTransfers.ReservationCode, Core.Exchange.ExchangeTransfers.PayerLegCode,
        Core.Federation.FederationState.HoldCode, Core.Federation.FederationState.DestinationLegCode); // a cross-node hold's post inherits its code

    public BookingPage GetAccountBookings(UInt128 accountId, ulong fromNs, ulong toNs, ulong afterTimestampNs, int limit)
    {
        limit = Math.Clamp(limit, 1, MaxPageRows);
        lock (_gate)
        {
            using DbCommand c = Command($"""
                SELECT {BookingColumns} FROM (
                    SELECT {TransferColumns} FROM (
                        SELECT {TransferColumns} FROM transfers WHERE debit_account_id = @account AND timestamp_ns >= @lower AND timestamp_ns < @upper
                            AND (flags & {NotBookingFlags}) = 0
                        UNION ALL
                        SELECT {TransferColumns} FROM transfers WHERE credit_account_id = @account AND debit_account_id <> @account
                            AND timestamp_ns >= @lower AND timestamp_ns < @upper AND (flags & {NotBookingFlags}) = 0
                    ) AS b ORDER BY timestamp_ns LIMIT @limit
                ) AS t LEFT JOIN payments p ON p.payment_id = t.user_data_128 AND t.code IN ({PaymentTransferCodes})
                ORDER BY t.timestamp_ns
                """, null);
            AddAccountRange(c, accountId, fromNs, toNs, afterTimestampNs, limit);
            var rows = new List<Booking>();
            const int paymentColumn = 13;
            using (DbDataReader r = c.ExecuteReader())
                while (r.Read())
                    rows.Add(new Booking(
                        ReadTransfer(r),
                        r.IsDBNull(paymentColumn) ? null : ReadPayment(r, paymentColumn)));
            return new BookingPage(rows, rows.Count == limit ? rows[^1].Transfer.TimestampNs : null);
        }
    }

    public IReadOnlyDictionary<UInt128, PaymentRow> GetStatementPayments(UInt128 accountId, uint businessDate)
    {
        lock (_gate)
        {
            using DbCommand c = Command($"""
                SELECT {PaymentColumns} FROM payments WHERE payment_id IN (
                    SELECT payment_id FROM statement_entries WHERE account_id = @account AND business_date = @date)
                """, null);
            Add(c, "@account", StoredId.ToBytes(accountId));
            Add(c, "@date", (long)businessDate);
            var found = new Dictionary<UInt128, PaymentRow>();
            using DbDataReader r = c.ExecuteReader();
            while (r.Read())
            {
                PaymentRow p = ReadPayment(r);
                found[p.PaymentId] = p;
            }
            return found;
        }
    }

    /// <summary>
    /// The journal batch that applied an event of engine time <paramref name="timestampNs"/> (a transfer's or a payment's final
    /// time): the last projected batch whose time is at or before it; null when none is (nothing projected yet).
    /// </summary>
    public BatchRow? FindBatchAt(ulong timestampNs)
    {
        lock (_gate)
        {
            using DbCommand c = Command("SELECT sequence, timestamp_ns, hash FROM batches WHERE timestamp_ns <= @ts ORDER BY timestamp_ns DESC LIMIT 1", null);
            Add(c, "@ts", (long)timestampNs);
            using DbDataReader r = c.ExecuteReader();
            return r.Read() ? new BatchRow(r.GetInt64(0), (ulong)r.GetInt64(1), (byte[])r.GetValue(2)) : null;
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
            return ReadPayments(c, "@ref", reference, limit);
        }
    }

    /// <summary>Runs a payment query that takes one text parameter and a row limit (caller holds the gate).</summary>
    private List<PaymentRow> ReadPayments(DbCommand c, string parameter, string value, int limit)
    {
        Add(c, parameter, value);
        Add(c, "@limit", (long)limit);
        var rows = new List<PaymentRow>();
        using DbDataReader r = c.ExecuteReader();
        while (r.Read()) rows.Add(ReadPayment(r));
        return rows;
    }

    /// <summary>Payments whose <paramref name="reference"/> column equals <paramref name="value"/>, oldest first (indexed lookups).</summary>
    public IReadOnlyList<PaymentRow> FindPaymentsBy(PaymentReference reference, string value, int limit)
    {
        string column = reference switch
        {
            PaymentReference.Uetr => "uetr",
            PaymentReference.EndToEndId => "end_to_end_id",
            PaymentReference.MsgId => "msg_id",
            PaymentReference.TxId => "tx_id",
            PaymentReference.InstrId => "instr_id",
            PaymentReference.InvoiceNumber => "invoice_number",
            PaymentReference.LetterOfCredit => "letter_of_credit",
            _ => throw new ArgumentOutOfRangeException(nameof(reference)),
        };
        limit = Math.Clamp(limit, 0, MaxPageRows);
        lock (_gate)
        {
            using DbCommand c = Command($"SELECT {PaymentColumns} FROM payments WHERE {column} = @value ORDER BY submitted_at_ns LIMIT @limit", null);
            return ReadPayments(c, "@value", value, limit);
        }
    }

    /// <summary>What a party-name search compares with: both names, case-folded (culture-invariant, so Cyrillic folds too).</summary>
    protected static string PartyNames(string originator, string beneficiary) => (originator + "\n" + beneficiary).ToLowerInvariant();

    /// <summary>
    /// Payments that meet every filter given, oldest first (submission time, then id), after the keyset position
    /// <see cref="PaymentFilter.AfterSubmittedNs"/>/<see cref="PaymentFilter.AfterId"/>; at most <paramref name="limit"/>.
    /// </summary>
    public IReadOnlyList<PaymentRow> ListPayments(PaymentFilter filter, int limit)
    {
        ArgumentNullException.ThrowIfNull(filter);
        limit = Math.Clamp(limit, 0, MaxPageRows);
        var where = new List<string>(6);
        if (filter.Status is not null) where.Add("status = @status");
        if (filter.Kind is not null) where.Add("kind = @kind");
        if (filter.BusinessDate is not null) where.Add("business_date = @date");
        if (filter.PartyName is not null) where.Add("party_names LIKE @party ESCAPE '\\'");
        if (filter.Participant is not null) where.Add("(payer = @participant OR payee = @participant)");
        if (filter.AfterSubmittedNs is not null) where.Add("(submitted_at_ns > @after_ns OR (submitted_at_ns = @after_ns AND payment_id > @after_id))");
        lock (_gate)
        {
            using DbCommand c = Command($"SELECT {PaymentColumns} FROM payments{(where.Count == 0 ? "" : " WHERE " + string.Join(" AND ", where))} ORDER BY submitted_at_ns, payment_id LIMIT @limit", null);
            if (filter.Status is not null) Add(c, "@status", filter.Status);
            if (filter.Kind is not null) Add(c, "@kind", filter.Kind);
            if (filter.BusinessDate is { } date) Add(c, "@date", (long)date);
            if (filter.PartyName is not null) Add(c, "@party", "%" + EscapeLike(filter.PartyName.ToLowerInvariant()) + "%");
            if (filter.Participant is { } participant) Add(c, "@participant", (long)participant);
            if (filter.AfterSubmittedNs is { } afterNs)
            {
                Add(c, "@after_ns", (long)afterNs);
                Add(c, "@after_id", StoredId.ToBytes(filter.AfterId));
            }
            Add(c, "@limit", (long)limit);
            var rows = new List<PaymentRow>();
            using DbDataReader r = c.ExecuteReader();
            while (r.Read()) rows.Add(ReadPayment(r));
            return rows;
        }
    }

    private static string EscapeLike(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>Accounts of one participant in id order after <paramref name="afterId"/>.</summary>
    public IReadOnlyList<AccountRow> GetParticipantAccounts(ulong participant, UInt128 afterId, int limit)
    {
        limit = Math.Clamp(limit, 0, MaxPageRows);
        lock (_gate)
        {
            using DbCommand c = Command($"SELECT {AccountColumns} FROM accounts WHERE participant = @participant AND id > @after ORDER BY id LIMIT @limit", null);
            Add(c, "@participant", (long)participant);
            Add(c, "@after", StoredId.ToBytes(afterId));
            Add(c, "@limit", (long)limit);
            var rows = new List<AccountRow>();
            using DbDataReader r = c.ExecuteReader();
            while (r.Read()) rows.Add(ReadAccount(r));
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

    private static PaymentRow ReadPayment(DbDataReader r) => ReadPayment(r, 0);

    /// <summary>A payment row whose <see cref="PaymentColumns"/> start at column <paramref name="first"/>.</summary>
    private static PaymentRow ReadPayment(DbDataReader r, int first)
    {
        return new(Id(r, first + 0), r.GetString(first + 1), r.GetString(first + 2), r.GetString(first + 3), (ulong)r.GetInt64(first + 4), (ulong)r.GetInt64(first + 5),
            (uint)r.GetInt64(first + 6), r.GetInt64(first + 7), (uint)r.GetInt64(first + 8), r.GetInt64(first + 9), Id(r, first + 10), Id(r, first + 11), Id(r, first + 12),
            Text(r, first + 13), Text(r, first + 14), Text(r, first + 15), Text(r, first + 16), Text(r, first + 17),
            (ulong)r.GetInt64(first + 18), (ulong)r.GetInt64(first + 19), (uint)r.GetInt64(first + 20),
            r.GetString(first + 21), r.GetString(first + 22), (ulong)r.GetInt64(first + 23), (ulong)r.GetInt64(first + 24), (ulong)r.GetInt64(first + 25),
            NullText(r, first + 26), NullText(r, first + 27), NullText(r, first + 28), NullText(r, first + 29), NullText(r, first + 30),
            NullText(r, first + 31), NullText(r, first + 32), NullText(r, first + 33), NullText(r, first + 34));
    }

    private static string? NullText(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

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

    /// <summary>Releases what a subclass prepared on the connection, before the connection closes (called under the lock).</summary>
    protected virtual void OnDispose()
    {
    }

    /// <summary>The SQL of the balance upsert, for subclasses with their own binding path.</summary>
    protected const string AccountUpsertSql = """
        INSERT INTO accounts (id, ledger, participant, code, flags, debits_pending, debits_posted, credits_pending, credits_posted, timestamp_ns)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
        ON CONFLICT (id) DO UPDATE SET flags = excluded.flags, debits_pending = excluded.debits_pending,
            debits_posted = excluded.debits_posted, credits_pending = excluded.credits_pending, credits_posted = excluded.credits_posted
        """;

    /// <summary>
    /// The SQL of the payment upsert. Its 36 named parameters appear once each, in <see cref="PaymentRow"/> order, so SQLite numbers them 1…36
    /// in that order (a named parameter takes the next number at its first appearance) and a subclass may bind by index.
    /// </summary>
    protected const string PaymentUpsertSql = """
        INSERT INTO payments (payment_id, kind, status, reason, payer, payee, ledger, amount, destination_ledger, destination_amount,
            lock_id, source_leg_transfer_id, destination_leg_transfer_id, invoice_number, letter_of_credit, contract_reference,
            originator_name, beneficiary_name, submitted_at_ns, final_at_ns, business_date,
            priority, payment_kind, earliest_ns, latest_ns, window_id, msg_id, instr_id, end_to_end_id, tx_id, uetr,
            originator_account, beneficiary_account, payer_bic, payee_bic, party_names)
        VALUES (@id, @kind, @status, @reason, @payer, @payee, @ledger, @amount, @dledger, @damount, @lock, @sleg, @dleg,
            @invoice, @lc, @contract, @originator, @beneficiary, @submitted, @final, @date,
            @priority, @pkind, @earliest, @latest, @window, @msg, @instr, @e2e, @txid, @uetr, @oacct, @bacct, @pbic, @ebic, @parties)
        ON CONFLICT (payment_id) DO UPDATE SET status = excluded.status, reason = excluded.reason,
            source_leg_transfer_id = excluded.source_leg_transfer_id, destination_leg_transfer_id = excluded.destination_leg_transfer_id,
            final_at_ns = excluded.final_at_ns, business_date = excluded.business_date, priority = excluded.priority
        """;

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (DbCommand? c in new[] { _position, _upsertAccount, _insertTransfer, _upsertPayment, _insertBatch }) c?.Dispose();
            OnDispose();
            Connection.Dispose();
        }
        GC.SuppressFinalize(this);
    }
}
