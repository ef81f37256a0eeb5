using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Diagnostics;
using System.IO.Hashing;
using Corridor.Core.Compliance;
using Corridor.Core.Currencies;
using Corridor.Core.Engine;
using Corridor.Core.Ledger;
using SettlementResult = Corridor.Core.Settlement.SettlementResult;
using Corridor.Core.Settlement;

namespace Corridor.Core.Exchange;

/// <summary>
/// Cross-currency settlement: currencies, FX quotes, quote locks, payment-versus-payment payments with
/// trade references, and bilateral FX trades. Deterministic like the ledger: every mutation comes from a
/// journaled command or from <see cref="Expire"/> at engine time, and money moves only through
/// <see cref="LedgerState.CreateTransfers"/>, so the ledger's invariants (debits == credits per ledger,
/// limits, atomic linked chains) hold for every leg. See docs/exchange.md.
/// </summary>
public sealed partial class ExchangeState
{
    public const int MaxQuotes = 1_000_000;
    /// <summary>Active quotes per currency pair: bounds the best-quote scan.</summary>
    public const int MaxActiveQuotesPerPair = 1024;
    public const int MaxLocks = 16_000_000;
    public const int MaxPayments = 16_000_000;
    public const int MaxTrades = 4_000_000;
    /// <summary>Longest validity window of a quote.</summary>
    public const ulong MaxQuoteValiditySeconds = 24 * 3600;
    /// <summary>Longest quote lock: the provider's liquidity is reserved at most this long.</summary>
    public const uint MaxLockSeconds = 3600;
    /// <summary>Longest time between submitting a bilateral trade and its affirmation deadline.</summary>
    public const ulong MaxAffirmSeconds = 7 * 24 * 3600;

    private const ulong NanosPerSecond = 1_000_000_000;
    private const int SnapshotVersion = 1;

    private readonly LedgerState _ledger;
    private readonly List<QuoteRecord> _quotes = new();
    private readonly Dictionary<UInt128, QuoteRecord> _quoteIndex = new();
    private readonly Dictionary<ulong, List<QuoteRecord>> _book = new(); // (sourceLedger << 32 | destinationLedger) → active quotes, publish order
    private readonly ChunkedList<LockRecord> _locks = new(); // structs: no object per lock (see LockRecord)
    private readonly IdIndex _lockIndex = new(); // lock id → position in _locks
    private readonly ChunkedList<PaymentRow> _payments = new(); // structs: no object per payment (see PaymentRow)
    private readonly IdIndex _paymentIndex = new(); // payment id → position in _payments
    private readonly RecordList<ReadOnlyMemory<byte>> _encoded = new(); // each payment's journaled bytes (in _encodedPayments), by position
    private readonly RecordList<PaymentReferences> _references = new(); // the ISO 20022 ids of the payments carrying any (PaymentRow.References)
    // invoice number / LC reference → first and last payment carrying it; the rest chain through the records.
    // Keyed by a 64-bit hash of the reference (ReferenceKey), not the string: no string kept per payment for the collector; a
    // chain that two references share by a hash collision is told apart at query time by the payments' own references.
    private readonly Dictionary<ulong, (int First, int Last)> _byInvoice = new();
    private readonly Dictionary<ulong, (int First, int Last)> _byLetterOfCredit = new();
    private readonly RecordList<TradeRecord> _trades = new();
    private readonly RecordIndex<TradeRecord> _tradeIndex;
    // Derived (not in the snapshot or the hash; rebuilt on restore): each participant's locks (as payer) and trades (as a
    // party) by position, so that a participant's newest are found without a walk over everyone's.
    private readonly Dictionary<ulong, List<int>> _locksByPayer = new();
    private readonly Dictionary<ulong, List<int>> _tradesByParty = new();
    private readonly PriorityQueue<Expiring, (ulong ExpiresAt, long Order)> _expiry = new();
    private long _expiryOrder;
    private int _compactExpiryAt = ExpiryCompactionFloor; // the queue's size at which entries no longer open are dropped
    private readonly StatusTally _dayTally = new(); // PvP payments since the day opened, by status (not part of the state)
    private int _paymentsWithReferences; // payments carrying ISO 20022 ids (PayAtBestQuote from a pacs.008)
    private long _paymentsEncodedBytes; // the payments' journaled bytes (Encoded), for a capture to know its size
    private readonly ByteArena _encodedPayments = new(); // where the payments' journaled bytes are kept
    private long _referencesEncodedBytes; // the encoded ids of the payments carrying any, likewise

    private readonly List<ItemResult> _itemErrors = new();
    private readonly List<TransferError> _transferErrors = new();
    private readonly Transfer[] _legs = new Transfer[2];

    public ExchangeState(LedgerState ledger)
    {
        _ledger = ledger;
        _tradeIndex = new(_trades);
    }

    /// <summary>The compliance gate every PayAgainstLock passes before any leg moves; set by the engine.</summary>
    internal ComplianceState? Compliance { get; set; }

    /// <summary>The operating day every payment passes (one rule for RTGS and PvP); set by the engine.</summary>
    internal Settlement.SettlementState? Settlement { get; set; }

    /// <summary>
    /// The operating-day rule for a PvP payment: a customer credit transfer (it carries originator and beneficiary),
    /// admitted when an RTGS customer payment would be (<see cref="Settlement.SettlementState.DayAdmits"/>).
    /// </summary>
    private PayResult DayAdmits()
    {
        if (Settlement is null) return PayResult.Ok;
        return Settlement.DayAdmits(Corridor.Core.Settlement.PaymentKind.Customer, crossCurrency: true) switch
        {
            SettlementResult.Ok => PayResult.Ok,
            SettlementResult.AfterCustomerCutoff => PayResult.AfterCustomerCutoff,
            SettlementResult.AfterInterbankCutoff => PayResult.AfterInterbankCutoff,
            _ => PayResult.DayNotOpen,
        };
    }

    public CurrencyRegistry Currencies { get; } = new();

    public int QuoteCount => _quotes.Count;
    public int LockCount => _locks.Count;
    public int PaymentCount => _payments.Count;
    public int TradeCount => _trades.Count;

    /// <summary>True for the operations this state applies (200–299).</summary>
    public static bool Handles(Operation operation) => operation is >= Operation.ConfigureCurrency and <= Operation.PayAgainstLockWithReferences;

    // ───────────────────────────── apply ─────────────────────────────

    /// <summary>Applies one exchange command; every item takes the next nanosecond of engine time.</summary>
    public CommandReply Apply(CommandFrame command, ReadOnlySpan<byte> payload, ref ulong clock)
    {
        _itemErrors.Clear();
        _idExisted = false; // set by Lock and Pay for every kind of command (PayAtBestQuote too), read by LockQuote's and PayAgainstLock's alone
        _existed = null;
        switch (command.Operation)
        {
            case Operation.ConfigureCurrency:
            {
                using var items = Decode<ConfigureCurrency>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) { var x = items[i]; clock++; Note(i, (byte)Currencies.Configure(x.Item.Code, x.Item.Exponent, x.Item.Ledger)); }
                break;
            }
            case Operation.PublishQuote:
            {
                using var items = Decode<PublishQuote>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) { var x = items[i]; clock++; Note(i, (byte)Publish(x.Item, x.Hash, clock)); }
                break;
            }
            case Operation.WithdrawQuote:
            {
                using var items = Decode<WithdrawQuote>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) { var x = items[i]; clock++; Note(i, (byte)Withdraw(x.Item)); }
                break;
            }
            case Operation.LockQuote:
            {
                using var items = Decode<LockQuote>(payload, command.Count);
                for (int i = 0; i < items.Length; i++)
                {
                    var x = items[i]; clock++;
                    Note(i, (byte)Lock(x.Item, x.Hash, ref clock));
                    NoteExisting(i, command.Count);
                }
                return Reply(command);
            }
            case Operation.ReleaseLock:
            {
                using var items = Decode<ReleaseLock>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) { var x = items[i]; clock++; Note(i, (byte)Release(x.Item, ref clock)); }
                break;
            }
            case Operation.PayAgainstLock:
            {
                using var items = Decode<PayAgainstLock>(payload, command.Count);
                for (int i = 0; i < items.Length; i++)
                {
                    var x = items[i]; clock++;
                    Note(i, (byte)Pay(x.Item, x.Hash, payload.Slice(x.Offset, x.Length), ref clock));
                    NoteExisting(i, command.Count);
                }
                return Reply(command);
            }
            case Operation.PayAgainstLockWithReferences:
            {
                // The stored bytes begin with the PayAgainstLock (PaymentRecord.Request reads them); the hash covers the ids too.
                using var items = Decode<PayAgainstLockWithReferences>(payload, command.Count);
                for (int i = 0; i < items.Length; i++)
                {
                    var x = items[i]; clock++;
                    Note(i, (byte)Pay(x.Item.Payment, x.Hash, payload.Slice(x.Offset, x.Length), ref clock, references: x.Item.References));
                    NoteExisting(i, command.Count);
                }
                return Reply(command);
            }
            case Operation.SubmitFxTrade:
            {
                using var items = Decode<FxTradeInstruction>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) { var x = items[i]; clock++; Note(i, (byte)SubmitTrade(x.Item, x.Hash, clock)); }
                break;
            }
            case Operation.AffirmFxTrade:
            {
                using var items = Decode<FxTradeInstruction>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) { var x = items[i]; clock++; Note(i, (byte)AffirmTrade(x.Item, x.Hash, ref clock)); }
                break;
            }
            case Operation.PayAtBestQuote:
            {
                using var items = Decode<PayAtBestQuote>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) { var x = items[i]; clock++; Note(i, (byte)PayAtBest(x.Item, ref clock)); }
                break;
            }
            case Operation.CancelFxTrade:
            {
                using var items = Decode<CancelFxTrade>(payload, command.Count);
                for (int i = 0; i < items.Length; i++) { var x = items[i]; clock++; Note(i, (byte)CancelTrade(x.Item, clock)); }
                break;
            }
            default:
                throw new InvalidDataException($"operation {(ushort)command.Operation} is not an exchange operation");
        }
        return new CommandReply(command.Operation, command.Count, _itemErrors.Count == 0 ? CommandReply.NoErrors : _itemErrors.ToArray());
    }

    private void Note(int index, byte code)
    {
        if (code != 0) _itemErrors.Add(new ItemResult(index, code));
    }

    // Items of a LockQuote or PayAgainstLock command whose id was recorded before it (with any content): the reply's data.
    private bool _idExisted;
    private bool[]? _existed;

    private void NoteExisting(int index, int count)
    {
        if (_idExisted) (_existed ??= new bool[count])[index] = true;
        _idExisted = false;
    }

    /// <summary>
    /// The reply of a LockQuote or PayAgainstLock command: its errors and, as data, an <see cref="IdsExisted"/> saying which
    /// items' ids were recorded before the command (a resubmission answered from its record, or a refused reuse); null when none was.
    /// </summary>
    private CommandReply Reply(CommandFrame command)
    {
        IdsExisted? existed = _existed is null ? null : new IdsExisted(_existed);
        _existed = null;
        return new CommandReply(command.Operation, command.Count, _itemErrors.Count == 0 ? CommandReply.NoErrors : _itemErrors.ToArray(), existed);
    }

    /// <summary>Decodes the whole payload before anything applies, so a malformed command changes nothing.</summary>
    private static Decoded<T> Decode<T>(ReadOnlySpan<byte> payload, int count) where T : IExchangeItem<T>
    {
        if ((uint)count > ExchangeCommands.MaxItemsPerCommand) throw new InvalidDataException($"exchange command declares {count} items, at most {ExchangeCommands.MaxItemsPerCommand}");
        var items = new Decoded<T>(count);
        var r = new WireReader(payload);
        try
        {
            for (int i = 0; i < count; i++)
            {
                int from = r.Position;
                T item = T.Read(ref r);
                items[i] = (item, XxHash3.HashToUInt64(payload[from..r.Position]), from, r.Position - from);
            }
            if (r.Remaining != 0) throw new InvalidDataException($"exchange payload has {r.Remaining} trailing bytes");
        }
        catch
        {
            items.Dispose();
            throw;
        }
        return items;
    }

    /// <summary>
    /// A command's decoded items, in an array rented for the command's step (a batch of 512 PvP locks decoded into a new
    /// array each time had been ≈ 140 bytes of garbage per payment); returned, cleared, when the step ends.
    /// </summary>
    private ref struct Decoded<T>
    {
        private (T Item, ulong Hash, int Offset, int Length)[]? _rented;

        public Decoded(int count)
        {
            Length = count;
            _rented = count == 0 ? [] : ArrayPool<(T, ulong, int, int)>.Shared.Rent(count);
        }

        public int Length { get; }

        public readonly ref (T Item, ulong Hash, int Offset, int Length) this[int index]
        {
            get
            {
                if ((uint)index >= (uint)Length) throw new ArgumentOutOfRangeException(nameof(index));
                return ref _rented![index];
            }
        }

        public void Dispose()
        {
            if (_rented is { Length: > 0 } a) ArrayPool<(T, ulong, int, int)>.Shared.Return(a, clearArray: true);
            _rented = null;
        }
    }

    // ───────────────────────────── quotes ─────────────────────────────

    private QuoteResult Publish(in PublishQuote q, ulong hash, ulong now)
    {
        if (q.QuoteId == UInt128.Zero) return QuoteResult.QuoteIdMustNotBeZero;
        if (q.Provider == 0) return QuoteResult.ProviderMustNotBeZero;
        if (!q.Rate.IsValid) return QuoteResult.RateInvalid;
        if (q.MinSourceMinor <= 0 || q.MinSourceMinor > q.MaxSourceMinor) return QuoteResult.SizeLimitsInvalid;
        if (q.ValidFromNs >= q.ValidUntilNs || q.ValidUntilNs - q.ValidFromNs > MaxQuoteValiditySeconds * NanosPerSecond) return QuoteResult.ValidityWindowInvalid;
        if (q.MaxLockSeconds == 0 || q.MaxLockSeconds > MaxLockSeconds) return QuoteResult.MaxLockSecondsInvalid;

        if (_quoteIndex.TryGetValue(q.QuoteId, out QuoteRecord? existing))
            return existing.ContentHash == hash ? QuoteResult.Ok : QuoteResult.IdReusedWithDifferentContent;

        if (!Currencies.TryGet(q.SourceCurrency, out CurrencyInfo src)) return QuoteResult.SourceCurrencyUnknown;
        if (!Currencies.TryGet(q.DestinationCurrency, out CurrencyInfo dst)) return QuoteResult.DestinationCurrencyUnknown;
        if (src.Ledger == dst.Ledger) return QuoteResult.CurrenciesMustBeDifferent;
        if (q.ValidUntilNs <= now) return QuoteResult.QuoteAlreadyExpired;
        // No source account: a quote for payments arriving from a peer node, whose source leg settles there (docs/federation.md).
        bool peerQuote = q.ProviderSourceAccount == UInt128.Zero;
        Account sa = default;
        if (!peerQuote && !_ledger.TryGetAccount(q.ProviderSourceAccount, out sa)) return QuoteResult.ProviderSourceAccountNotFound;
        if (!_ledger.TryGetAccount(q.ProviderDestinationAccount, out Account da)) return QuoteResult.ProviderDestinationAccountNotFound;
        if (!peerQuote && sa.Ledger != src.Ledger) return QuoteResult.ProviderSourceAccountWrongCurrency;
        if (da.Ledger != dst.Ledger) return QuoteResult.ProviderDestinationAccountWrongCurrency;
        if ((!peerQuote && sa.Participant != q.Provider) || da.Participant != q.Provider) return QuoteResult.AccountNotOwnedByProvider;

        ulong pair = PairKey(src.Ledger, dst.Ledger);
        if (!_book.TryGetValue(pair, out List<QuoteRecord>? book)) _book.Add(pair, book = new List<QuoteRecord>());
        if (book.Count >= MaxActiveQuotesPerPair) return QuoteResult.TooManyQuotesForPair;
        if (_quotes.Count >= MaxQuotes) return QuoteResult.TooManyQuotes;

        var record = new QuoteRecord
        {
            Quote = q, ContentHash = hash, SourceLedger = src.Ledger, DestinationLedger = dst.Ledger,
            SourceExponent = src.Exponent, DestinationExponent = dst.Exponent, PublishedAt = now, Status = QuoteStatus.Active,
        };
        _quotes.Add(record);
        _quoteIndex.Add(q.QuoteId, record);
        book.Add(record);
        EnqueueExpiry(new Expiring(record, -1), q.ValidUntilNs);
        return QuoteResult.Ok;
    }

    private QuoteResult Withdraw(in WithdrawQuote w)
    {
        if (w.QuoteId == UInt128.Zero) return QuoteResult.QuoteIdMustNotBeZero;
        if (w.Provider == 0) return QuoteResult.ProviderMustNotBeZero;
        if (!_quoteIndex.TryGetValue(w.QuoteId, out QuoteRecord? q)) return QuoteResult.QuoteNotFound;
        if (q.Quote.Provider != w.Provider) return QuoteResult.NotQuoteProvider;
        if (q.Status == QuoteStatus.Active)
        {
            q.Status = QuoteStatus.Withdrawn;
            _book[PairKey(q.SourceLedger, q.DestinationLedger)].Remove(q);
        }
        return QuoteResult.Ok; // withdrawing a withdrawn or expired quote is a no-op
    }

    private static ulong PairKey(uint sourceLedger, uint destinationLedger) => (ulong)sourceLedger << 32 | destinationLedger;

    /// <summary>The quote's conversion of a source amount (what a peer's payment must carry against it: Federation/FederationState.cs).</summary>
    internal static bool TryConvertAtQuote(QuoteRecord q, long sourceMinor, out long destinationMinor) =>
        TryAmounts(q, sourceMinor, AmountSide.Source, out _, out destinationMinor);

    private static bool TryAmounts(QuoteRecord q, long amountMinor, AmountSide side, out long sourceMinor, out long destinationMinor)
    {
        FxRate rate = q.Quote.Rate;
        if (side == AmountSide.Source)
        {
            sourceMinor = amountMinor;
            return rate.TryConvertSource(amountMinor, q.SourceExponent, q.DestinationExponent, out destinationMinor) && destinationMinor > 0;
        }
        destinationMinor = amountMinor;
        return rate.TryConvertDestination(amountMinor, q.SourceExponent, q.DestinationExponent, out sourceMinor) && sourceMinor > 0;
    }

    /// <summary>
    /// The best lockable quote for converting <paramref name="amountMinor"/> (fixed on <paramref name="side"/>) at engine
    /// time <paramref name="nowNs"/>: active, inside its validity window and size limits, and — when the provider's
    /// destination account cannot go overdrawn — backed by enough available liquidity. Best = most destination for a fixed
    /// source, least source for a fixed destination; ties go to the earlier-published quote, then the lower quote id.
    /// </summary>
    public bool TryFindBestQuote(string sourceCurrency, string destinationCurrency, long amountMinor, AmountSide side, ulong nowNs, out QuoteMatch match)
    {
        match = default;
        if (amountMinor <= 0 || side > AmountSide.Destination) return false;
        if (!Currencies.TryGet(sourceCurrency, out CurrencyInfo src) || !Currencies.TryGet(destinationCurrency, out CurrencyInfo dst)) return false;
        if (!_book.TryGetValue(PairKey(src.Ledger, dst.Ledger), out List<QuoteRecord>? book)) return false;
        QuoteRecord? best = null;
        long bestSource = 0, bestDestination = 0;
        foreach (QuoteRecord q in book)
        {
            Debug.Assert(q.Status == QuoteStatus.Active);
            if (nowNs < q.Quote.ValidFromNs || nowNs >= q.Quote.ValidUntilNs || q.Quote.ProviderSourceAccount == UInt128.Zero) continue;
            if (!TryAmounts(q, amountMinor, side, out long s, out long d)) continue;
            if (s < q.Quote.MinSourceMinor || s > q.Quote.MaxSourceMinor) continue;
            if (_ledger.TryGetAccount(q.Quote.ProviderDestinationAccount, out Account pa)
                && (pa.Flags & AccountFlags.DebitsMustNotExceedCredits) != 0 && pa.AvailableMinor < d) continue;
            bool better = best is null
                || (side == AmountSide.Source ? d > bestDestination : s < bestSource)
                || ((side == AmountSide.Source ? d == bestDestination : s == bestSource)
                    && (q.PublishedAt < best.PublishedAt || (q.PublishedAt == best.PublishedAt && q.Quote.QuoteId < best.Quote.QuoteId)));
            if (better) { best = q; bestSource = s; bestDestination = d; }
        }
        if (best is null) return false;
        match = new QuoteMatch(best.Quote.QuoteId, best.Quote.Provider, best.Quote.Rate, bestSource, bestDestination, best.Quote.ValidUntilNs);
        return true;
    }

    // ───────────────────────────── locks ─────────────────────────────

    private LockResult Lock(in LockQuote l, ulong hash, ref ulong clock)
    {
        if (l.LockId == UInt128.Zero) return LockResult.LockIdMustNotBeZero;
        if (l.Payer == 0) return LockResult.PayerMustNotBeZero;
        if (l.AmountMinor <= 0) return LockResult.AmountMustBePositive;
        if (l.Side > AmountSide.Destination) return LockResult.AmountSideInvalid;
        if (l.LockSeconds == 0 || l.LockSeconds > MaxLockSeconds) return LockResult.LockSecondsOutOfRange;
        if (_lockIndex.TryGetValue(l.LockId, out int found))
        {
            _idExisted = true;
            ref readonly LockRecord existing = ref _locks[found];
            return existing.ContentHash == hash ? existing.Result : LockResult.IdReusedWithDifferentContent;
        }
        if (_locks.Count >= MaxLocks) return LockResult.TooManyLocks;

        int position = _locks.Count;
        ref LockRecord record = ref _locks.Add(); // a whole new value below: the slot may hold an old one
        record = new LockRecord { Request = l, ContentHash = hash, Status = LockStatus.Failed, LockedAt = clock };
        _lockIndex.Add(l.LockId, position);
        PositionsOf(_locksByPayer, l.Payer).Add(position);
        record.Result = TryLock(ref record, position, ref clock);
        return record.Result;
    }

    private LockResult TryLock(ref LockRecord record, int position, ref ulong clock)
    {
        LockQuote l = record.Request;
        if (!_quoteIndex.TryGetValue(l.QuoteId, out QuoteRecord? q)) return LockResult.QuoteNotFound;
        if (q.Status == QuoteStatus.Withdrawn) return LockResult.QuoteWithdrawn;
        if (clock < q.Quote.ValidFromNs) return LockResult.QuoteNotYetValid;
        if (q.Status == QuoteStatus.Expired || clock >= q.Quote.ValidUntilNs) return LockResult.QuoteExpired;
        if (l.LockSeconds > q.Quote.MaxLockSeconds) return LockResult.LockLongerThanQuoteAllows;
        if (q.Quote.ProviderSourceAccount == UInt128.Zero) return LockResult.QuoteForPeerPaymentsOnly;
        if (!TryAmounts(q, l.AmountMinor, l.Side, out long sourceMinor, out long destinationMinor)) return LockResult.ConversionFailed;
        if (sourceMinor < q.Quote.MinSourceMinor) return LockResult.BelowProviderMinimum;
        if (sourceMinor > q.Quote.MaxSourceMinor) return LockResult.AboveProviderMaximum;
        if (!_ledger.TryGetAccount(l.PayerAccount, out Account payer)) return LockResult.PayerAccountNotFound;
        if (payer.Participant != l.Payer) return LockResult.PayerAccountNotOwnedByPayer;
        if (payer.Ledger != q.SourceLedger) return LockResult.PayerAccountWrongCurrency;
        if (!_ledger.TryGetAccount(l.PayeeAccount, out Account payee)) return LockResult.PayeeAccountNotFound;
        if (payee.Ledger != q.DestinationLedger) return LockResult.PayeeAccountWrongCurrency;

        record.SourceMinor = sourceMinor;
        record.DestinationMinor = destinationMinor;
        record.SourceLedger = q.SourceLedger;
        record.DestinationLedger = q.DestinationLedger;
        record.ProviderSourceAccount = q.Quote.ProviderSourceAccount;
        record.ProviderDestinationAccount = q.Quote.ProviderDestinationAccount;
        record.ReservationTransferId = ExchangeTransfers.Derive(l.LockId, ExchangeTransfers.ReservationTag);

        _legs[0] = new Transfer
        {
            Id = record.ReservationTransferId, DebitAccountId = q.Quote.ProviderDestinationAccount, CreditAccountId = l.PayeeAccount,
            Amount = destinationMinor, Ledger = q.DestinationLedger, Code = ExchangeTransfers.ReservationCode,
            Flags = TransferFlags.Pending, TimeoutSeconds = l.LockSeconds, UserData128 = l.LockId,
        };
        CreateTransferResult result = CreateLegs(1, ref clock, out _);
        if (result != CreateTransferResult.Ok)
        {
            record.LedgerResult = result;
            return result == CreateTransferResult.ExceedsCredits ? LockResult.ProviderInsufficientLiquidity : LockResult.LedgerRejected;
        }
        if (!_ledger.TryGetTransfer(record.ReservationTransferId, out Transfer reservation, out _))
            throw new InvalidOperationException($"exchange invariant broken: reservation of lock {l.LockId} accepted but not stored");
        record.LockedAt = reservation.Timestamp;
        record.ExpiresAt = reservation.Timestamp + l.LockSeconds * NanosPerSecond; // exactly when the ledger voids it
        record.Status = LockStatus.Locked;
        EnqueueExpiry(new Expiring(null, position), record.ExpiresAt);
        return LockResult.Ok;
    }

    /// <summary>
    /// The lock <paramref name="lockId"/> to read and change in place (its chunk copied first if a snapshot's view still reads
    /// it), or a null ref. Valid until a lock is added: the first chunk of the list grows by moving.
    /// </summary>
    private ref LockRecord FindLock(UInt128 lockId)
    {
        if (!_lockIndex.TryGetValue(lockId, out int position)) return ref Unsafe.NullRef<LockRecord>();
        return ref _locks.Mut(position);
    }

    /// <summary>The lock of a recorded payment, which exists (see <see cref="FindLock"/>).</summary>
    private ref LockRecord LockOf(UInt128 lockId)
    {
        ref LockRecord l = ref FindLock(lockId);
        if (Unsafe.IsNullRef(ref l)) throw new InvalidOperationException($"exchange invariant broken: lock {lockId} of a recorded payment is not kept");
        return ref l;
    }

    /// <summary>What the expiry queue holds: a quote or a trade (<paramref name="Record"/>), or the lock at position <paramref name="Lock"/>.</summary>
    private readonly record struct Expiring(object? Record, int Lock);

    /// <summary>The expiry queue is never compacted below this many entries.</summary>
    internal const int ExpiryCompactionFloor = 65_536;

    /// <summary>Entries in the expiry queue, open or not (tests: the queue stays about the size of what is open).</summary>
    internal int ExpiryEntries => _expiry.Count;

    /// <summary>
    /// Queues what closes at <paramref name="expiresAt"/>. A lock paid or released, a quote withdrawn or a trade affirmed leaves
    /// its entry behind, skipped when its time comes (<see cref="Expire"/>); a lock may last an hour, so at PvP rates the queue
    /// would hold every lock of the last hour. When it has doubled since it was last compacted, the entries still open are
    /// kept with their keys and the rest dropped: the order of what is kept is unchanged, and the state (and its hash) is the
    /// same as without compacting, since a closed entry changes nothing when it is dequeued.
    /// </summary>
    private void EnqueueExpiry(Expiring item, ulong expiresAt)
    {
        _expiry.Enqueue(item, (expiresAt, _expiryOrder++));
        if (_expiry.Count < _compactExpiryAt) return;
        var open = new List<(Expiring, (ulong, long))>();
        foreach ((Expiring e, (ulong, long) key) in _expiry.UnorderedItems) if (StillOpen(e)) open.Add((e, key));
        _expiry.Clear();
        _expiry.TrimExcess();
        _expiry.EnqueueRange(open);
        _compactExpiryAt = Math.Max(ExpiryCompactionFloor, open.Count * 2);
    }

    /// <summary>Whether an expiry entry would still close something (as <see cref="Expire"/> decides).</summary>
    private bool StillOpen(Expiring e) => e.Record switch
    {
        null => _locks[e.Lock].Status == LockStatus.Locked,
        QuoteRecord q => q.Status == QuoteStatus.Active,
        TradeRecord t => t.Status == TradeStatus.Submitted,
        _ => true,
    };

    private LockResult Release(in ReleaseLock rl, ref ulong clock)
    {
        if (rl.LockId == UInt128.Zero) return LockResult.LockIdMustNotBeZero;
        if (rl.Payer == 0) return LockResult.PayerMustNotBeZero;
        ref LockRecord l = ref FindLock(rl.LockId);
        if (Unsafe.IsNullRef(ref l)) return LockResult.LockNotFound;
        if (l.Request.Payer != rl.Payer) return LockResult.NotLockPayer;
        switch (l.Status)
        {
            case LockStatus.Failed: return LockResult.LockNotActive;
            case LockStatus.Settled: return LockResult.LockAlreadySettled;
            case LockStatus.Expired: return LockResult.LockExpired;
            case LockStatus.Released: return LockResult.Ok; // idempotent
        }
        if (l.PaymentId != UInt128.Zero) return LockResult.LockHeldForCompliance; // only an operator decision ends a held payment
        return VoidReservation(ref l, ref clock) ? LockResult.Ok : LockResult.LockExpired;
    }

    /// <summary>Voids a lock's reservation; false if it had already timed out (the ledger expired it).</summary>
    private bool VoidReservation(ref LockRecord l, ref ulong clock)
    {
        Debug.Assert(l.Status == LockStatus.Locked);
        _legs[0] = new Transfer
        {
            Id = ExchangeTransfers.Derive(l.Request.LockId, ExchangeTransfers.VoidReservationTag),
            PendingId = l.ReservationTransferId, Flags = TransferFlags.VoidPendingTransfer, UserData128 = l.Request.LockId,
        };
        CreateTransferResult result = CreateLegs(1, ref clock, out _);
        if (result == CreateTransferResult.PendingTransferExpired) { l.Status = LockStatus.Expired; return false; }
        if (result != CreateTransferResult.Ok)
            throw new InvalidOperationException($"exchange invariant broken: void of lock {l.Request.LockId} reservation failed with {result}");
        l.Status = LockStatus.Released;
        return true;
    }

    // ───────────────────────────── payments (PvP) ─────────────────────────────

    private PayResult Pay(PayAgainstLock p, ulong hash, ReadOnlySpan<byte> encoded, ref ulong clock, bool tradeOptional = false, PaymentReferences? references = null)
    {
        if (p.PaymentId == UInt128.Zero) return PayResult.PaymentIdMustNotBeZero;
        if (p.Payer == 0) return PayResult.PayerMustNotBeZero;
        // PayAtBestQuote (ISO pacs.008) leaves parties to the travel rule at screening and carries trade data only when given.
        PayResult valid = tradeOptional ? PayResult.Ok : TradeReferenceRules.Validate(p.Originator, p.Beneficiary, p.Trade);
        if (valid != PayResult.Ok) return valid;
        if (_paymentIndex.TryGetValue(p.PaymentId, out int found))
        {
            _idExisted = true;
            ref readonly PaymentRow existing = ref _payments[found];
            return existing.ContentHash == hash ? existing.Result : PayResult.IdReusedWithDifferentContent;
        }
        if (Compliance is not null && Compliance.TryGetPayment(p.PaymentId, out _)) return PayResult.IdReusedWithDifferentContent; // a screened settlement payment owns the id
        if (Settlement is not null && Settlement.HasPayment(p.PaymentId)) return PayResult.IdReusedWithDifferentContent; // one id space with RTGS
        if (_payments.Count >= MaxPayments) return PayResult.TooManyPayments;

        PaymentRow row = NewPayment(p.PaymentId, p.LockId, hash);
        row.Timestamp = clock;
        int position = AddPayment(row, _encodedPayments.Copy(encoded), references ?? PaymentReferences.None, p.Trade);
        PayResult result = TryPay(position, p, ref clock);
        ref PaymentRow record = ref _payments.Mut(position);
        record.Result = result;
        record.Status = StatusOf(result, PaymentStatus.Failed);
        return result;
    }

    /// <summary>A payment's record before anything is decided about it (failed until it settles, nothing chained).</summary>
    private static PaymentRow NewPayment(UInt128 paymentId, UInt128 lockId, ulong hash) => new()
    {
        PaymentId = paymentId, LockId = lockId, ContentHash = hash, Status = PaymentStatus.Failed,
        NextSameInvoice = -1, NextSameLetterOfCredit = -1, References = -1,
    };

    /// <summary>Appends a payment, its journaled bytes and ids, and indexes it by id, invoice and LC reference; returns its position.</summary>
    private int AddPayment(in PaymentRow row, ReadOnlyMemory<byte> encoded, PaymentReferences references, TradeReference trade)
    {
        int position = _payments.Count;
        _paymentIndex.Add(row.PaymentId, position);
        ref PaymentRow added = ref _payments.Add(); // written whole here, before any other payment of its chunk changes (which may move the chunk)
        added = row;
        if (!references.IsEmpty)
        {
            _references.Add(references);
            added.References = _references.Count - 1;
            _paymentsWithReferences++;
            _referencesEncodedBytes += EncodedLength(references);
        }
        _encoded.Add(encoded);
        _paymentsEncodedBytes += encoded.Length;
        if (trade.InvoiceNumber.Length != 0) // empty only for PayAtBestQuote without trade data: nothing to index
        {
            ref (int First, int Last) invoice = ref CollectionsMarshal.GetValueRefOrAddDefault(_byInvoice, ReferenceKey(trade.InvoiceNumber), out bool known);
            if (known) _payments.Mut(invoice.Last).NextSameInvoice = position;
            invoice = (known ? invoice.First : position, position);
        }
        if (trade.LetterOfCreditReference.Length == 0) return position;
        ref (int First, int Last) lc = ref CollectionsMarshal.GetValueRefOrAddDefault(_byLetterOfCredit, ReferenceKey(trade.LetterOfCreditReference), out bool knownLc);
        if (knownLc) _payments.Mut(lc.Last).NextSameLetterOfCredit = position;
        lc = (knownLc ? lc.First : position, position);
        return position;
    }

    /// <summary>The key of an invoice number or LC reference in its index: XxHash3 of its UTF-16 code units.</summary>
    private static ulong ReferenceKey(string reference) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(reference.AsSpan()));

    /// <summary>
    /// The payment <paramref name="paymentId"/> to read and change in place (its chunk copied first if a snapshot's view still
    /// reads it), or a null ref. Valid until a payment is added: the first chunk of the list grows by moving.
    /// </summary>
    private ref PaymentRow FindPayment(UInt128 paymentId)
    {
        if (!_paymentIndex.TryGetValue(paymentId, out int position)) return ref Unsafe.NullRef<PaymentRow>();
        return ref _payments.Mut(position);
    }

    /// <summary>The payment as submitted, decoded from its journaled bytes.</summary>
    private PayAgainstLock RequestAt(int position)
    {
        var r = new WireReader(_encoded[position].Span);
        return PayAgainstLock.Read(ref r);
    }

    /// <summary>
    /// The PvP step. Both legs go to the ledger as ONE linked chain — payer → provider (source currency, posted)
    /// and the post of the provider → payee reservation (destination currency) — so the ledger applies both or
    /// neither. If the chain fails, the reservation is voided: no leg ever settles alone.
    /// </summary>
    private PayResult TryPay(int position, PayAgainstLock p, ref ulong clock)
    {
        PayResult day = DayAdmits(); // before the lock is touched: a refused payment leaves the lock to its payer
        if (day != PayResult.Ok) return day;
        ref LockRecord l = ref FindLock(p.LockId);
        if (Unsafe.IsNullRef(ref l)) return PayResult.LockNotFound;
        if (l.Request.Payer != p.Payer) return PayResult.NotLockPayer;
        switch (l.Status)
        {
            case LockStatus.Failed: return PayResult.LockNotActive;
            case LockStatus.Settled: return PayResult.LockAlreadyUsed;
            case LockStatus.Released: return PayResult.LockReleased;
            case LockStatus.Expired: return PayResult.LockExpired;
        }
        if (clock >= l.ExpiresAt) { l.Status = LockStatus.Expired; return PayResult.LockExpired; }
        if (l.PaymentId != UInt128.Zero) return PayResult.LockAlreadyUsed; // a held payment owns it

        ref PaymentRow record = ref _payments.Mut(position);
        record.SourceMinor = l.SourceMinor;
        record.DestinationMinor = l.DestinationMinor;
        int screened = -1; // the position of the payment's compliance record
        if (Compliance is not null)
        {
            ComplianceOutcome outcome = Compliance.ScreenPayment(p, Facts(p, in l), clock, out screened);
            if (outcome == ComplianceOutcome.Hold)
            {
                l.PaymentId = p.PaymentId; // the reservation stays; nobody else can pay against or release it
                return PayResult.HeldForCompliance;
            }
            if (outcome == ComplianceOutcome.Reject)
            {
                l.PaymentId = p.PaymentId;
                VoidReservation(ref l, ref clock);
                return PayResult.RejectedByCompliance;
            }
        }
        PayResult settled = SettleOrQueue(ref record, p, ref l, ref clock);
        if (screened >= 0) Compliance!.Settled(screened, settled);
        return settled;
    }

    /// <summary>What a payment's status is after an attempt ending in <paramref name="result"/>.</summary>
    private static PaymentStatus StatusOf(PayResult result, PaymentStatus otherwise) => result switch
    {
        PayResult.Ok => PaymentStatus.Settled,
        PayResult.HeldForCompliance => PaymentStatus.Held,
        PayResult.Queued => PaymentStatus.Queued,
        _ => otherwise,
    };

    /// <summary>
    /// A cleared payment goes on to settlement. Between settlement accounts, once <see cref="Settlement.SettlementOptions.PvpThroughRtgs"/>
    /// is on, its payer leg enters RTGS like every payment (Settlement/SettlementState.Pvp.cs): it settles now with the provider's
    /// leg, or waits in the payer's queue (<see cref="PayResult.Queued"/>), keeping the lock's reservation until it settles, is
    /// rejected, or the lock expires. Otherwise (older journals, accounts outside settlement) both legs settle now or not at all.
    /// </summary>
    private PayResult SettleOrQueue(ref PaymentRow record, PayAgainstLock p, ref LockRecord l, ref ulong clock)
    {
        if (Settlement is not { PvpThroughRtgs: true } rtgs) return SettleLegs(ref record, ref l, ref clock);
        l.PaymentId = p.PaymentId; // the lock belongs to this payment from here on
        SettlementResult entered = rtgs.EnterPvpLeg(p.PaymentId, p.Payer, l.Request.PayerAccount, l.ProviderSourceAccount, l.SourceLedger, l.SourceMinor,
            ref clock, out Settlement.PaymentStatus leg);
        if (entered == SettlementResult.PvpOutsideSettlementAccounts) return SettleLegs(ref record, ref l, ref clock);
        if (entered == SettlementResult.Ok)
            return leg == Corridor.Core.Settlement.PaymentStatus.Settled ? PayResult.Ok : PayResult.Queued;
        if (l.Status == LockStatus.Locked) VoidReservation(ref l, ref clock);
        return ResultOf(entered);
    }

    /// <summary>The exchange's answer for a payer leg RTGS refused or rejected from the queue.</summary>
    private static PayResult ResultOf(SettlementResult reason) => reason switch
    {
        SettlementResult.RevokedByPayer => PayResult.RevokedByPayer,
        SettlementResult.PvpLockExpired => PayResult.LockExpired,
        SettlementResult.AfterCustomerCutoff or SettlementResult.RejectedAtCustomerCutoff => PayResult.AfterCustomerCutoff,
        SettlementResult.AfterInterbankCutoff or SettlementResult.RejectedAtInterbankCutoff => PayResult.AfterInterbankCutoff,
        SettlementResult.DayNotOpen => PayResult.DayNotOpen,
        SettlementResult.PaymentExistsWithDifferentContent => PayResult.IdReusedWithDifferentContent,
        SettlementResult.TooManyPayments => PayResult.TooManyPayments,
        _ => PayResult.RejectedInQueue,
    };

    /// <summary>
    /// RTGS found the payer leg of a queued (or entering) payment covered: both legs settle as one linked chain. False if the
    /// lock expired first (the ledger voided the reservation): the payment fails with <see cref="PayResult.LockExpired"/>.
    /// </summary>
    internal bool SettlePvpLegs(UInt128 paymentId, ref ulong clock)
    {
        ref PaymentRow record = ref FindPayment(paymentId);
        if (Unsafe.IsNullRef(ref record)) throw new InvalidOperationException($"exchange invariant broken: covered payer leg of {paymentId} has no payment");
        ref LockRecord l = ref LockOf(record.LockId);
        PayResult result = l.Status == LockStatus.Locked && clock < l.ExpiresAt ? SettleLegs(ref record, ref l, ref clock) : PayResult.LockExpired;
        if (result == PayResult.LockExpired && l.Status == LockStatus.Locked) l.Status = LockStatus.Expired;
        if (result != PayResult.Ok && result != PayResult.LockExpired)
            throw new InvalidOperationException($"exchange invariant broken: covered payer leg of {paymentId} refused by the ledger: {result}");
        Finish(ref record, result);
        return result == PayResult.Ok;
    }

    /// <summary>RTGS rejected a queued payer leg: the payment fails with the reason and the lock's reservation is voided.</summary>
    internal void FailQueuedPayment(UInt128 paymentId, SettlementResult reason, ref ulong clock)
    {
        ref PaymentRow record = ref FindPayment(paymentId);
        if (Unsafe.IsNullRef(ref record) || record.Status != PaymentStatus.Queued) return;
        ref LockRecord l = ref LockOf(record.LockId);
        if (l.Status == LockStatus.Locked && clock < l.ExpiresAt) VoidReservation(ref l, ref clock);
        else if (l.Status == LockStatus.Locked) l.Status = LockStatus.Expired;
        Finish(ref record, ResultOf(reason));
    }

    /// <summary>A queued payment's end: its result and status, on the payment and on its compliance record.</summary>
    private void Finish(ref PaymentRow record, PayResult result)
    {
        record.Result = result;
        record.Status = StatusOf(result, PaymentStatus.Failed);
        Compliance?.Settled(record.PaymentId, result);
    }

    /// <summary>The facts compliance rules look at: parties' countries, currencies and locked amounts.</summary>
    private PaymentFacts Facts(PayAgainstLock p, in LockRecord l)
    {
        ulong creditor = _ledger.TryGetAccount(l.Request.PayeeAccount, out Account payee) ? payee.Participant : 0;
        string send = Currencies.TryGetByLedger(l.SourceLedger, out CurrencyInfo s) ? s.Code : "";
        string receive = Currencies.TryGetByLedger(l.DestinationLedger, out CurrencyInfo d) ? d.Code : "";
        return new PaymentFacts(p.Payer, creditor, p.Originator.Country, p.Beneficiary.Country, send, l.SourceMinor, receive, l.DestinationMinor);
    }

    /// <summary>
    /// Operator released a held payment: settle it exactly as a passing payment would (both legs or neither). If the
    /// lock expired while the payment was held, the ledger has voided the reservation and the payment fails LockExpired.
    /// </summary>
    internal PayResult SettleHeld(UInt128 paymentId, ref ulong clock)
    {
        int position = HeldPayment(paymentId);
        PayAgainstLock p = RequestAt(position);
        ref PaymentRow record = ref _payments.Mut(position);
        ref LockRecord l = ref LockOf(p.LockId);
        PayResult result;
        if (l.Status == LockStatus.Expired || (l.Status == LockStatus.Locked && clock >= l.ExpiresAt)) { l.Status = LockStatus.Expired; result = PayResult.LockExpired; }
        else if (l.Status != LockStatus.Locked || l.PaymentId != paymentId)
            throw new InvalidOperationException($"exchange invariant broken: held payment {paymentId} has lock {p.LockId} in state {l.Status}");
        else if ((result = DayAdmits()) != PayResult.Ok) VoidReservation(ref l, ref clock); // released after the cut-off: as RTGS, refused
        else result = SettleOrQueue(ref record, p, ref l, ref clock);
        record.Result = result;
        record.Status = StatusOf(result, PaymentStatus.Failed);
        return result;
    }

    /// <summary>Operator rejected a held payment: no leg settles, the lock's reservation is voided (if not already expired).</summary>
    internal void RejectHeld(UInt128 paymentId, ref ulong clock)
    {
        ref PaymentRow record = ref _payments.Mut(HeldPayment(paymentId));
        ref LockRecord l = ref LockOf(record.LockId);
        if (l.Status == LockStatus.Locked) VoidReservation(ref l, ref clock);
        record.Result = PayResult.RejectedByOperator;
        record.Status = PaymentStatus.Failed;
    }

    /// <summary>The position of held payment <paramref name="paymentId"/>.</summary>
    private int HeldPayment(UInt128 paymentId)
    {
        if (!_paymentIndex.TryGetValue(paymentId, out int position) || _payments[position].Status != PaymentStatus.Held)
            throw new InvalidOperationException($"compliance invariant broken: payment {paymentId} is not held in the exchange");
        return position;
    }

    /// <summary>Both legs as one linked chain; on failure the reservation is voided (see <see cref="TryPay"/>).</summary>
    private PayResult SettleLegs(ref PaymentRow record, ref LockRecord l, ref ulong clock)
    {
        record.SourceLegTransferId = ExchangeTransfers.Derive(record.PaymentId, ExchangeTransfers.PayerLegTag);
        record.DestinationLegTransferId = ExchangeTransfers.Derive(record.PaymentId, ExchangeTransfers.PostReservationTag);
        _legs[0] = new Transfer
        {
            Id = record.SourceLegTransferId, DebitAccountId = l.Request.PayerAccount, CreditAccountId = l.ProviderSourceAccount,
            Amount = l.SourceMinor, Ledger = l.SourceLedger, Code = ExchangeTransfers.PayerLegCode,
            Flags = TransferFlags.Linked, UserData128 = record.PaymentId,
        };
        _legs[1] = new Transfer
        {
            Id = record.DestinationLegTransferId, PendingId = l.ReservationTransferId,
            Flags = TransferFlags.PostPendingTransfer, UserData128 = record.PaymentId,
        };
        l.PaymentId = record.PaymentId;
        CreateTransferResult result = CreateLegs(2, ref clock, out int failedLeg);
        if (result == CreateTransferResult.Ok)
        {
            l.Status = LockStatus.Settled;
            return PayResult.Ok;
        }

        record.LedgerResult = result;
        if (result == CreateTransferResult.PendingTransferExpired) { l.Status = LockStatus.Expired; return PayResult.LockExpired; }
        if (!VoidReservation(ref l, ref clock)) return PayResult.LockExpired;
        return failedLeg == 0 && result == CreateTransferResult.ExceedsCredits ? PayResult.PayerInsufficientFunds : PayResult.LedgerRejected;
    }

    // ───────────────────────────── bilateral FX trades (PvP) ─────────────────────────────

    private TradeResult ValidateInstruction(in FxTradeInstruction t, out CurrencyInfo a, out CurrencyInfo b)
    {
        a = default; b = default;
        if (t.TradeId == UInt128.Zero) return TradeResult.TradeIdMustNotBeZero;
        if (t.PartyA == 0 || t.PartyB == 0 || t.PartyA == t.PartyB) return TradeResult.PartiesInvalid;
        if (t.Instructing != t.PartyA && t.Instructing != t.PartyB) return TradeResult.SubmitterNotAParty;
        if (t.AmountAMinor <= 0 || t.AmountBMinor <= 0) return TradeResult.AmountsMustBePositive;
        if (!Currencies.TryGet(t.CurrencyA, out a) || !Currencies.TryGet(t.CurrencyB, out b)) return TradeResult.CurrencyUnknown;
        if (a.Ledger == b.Ledger) return TradeResult.CurrenciesMustBeDifferent;
        return TradeResult.Ok;
    }

    private TradeResult SubmitTrade(in FxTradeInstruction t, ulong hash, ulong now)
    {
        TradeResult valid = ValidateInstruction(t, out CurrencyInfo a, out CurrencyInfo b);
        if (valid != TradeResult.Ok) return valid;
        if (_tradeIndex.TryGetValue(t.TradeId, out TradeRecord? existing))
            return existing.SubmitHash == hash ? TradeResult.Ok : TradeResult.IdReusedWithDifferentContent;
        if (t.AffirmDeadlineNs <= now || t.AffirmDeadlineNs - now > MaxAffirmSeconds * NanosPerSecond) return TradeResult.DeadlineInvalid;
        TradeResult accounts = CheckAccount(t.PartyAPays, a.Ledger, t.PartyA);
        if (accounts == TradeResult.Ok) accounts = CheckAccount(t.PartyBReceives, a.Ledger, t.PartyB);
        if (accounts == TradeResult.Ok) accounts = CheckAccount(t.PartyBPays, b.Ledger, t.PartyB);
        if (accounts == TradeResult.Ok) accounts = CheckAccount(t.PartyAReceives, b.Ledger, t.PartyA);
        if (accounts != TradeResult.Ok) return accounts;
        if (_trades.Count >= MaxTrades) return TradeResult.TooManyTrades;

        var record = new TradeRecord { Terms = t, SubmitHash = hash, SubmittedAt = now, Status = TradeStatus.Submitted, LedgerA = a.Ledger, LedgerB = b.Ledger };
        IndexTrade(t, _trades.Count);
        _trades.Add(record);
        _tradeIndex.Add(t.TradeId, record);
        EnqueueExpiry(new Expiring(record, -1), t.AffirmDeadlineNs);
        return TradeResult.Ok;
    }

    private TradeResult CheckAccount(UInt128 id, uint ledger, ulong owner)
    {
        if (!_ledger.TryGetAccount(id, out Account account)) return TradeResult.AccountNotFound;
        if (account.Ledger != ledger) return TradeResult.AccountWrongCurrency;
        if (account.Participant != owner) return TradeResult.AccountWrongOwner;
        return TradeResult.Ok;
    }

    /// <summary>
    /// The counterparty affirms with its own copy of the terms; on a match both legs settle as ONE linked chain
    /// (A → B in currency A, B → A in currency B): both or neither. A failed attempt closes the trade.
    /// </summary>
    private TradeResult AffirmTrade(in FxTradeInstruction t, ulong hash, ref ulong clock)
    {
        TradeResult valid = ValidateInstruction(t, out _, out _);
        if (valid != TradeResult.Ok) return valid;
        if (!_tradeIndex.TryGetValue(t.TradeId, out TradeRecord? trade)) return TradeResult.TradeNotFound;
        if (trade.AffirmHash != 0)
            return trade.AffirmHash == hash ? trade.AffirmResult : TradeResult.IdReusedWithDifferentContent;
        if (t.Instructing == trade.Terms.Instructing) return TradeResult.AffirmerMustBeCounterparty;
        switch (trade.Status)
        {
            case TradeStatus.Cancelled: return TradeResult.TradeCancelled;
            case TradeStatus.Expired: return TradeResult.TradeExpired;
        }
        Debug.Assert(trade.Status == TradeStatus.Submitted);
        if (clock >= trade.Terms.AffirmDeadlineNs) { trade.Status = TradeStatus.Expired; return TradeResult.TradeExpired; }
        if (!t.SameTerms(trade.Terms)) return TradeResult.TermsMismatch;

        trade.LegATransferId = ExchangeTransfers.Derive(t.TradeId, ExchangeTransfers.TradeLegATag);
        trade.LegBTransferId = ExchangeTransfers.Derive(t.TradeId, ExchangeTransfers.TradeLegBTag);
        _legs[0] = new Transfer
        {
            Id = trade.LegATransferId, DebitAccountId = t.PartyAPays, CreditAccountId = t.PartyBReceives, Amount = t.AmountAMinor,
            Ledger = trade.LedgerA, Code = ExchangeTransfers.TradeLegCode, Flags = TransferFlags.Linked, UserData128 = t.TradeId,
        };
        _legs[1] = new Transfer
        {
            Id = trade.LegBTransferId, DebitAccountId = t.PartyBPays, CreditAccountId = t.PartyAReceives, Amount = t.AmountBMinor,
            Ledger = trade.LedgerB, Code = ExchangeTransfers.TradeLegCode, UserData128 = t.TradeId,
        };
        CreateTransferResult result = CreateLegs(2, ref clock, out int failedLeg);
        TradeResult outcome;
        if (result == CreateTransferResult.Ok) { trade.Status = TradeStatus.Settled; outcome = TradeResult.Ok; }
        else
        {
            trade.Status = TradeStatus.Failed;
            trade.LedgerResult = result;
            outcome = result != CreateTransferResult.ExceedsCredits ? TradeResult.LedgerRejected
                : failedLeg == 0 ? TradeResult.PartyAInsufficientFunds : TradeResult.PartyBInsufficientFunds;
        }
        trade.AffirmHash = hash;
        trade.AffirmResult = outcome;
        trade.ClosedAt = clock;
        return outcome;
    }

    private TradeResult CancelTrade(in CancelFxTrade c, ulong now)
    {
        if (c.TradeId == UInt128.Zero) return TradeResult.TradeIdMustNotBeZero;
        if (!_tradeIndex.TryGetValue(c.TradeId, out TradeRecord? trade)) return TradeResult.TradeNotFound;
        if (c.Participant != trade.Terms.PartyA && c.Participant != trade.Terms.PartyB) return TradeResult.SubmitterNotAParty;
        switch (trade.Status)
        {
            case TradeStatus.Cancelled: return TradeResult.Ok;
            case TradeStatus.Settled: return TradeResult.TradeAlreadySettled;
            case TradeStatus.Failed: return TradeResult.TradeFailed;
            case TradeStatus.Expired: return TradeResult.TradeExpired;
        }
        if (now >= trade.Terms.AffirmDeadlineNs) { trade.Status = TradeStatus.Expired; return TradeResult.TradeExpired; }
        trade.Status = TradeStatus.Cancelled;
        trade.ClosedAt = now;
        return TradeResult.Ok;
    }

    // ───────────────────────────── ledger legs ─────────────────────────────

    /// <summary>Sends the first <paramref name="count"/> staged legs to the ledger; returns the deciding result and which leg it hit.</summary>
    private CreateTransferResult CreateLegs(int count, ref ulong clock, out int failedLeg)
    {
        _transferErrors.Clear();
        _ledger.CreateEngineTransfers(_legs.AsSpan(0, count), ref clock, _transferErrors);
        failedLeg = -1;
        CreateTransferResult result = CreateTransferResult.Ok;
        foreach (TransferError e in _transferErrors)
        {
            if (e.Result == CreateTransferResult.LinkedEventFailed) continue;
            failedLeg = e.Index;
            result = e.Result;
        }
        Array.Clear(_legs);
        return result;
    }

    // ───────────────────────────── time ─────────────────────────────

    /// <summary>
    /// Closes what engine time <paramref name="now"/> has passed: quotes past ValidUntil leave the book, locks past their
    /// timeout become Expired (the ledger has voided their reservation in the same step), unaffirmed trades past the
    /// deadline become Expired. Called by the engine at the start of each batch, after the ledger's expiry.
    /// </summary>
    public int Expire(ulong now)
    {
        int closed = 0;
        while (_expiry.TryPeek(out Expiring item, out var key) && key.ExpiresAt <= now)
        {
            _expiry.Dequeue();
            if (item.Record is null)
            {
                ref LockRecord l = ref _locks.Mut(item.Lock);
                if (l.Status != LockStatus.Locked) continue;
                l.Status = LockStatus.Expired;
                // A payment queued in RTGS against this lock can no longer settle: its leg leaves the queue, the payment fails.
                if (l.PaymentId != UInt128.Zero && _paymentIndex.TryGetValue(l.PaymentId, out int queued) && _payments[queued].Status == PaymentStatus.Queued)
                {
                    Settlement?.RejectQueuedPvpLeg(l.PaymentId, key.ExpiresAt);
                    Finish(ref _payments.Mut(queued), PayResult.LockExpired);
                }
                closed++;
                continue;
            }
            switch (item.Record)
            {
                case QuoteRecord q when q.Status == QuoteStatus.Active:
                    q.Status = QuoteStatus.Expired;
                    _book[PairKey(q.SourceLedger, q.DestinationLedger)].Remove(q);
                    closed++;
                    break;
                case TradeRecord t when t.Status == TradeStatus.Submitted:
                    t.Status = TradeStatus.Expired;
                    t.ClosedAt = key.ExpiresAt;
                    closed++;
                    break;
            }
        }
        return closed;
    }

    // ───────────────────────────── queries ─────────────────────────────

    public bool TryGetQuote(UInt128 quoteId, out QuoteRecord quote) => _quoteIndex.TryGetValue(quoteId, out quote!);
    /// <summary>A copy of the lock <paramref name="lockId"/> as it is now.</summary>
    public bool TryGetLock(UInt128 lockId, out LockRecord quoteLock)
    {
        bool found = _lockIndex.TryGetValue(lockId, out int position);
        quoteLock = found ? _locks[position] : default;
        return found;
    }
    /// <summary>A copy of payment <paramref name="paymentId"/> as it is now.</summary>
    public bool TryGetPayment(UInt128 paymentId, out PaymentRecord payment)
    {
        bool found = _paymentIndex.TryGetValue(paymentId, out int position);
        payment = found ? RecordAt(position) : null!;
        return found;
    }

    /// <summary>The public record of the payment at <paramref name="position"/>, as it is now.</summary>
    private PaymentRecord RecordAt(int position)
    {
        ref readonly PaymentRow row = ref _payments[position];
        return new PaymentRecord
        {
            Encoded = _encoded[position], PaymentId = row.PaymentId, LockId = row.LockId, ContentHash = row.ContentHash, Position = position,
            Result = row.Result, LedgerResult = row.LedgerResult, Status = row.Status, SourceMinor = row.SourceMinor, DestinationMinor = row.DestinationMinor,
            SourceLegTransferId = row.SourceLegTransferId, DestinationLegTransferId = row.DestinationLegTransferId, Timestamp = row.Timestamp,
            References = row.References < 0 ? PaymentReferences.None : _references[row.References],
        };
    }
    public bool TryGetTrade(UInt128 tradeId, out TradeRecord trade) => _tradeIndex.TryGetValue(tradeId, out trade!);

    /// <summary>Payments (settled or failed) whose trade reference carries this invoice number, oldest first (exact match).</summary>
    public IReadOnlyList<PaymentRecord> FindPaymentsByInvoice(string invoiceNumber)
    {
        var found = new List<PaymentRecord>();
        if (!_byInvoice.TryGetValue(ReferenceKey(invoiceNumber), out var chain)) return found;
        for (int i = chain.First; i >= 0; i = _payments[i].NextSameInvoice)
            if (RequestAt(i).Trade.InvoiceNumber == invoiceNumber) found.Add(RecordAt(i)); // not another invoice of the same hash
        return found;
    }

    /// <summary>Payments whose trade reference carries this letter of credit reference, oldest first (exact match).</summary>
    public IReadOnlyList<PaymentRecord> FindPaymentsByLetterOfCredit(string letterOfCreditReference)
    {
        var found = new List<PaymentRecord>();
        if (!_byLetterOfCredit.TryGetValue(ReferenceKey(letterOfCreditReference), out var chain)) return found;
        for (int i = chain.First; i >= 0; i = _payments[i].NextSameLetterOfCredit)
            if (RequestAt(i).Trade.LetterOfCreditReference == letterOfCreditReference) found.Add(RecordAt(i));
        return found;
    }

    /// <summary>PvP payments submitted at or after engine time <paramref name="sinceNs"/>, by status (submission order is time order).</summary>
    public (int Submitted, int Settled, int Held, int Queued, int Failed) CountPaymentsSince(ulong sinceNs)
    {
        int lo = 0, hi = _payments.Count;
        while (lo < hi) { int mid = (lo + hi) >>> 1; if (_payments[mid].Timestamp < sinceNs) lo = mid + 1; else hi = mid; }
        // Held and queued payments may still change; the rest are counted once (StatusTally).
        ReadOnlySpan<int> c = _dayTally.Count(lo, _payments.Count, i => (byte)_payments[i].Status,
            s => (PaymentStatus)s is not (PaymentStatus.Held or PaymentStatus.Queued));
        int submitted = _payments.Count - lo, settled = c[(byte)PaymentStatus.Settled], held = c[(byte)PaymentStatus.Held], queued = c[(byte)PaymentStatus.Queued];
        return (submitted, settled, held, queued, submitted - settled - held - queued);
    }

    /// <summary>The status of the payment at <paramref name="position"/> (submission order), read without building its record.</summary>
    public PaymentStatus StatusAt(int position) => _payments[position].Status;

    /// <summary>All payments in the order they were submitted (each read builds a copy: <see cref="StatusAt"/> reads only the status).</summary>
    public IReadOnlyList<PaymentRecord> Payments => new IndexedList<PaymentRecord>(() => _payments.Count, RecordAt);
    /// <summary>
    /// The locks still locked, in the order they were taken (each read is a copy). Read from the expiry queue, which holds
    /// every open lock (and, until it is next compacted, entries of closed ones, left out here): a query for open locks costs
    /// about what is open, not every lock ever taken.
    /// </summary>
    public IReadOnlyList<LockRecord> OpenLocks()
    {
        var positions = new List<int>();
        foreach ((Expiring e, _) in _expiry.UnorderedItems)
            if (e.Record is null && _locks[e.Lock].Status == LockStatus.Locked) positions.Add(e.Lock);
        positions.Sort();
        return LocksAt(positions);
    }

    /// <summary>The locks at <paramref name="positions"/>, in that order (each read is a copy).</summary>
    private IndexedList<LockRecord> LocksAt(List<int> positions) => new(() => positions.Count, i => _locks[positions[i]]);

    /// <summary>The locks <paramref name="payer"/> took, in the order taken (each read is a copy): a participant's newest without a walk over every lock.</summary>
    public IReadOnlyList<LockRecord> LocksOf(ulong payer) =>
        _locksByPayer.TryGetValue(payer, out List<int>? positions) ? LocksAt(positions) : [];

    /// <summary>The trades <paramref name="party"/> is party A or B of, in the order submitted.</summary>
    public IReadOnlyList<TradeRecord> TradesOf(ulong party) =>
        _tradesByParty.TryGetValue(party, out List<int>? positions) ? new IndexedList<TradeRecord>(() => positions.Count, i => _trades[positions[i]]) : [];

    private static List<int> PositionsOf(Dictionary<ulong, List<int>> index, ulong participant)
    {
        if (!index.TryGetValue(participant, out List<int>? positions)) index.Add(participant, positions = new List<int>());
        return positions;
    }

    private void IndexTrade(FxTradeInstruction terms, int position)
    {
        PositionsOf(_tradesByParty, terms.PartyA).Add(position);
        if (terms.PartyB != terms.PartyA) PositionsOf(_tradesByParty, terms.PartyB).Add(position);
    }

    /// <summary>All locks in the order they were taken (each read is a copy).</summary>
    public IReadOnlyList<LockRecord> Locks => new IndexedList<LockRecord>(() => _locks.Count, i => _locks[i]);
    public IReadOnlyList<TradeRecord> Trades => _trades;
    public IReadOnlyList<QuoteRecord> Quotes => _quotes;

    // ───────────────────────────── hashing and snapshots ─────────────────────────────

    /// <summary>Feeds the whole exchange state into <paramref name="hash"/>: exactly the snapshot bytes, so both cover every field.</summary>
    public void HashInto(XxHash128 hash)
    {
        using var stream = new HashingStream(hash);
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        WriteHashInput(w);
    }

    /// <summary>Exactly the bytes <see cref="HashInto"/> hashes (the engine captures them to hash a snapshot on another thread).</summary>
    public void WriteHashInput(BinaryWriter w) => ForEachHashSection(section => section(w));

    /// <summary>The snapshot sections the state hash covers, in its order (as SettlementState.ForEachHashSection).</summary>
    internal void ForEachHashSection(Action<Action<BinaryWriter>> section)
    {
        section(WriteSnapshot);
        // Only when some payment carries ids, so the hash of a state without any is what it was before ids were kept.
        if (_paymentsWithReferences != 0) section(WriteReferencesSnapshot);
    }

    /// <summary>
    /// ISO 20022 ids of PvP payments (engine snapshot format 9, after overnight credit): count, then (payment position,
    /// encoded <see cref="PaymentReferences"/>) in position order, for the payments that carry any.
    /// </summary>
    public void WriteReferencesSnapshot(BinaryWriter w)
    {
        w.Write(_paymentsWithReferences);
        if (_paymentsWithReferences == 0) return;
        if (SnapshotCapture.Of(w) is { } capture)
        {
            ChunkedView<PaymentRow> payments = capture.Freeze(_payments, _payments.Freeze, v => v.Release);
            RecordList<PaymentReferences>.Frozen references = capture.Freeze(_references, _references.Freeze, v => v.Release);
            ((SegmentedBuffer)w.BaseStream).Defer(_referencesEncodedBytes + 8L * _paymentsWithReferences, later => WriteReferences(later, payments, references));
        }
        else WriteReferences(w, _payments.View(), _references);
    }

    private static int EncodedLength(PaymentReferences references)
    {
        Span<byte> buffer = stackalloc byte[PaymentReferences.MaxEncodedBytes];
        var writer = new WireWriter(buffer);
        references.Write(ref writer);
        return writer.Written;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per snapshot over every record: never left to the first tier
    private static void WriteReferences(BinaryWriter w, ChunkedView<PaymentRow> payments, IReadOnlyList<PaymentReferences> references)
    {
        byte[] buffer = new byte[PaymentReferences.MaxEncodedBytes];
        for (int i = 0; i < payments.Count; i++)
        {
            int kept = payments[i].References;
            if (kept < 0) continue;
            var writer = new WireWriter(buffer);
            references[kept].Write(ref writer);
            w.Write(i);
            w.Write(writer.Written);
            w.Write(buffer, 0, writer.Written);
        }
    }

    public void ReadReferencesSnapshot(BinaryReader r)
    {
        int count = ReadCount(r, _payments.Count);
        int previous = -1;
        for (int i = 0; i < count; i++)
        {
            int position = r.ReadInt32();
            if (position <= previous || position >= _payments.Count) throw new InvalidDataException($"exchange snapshot: ids for payment position {position}");
            previous = position;
            int length = ReadCount(r, PaymentReferences.MaxEncodedBytes);
            byte[] bytes = r.ReadBytes(length);
            if (bytes.Length != length) throw new InvalidDataException("exchange snapshot truncated");
            var reader = new WireReader(bytes);
            PaymentReferences references = PaymentReferences.Read(ref reader);
            if (reader.Remaining != 0 || references.IsEmpty) throw new InvalidDataException($"exchange snapshot: ids of payment position {position} malformed");
            _references.Add(references);
            _payments.Mut(position).References = _references.Count - 1;
            _referencesEncodedBytes += length;
        }
        _paymentsWithReferences = count;
    }

    /// <summary>
    /// Writes the exchange state. For a frozen capture (<see cref="SnapshotCapture"/>) the locks, payments and trades — one
    /// lock and one payment per PvP payment — are left to the snapshot's writer thread, read from views frozen now.
    /// </summary>
    public void WriteSnapshot(BinaryWriter w)
    {
        byte[] scratch = new byte[PayAgainstLock.MaxEncodedBytes];
        w.Write(SnapshotVersion);
        w.Write(Currencies.ConfiguredCount);
        foreach (CurrencyInfo c in Currencies.Configured())
        {
            w.Write(c.Code); w.Write(c.Numeric); w.Write(c.Exponent); w.Write(c.Ledger);
        }
        w.Write(_quotes.Count);
        foreach (QuoteRecord q in _quotes)
        {
            WriteItem(w, q.Quote, scratch);
            w.Write(q.ContentHash); w.Write(q.SourceLedger); w.Write(q.DestinationLedger); w.Write(q.SourceExponent); w.Write(q.DestinationExponent);
            w.Write(q.PublishedAt); w.Write((byte)q.Status);
        }
        SnapshotCapture? capture = SnapshotCapture.Of(w);
        w.Write(_locks.Count);
        if (capture is null) WriteLocks(w, _locks.View());
        else
        {
            ChunkedView<LockRecord> locks = capture.Freeze(_locks, _locks.Freeze, v => v.Release);
            ((SegmentedBuffer)w.BaseStream).Defer((long)LockSnapshotBytes * locks.Count, later => WriteLocks(later, locks));
        }
        w.Write(_payments.Count);
        if (capture is null) WritePayments(w, _payments.View(), _encoded);
        else
        {
            ChunkedView<PaymentRow> payments = capture.Freeze(_payments, _payments.Freeze, v => v.Release);
            RecordList<ReadOnlyMemory<byte>>.Frozen encoded = capture.Freeze(_encoded, _encoded.Freeze, v => v.Release);
            ((SegmentedBuffer)w.BaseStream).Defer(_paymentsEncodedBytes + (long)PaymentSnapshotBytes * payments.Count, later => WritePayments(later, payments, encoded));
        }
        w.Write(_trades.Count);
        if (capture is null) WriteTrades(w, _trades);
        else
        {
            RecordList<TradeRecord>.Frozen trades = capture.Freeze(_trades, _trades.Freeze, v => v.Release);
            ((SegmentedBuffer)w.BaseStream).Defer((long)TradeSnapshotBytes * trades.Count, later => WriteTrades(later, trades));
        }
        w.Write(_expiryOrder);
    }

    // Bytes of one record in the snapshot (a payment's beside its journaled bytes): a capture knows its size before writing it.
    private const int LockSnapshotBytes = 4 + 88 + 8 + 3 + 8 + 8 + 4 + 4 + 3 * 16 + 8 + 8 + 16;
    private const int PaymentSnapshotBytes = 4 + 8 + 3 + 8 + 8 + 2 * 16 + 8;
    private const int TradeSnapshotBytes = 4 + 136 + 8 + 8 + 1 + 8 + 1 + 1 + 4 + 4 + 2 * 16 + 8;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per snapshot over every record: never left to the first tier
    private static void WriteLocks(BinaryWriter w, ChunkedView<LockRecord> locks)
    {
        byte[] scratch = new byte[LockQuote.MaxEncodedBytes];
        for (int i = 0; i < locks.Count; i++)
        {
            ref readonly LockRecord l = ref locks[i];
            WriteItem(w, l.Request, scratch);
            w.Write(l.ContentHash); w.Write((byte)l.Result); w.Write((byte)l.LedgerResult); w.Write((byte)l.Status);
            w.Write(l.SourceMinor); w.Write(l.DestinationMinor); w.Write(l.SourceLedger); w.Write(l.DestinationLedger);
            Write128(w, l.ProviderSourceAccount); Write128(w, l.ProviderDestinationAccount); Write128(w, l.ReservationTransferId);
            w.Write(l.LockedAt); w.Write(l.ExpiresAt); Write128(w, l.PaymentId);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per snapshot over every record: never left to the first tier
    private static void WritePayments(BinaryWriter w, ChunkedView<PaymentRow> payments, IReadOnlyList<ReadOnlyMemory<byte>> encoded)
    {
        for (int i = 0; i < payments.Count; i++)
        {
            ref readonly PaymentRow p = ref payments[i];
            ReadOnlyMemory<byte> bytes = encoded[i];
            w.Write(bytes.Length);
            // The journaled bytes (same layout as WriteItem); a capture refers to them, since they never change.
            if (w.BaseStream is SegmentedBuffer capture) capture.WriteShared(bytes);
            else w.Write(bytes.Span);
            w.Write(p.ContentHash); w.Write((byte)p.Result); w.Write((byte)p.LedgerResult); w.Write((byte)p.Status);
            w.Write(p.SourceMinor); w.Write(p.DestinationMinor); Write128(w, p.SourceLegTransferId); Write128(w, p.DestinationLegTransferId);
            w.Write(p.Timestamp);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per snapshot over every record: never left to the first tier
    private static void WriteTrades(BinaryWriter w, IReadOnlyList<TradeRecord> trades)
    {
        byte[] scratch = new byte[FxTradeInstruction.MaxEncodedBytes];
        for (int i = 0; i < trades.Count; i++)
        {
            TradeRecord t = trades[i];
            WriteItem(w, t.Terms, scratch);
            w.Write(t.SubmitHash); w.Write(t.SubmittedAt); w.Write((byte)t.Status); w.Write(t.AffirmHash); w.Write((byte)t.AffirmResult);
            w.Write((byte)t.LedgerResult); w.Write(t.LedgerA); w.Write(t.LedgerB); Write128(w, t.LegATransferId); Write128(w, t.LegBTransferId);
            w.Write(t.ClosedAt);
        }
    }

    /// <summary>Restores into this (empty) state; indexes, the quote book and the expiry queue are rebuilt from the records.</summary>
    public void ReadSnapshot(BinaryReader r)
    {
        if (_quotes.Count + _locks.Count + _payments.Count + _trades.Count + Currencies.ConfiguredCount != 0)
            throw new InvalidOperationException("exchange snapshot must be read into an empty state");
        int version = r.ReadInt32();
        if (version != SnapshotVersion) throw new InvalidDataException($"exchange snapshot version {version} is not supported (expected {SnapshotVersion})");
        int currencies = ReadCount(r, CurrencyRegistry.MaxConfiguredCurrencies);
        for (int i = 0; i < currencies; i++)
            Currencies.Restore(new CurrencyInfo(r.ReadString(), r.ReadUInt16(), r.ReadInt32(), r.ReadUInt32(), true));

        var expiring = new List<(Expiring Item, ulong ExpiresAt)>();
        int quotes = ReadCount(r, MaxQuotes);
        for (int i = 0; i < quotes; i++)
        {
            var q = new QuoteRecord
            {
                Quote = ReadItem<PublishQuote>(r), ContentHash = r.ReadUInt64(), SourceLedger = r.ReadUInt32(), DestinationLedger = r.ReadUInt32(),
                SourceExponent = r.ReadInt32(), DestinationExponent = r.ReadInt32(), PublishedAt = r.ReadUInt64(), Status = (QuoteStatus)r.ReadByte(),
            };
            _quotes.Add(q);
            _quoteIndex.Add(q.Quote.QuoteId, q);
            ulong pair = PairKey(q.SourceLedger, q.DestinationLedger);
            if (!_book.TryGetValue(pair, out List<QuoteRecord>? book)) _book.Add(pair, book = new List<QuoteRecord>());
            if (q.Status == QuoteStatus.Active) { book.Add(q); expiring.Add((new Expiring(q, -1), q.Quote.ValidUntilNs)); }
        }
        int locks = ReadCount(r, MaxLocks);
        for (int i = 0; i < locks; i++)
        {
            ref LockRecord l = ref _locks.Add();
            l = new LockRecord { Request = ReadItem<LockQuote>(r), ContentHash = r.ReadUInt64() };
            l.Result = (LockResult)r.ReadByte(); l.LedgerResult = (CreateTransferResult)r.ReadByte(); l.Status = (LockStatus)r.ReadByte();
            l.SourceMinor = r.ReadInt64(); l.DestinationMinor = r.ReadInt64(); l.SourceLedger = r.ReadUInt32(); l.DestinationLedger = r.ReadUInt32();
            l.ProviderSourceAccount = Read128(r); l.ProviderDestinationAccount = Read128(r); l.ReservationTransferId = Read128(r);
            l.LockedAt = r.ReadUInt64(); l.ExpiresAt = r.ReadUInt64(); l.PaymentId = Read128(r);
            _lockIndex.Add(l.Request.LockId, i);
            PositionsOf(_locksByPayer, l.Request.Payer).Add(i);
            if (l.Status == LockStatus.Locked) expiring.Add((new Expiring(null, i), l.ExpiresAt));
        }
        int payments = ReadCount(r, MaxPayments);
        for (int i = 0; i < payments; i++)
        {
            Memory<byte> encoded = _encodedPayments.Allocate(ReadCount(r, PayAgainstLock.MaxEncodedBytes));
            ReadExactly(r, encoded.Span);
            var reader = new WireReader(encoded.Span);
            PayAgainstLock request = PayAgainstLock.Read(ref reader);
            if (reader.Remaining != 0) throw new InvalidDataException("exchange snapshot payment has trailing bytes");
            PaymentRow p = NewPayment(request.PaymentId, request.LockId, r.ReadUInt64());
            p.Result = (PayResult)r.ReadByte(); p.LedgerResult = (CreateTransferResult)r.ReadByte(); p.Status = (PaymentStatus)r.ReadByte();
            p.SourceMinor = r.ReadInt64(); p.DestinationMinor = r.ReadInt64(); p.SourceLegTransferId = Read128(r); p.DestinationLegTransferId = Read128(r);
            p.Timestamp = r.ReadUInt64();
            AddPayment(p, encoded, PaymentReferences.None, request.Trade);
        }
        int trades = ReadCount(r, MaxTrades);
        for (int i = 0; i < trades; i++)
        {
            var t = new TradeRecord { Terms = ReadItem<FxTradeInstruction>(r), SubmitHash = r.ReadUInt64(), SubmittedAt = r.ReadUInt64() };
            t.Status = (TradeStatus)r.ReadByte(); t.AffirmHash = r.ReadUInt64(); t.AffirmResult = (TradeResult)r.ReadByte();
            t.LedgerResult = (CreateTransferResult)r.ReadByte(); t.LedgerA = r.ReadUInt32(); t.LedgerB = r.ReadUInt32();
            t.LegATransferId = Read128(r); t.LegBTransferId = Read128(r); t.ClosedAt = r.ReadUInt64();
            IndexTrade(t.Terms, _trades.Count);
            _trades.Add(t);
            _tradeIndex.Add(t.Terms.TradeId, t);
            if (t.Status == TradeStatus.Submitted) expiring.Add((new Expiring(t, -1), t.Terms.AffirmDeadlineNs));
        }
        _expiryOrder = r.ReadInt64();
        // Expiry order among equal deadlines does not change the resulting state; a fresh order is enough.
        long order = 0;
        foreach (var (item, expiresAt) in expiring) _expiry.Enqueue(item, (expiresAt, order++));
    }

    // BinaryReader.Read(Span) may return fewer bytes than asked (a stream's read); a snapshot that ends early is damaged.
    private static void ReadExactly(BinaryReader r, Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            int n = r.Read(destination);
            if (n == 0) throw new InvalidDataException("exchange snapshot ends inside a payment's bytes");
            destination = destination[n..];
        }
    }

    private static int ReadCount(BinaryReader r, int max)
    {
        int n = r.ReadInt32();
        if ((uint)n > (uint)max) throw new InvalidDataException($"exchange snapshot count {n} exceeds {max}");
        return n;
    }

    private static void WriteItem<T>(BinaryWriter w, T item, byte[] scratch) where T : IExchangeItem<T>
    {
        var writer = new WireWriter(scratch);
        item.Write(ref writer);
        w.Write(writer.Written);
        w.Write(scratch, 0, writer.Written);
    }

    private static T ReadItem<T>(BinaryReader r) where T : IExchangeItem<T>
    {
        int length = ReadCount(r, T.MaxEncodedBytes);
        byte[] bytes = r.ReadBytes(length);
        if (bytes.Length != length) throw new InvalidDataException("exchange snapshot truncated");
        var reader = new WireReader(bytes);
        T item = T.Read(ref reader);
        if (reader.Remaining != 0) throw new InvalidDataException("exchange snapshot item has trailing bytes");
        return item;
    }

    private static void Write128(BinaryWriter w, UInt128 v) => SnapshotIO.Write128(w, v);

    private static UInt128 Read128(BinaryReader r) => SnapshotIO.Read128(r);
}
