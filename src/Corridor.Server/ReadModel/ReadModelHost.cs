using System.Collections.Concurrent;
using System.Diagnostics;
using Corridor.Storage.Journal;
using Corridor.Storage.Node;
using Corridor.Storage.ReadModel;

namespace Corridor.Server.ReadModel;

/// <summary>Which read model a server feeds and queries.</summary>
public static class ReadModelKinds
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";
    public const string None = "none";
}

/// <summary>
/// Runs the projector inside the server and serves the read model to queries. The projector is a thread of its
/// own that follows committed journal batches (it reads the journal, never the engine, and takes no lock the
/// write path takes), so acknowledgement of writes never waits for it; it only runs behind. Its memory is bounded
/// by <see cref="Options"/> (batches and transfers per write). Queries use connections of their own (SQLite WAL:
/// readers never block the projector). A failure stops projecting for <see cref="RetryDelay"/>, then the
/// projector is rebuilt from the stored position: the node is never stopped by its read model.
/// </summary>
public sealed class ReadModelHost : IDisposable
{
    /// <summary>Longest a query waits for the projection to reach the sequence it asked for.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(15);
    /// <summary>Most queries waiting for the projector at once; beyond it they are refused (503) instead of queued.</summary>
    public const int MaxWaiters = 10_000;
    /// <summary>Most read connections kept open for queries.</summary>
    public const int MaxReaders = 4;
    /// <summary>
    /// How long a caught-up projector lets new batches gather before it looks again (a waiting query wakes it at once). A
    /// read-model transaction's cost is mostly the pages it dirties — the transfer indexes by account are inserted at random
    /// positions, so a transaction writes about one index page per transfer until the transactions are large — and a node
    /// answering single requests commits many small batches: 100 ms (and 64 batches per write) cost the projector ≈ 29 µs per
    /// transfer at 16,000 single requests/s, 250 ms and 1,024 batches ≈ 17 µs (README, HTTP single-transfer row). It stays short
    /// enough that the payment events pushed after each write (at most 4,096 waiting per stream) come in bursts a reader takes.
    /// </summary>
    public const int IdlePollMs = 250;
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>Grouping used by the server's projector: up to 1,024 batches or 65,536 transfers per transaction.</summary>
    public static readonly ProjectorOptions Options = new() { MaxBatchesPerWrite = 1024, MaxTransfersPerWrite = 65_536 };

    private readonly Node _node;
    private readonly Func<SqlReadModel> _open;
    private readonly string? _snapshotsPath;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly AutoResetEvent _wake = new(false);
    private readonly ConcurrentBag<SqlReadModel> _readers = new();
    private readonly List<(long Sequence, TaskCompletionSource Done)> _waiters = new();
    private int _readerCount;
    private long _projected;
    private long _rows;
    private long _failures;
    private volatile string? _lastError;
    private volatile bool _running;
    private double _rowsPerSecond;

    private ReadModelHost(string kind, string location, Node node, Func<SqlReadModel> open, string? snapshotsPath)
    {
        Kind = kind;
        Location = location;
        _node = node;
        _open = open;
        _snapshotsPath = snapshotsPath;
        _thread = new Thread(Run) { IsBackground = true, Name = "corridor-projector" };
    }

    /// <summary>Starts projecting <paramref name="node"/>'s journal into SQLite at <paramref name="sqlitePath"/> or PostgreSQL.</summary>
    public static ReadModelHost Start(string kind, string? sqlitePath, string? postgresConnection, Node node, string? snapshotsPath)
    {
        ReadModelHost host = kind switch
        {
            ReadModelKinds.Sqlite => new ReadModelHost(kind, sqlitePath ?? throw new ArgumentNullException(nameof(sqlitePath)), node,
                () => SqliteReadModel.Open(sqlitePath), snapshotsPath),
            ReadModelKinds.Postgres => new ReadModelHost(kind, "postgres", node,
                () => PostgresReadModel.Open(postgresConnection ?? throw new ArgumentNullException(nameof(postgresConnection))), snapshotsPath),
            _ => throw new ArgumentException($"read model must be {ReadModelKinds.Sqlite} or {ReadModelKinds.Postgres}", nameof(kind)),
        };
        // Create (or rebuild) the schema before any reader opens it. A read model that cannot be opened (PostgreSQL
        // down) does not stop the node: the projector thread keeps retrying, queries answer 503 meanwhile.
        try
        {
            SqlReadModel first = host._open();
            host._projected = first.ProjectedSequence;
            host._readers.Add(first);
            host._readerCount = 1;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException)
        {
            host._lastError = e.Message;
        }
        host._thread.Start();
        return host;
    }

    /// <summary>Called on the projector thread after each committed write with what it wrote (see <see cref="Projector.Written"/>).</summary>
    public Action<ReadModelBatch>? Projected { get; set; }

    public string Kind { get; }
    /// <summary>The SQLite file, or "postgres".</summary>
    public string Location { get; }

    /// <summary>Last journal batch stored in the read model.</summary>
    public long ProjectedSequence => Interlocked.Read(ref _projected);

    /// <summary>Committed batches not yet in the read model.</summary>
    public long LagBatches => Math.Max(0, _node.Journal.LastSequence - ProjectedSequence);

    /// <summary>Last batch committed to the journal (every acknowledged write is at or below it).</summary>
    public long CommittedSequence => _node.Journal.LastSequence;

    public long RowsProjected => Interlocked.Read(ref _rows);
    public double RowsPerSecond => Volatile.Read(ref _rowsPerSecond);
    public long Failures => Interlocked.Read(ref _failures);
    public string? LastError => _lastError;
    /// <summary>True while the projector thread is following the journal (false after a failure, until it recovers).</summary>
    public bool Running => _running;

    /// <summary>
    /// Waits until the read model holds batch <paramref name="sequence"/>; false when <paramref name="timeout"/> passed first.
    /// Throws <see cref="InvalidOperationException"/> when too many queries already wait.
    /// </summary>
    public async Task<bool> WaitForAsync(long sequence, TimeSpan timeout, CancellationToken cancel)
    {
        if (ProjectedSequence >= sequence) return true;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            if (ProjectedSequence >= sequence) return true;
            if (_waiters.Count >= MaxWaiters) throw new InvalidOperationException("too many queries wait for the read model");
            _waiters.Add((sequence, done));
        }
        _wake.Set();
        try
        {
            await done.Task.WaitAsync(timeout, cancel).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return ProjectedSequence >= sequence;
        }
        finally
        {
            lock (_waiters) _waiters.RemoveAll(w => w.Done == done);
        }
    }

    /// <summary>Runs <paramref name="query"/> on a read connection (opened on demand, at most <see cref="MaxReaders"/> kept).</summary>
    public T Query<T>(Func<SqlReadModel, T> query)
    {
        if (!_readers.TryTake(out SqlReadModel? reader))
        {
            try { reader = _open(); }
            catch (System.Data.Common.DbException e) { throw new Http.ApiException(503, "read_model.unavailable", "the read model cannot be opened: " + e.Message); }
            Interlocked.Increment(ref _readerCount);
        }
        bool keep = true;
        try
        {
            return query(reader);
        }
        catch (System.Data.Common.DbException e)
        {
            keep = false;
            throw new Http.ApiException(503, "read_model.unavailable", "the read model cannot be queried: " + e.Message);
        }
        finally
        {
            if (keep && Volatile.Read(ref _readerCount) <= MaxReaders) _readers.Add(reader);
            else
            {
                Interlocked.Decrement(ref _readerCount);
                reader.Dispose();
            }
        }
    }

    /// <summary>Nice value of the projector thread: it yields the cores to the write path under saturation (see <see cref="Corridor.Core.Engine.BackgroundPriority"/>).</summary>
    public const int ProjectorNice = Corridor.Core.Engine.BackgroundPriority.Lowest;

    private void Run()
    {
        Corridor.Core.Engine.BackgroundPriority.LowerCurrentThread(ProjectorNice);
        CancellationToken stop = _stop.Token;
        SqlReadModel? writer = null;
        Projector? projector = null;
        long sampleRows = 0;
        long sampleAt = Stopwatch.GetTimestamp();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (projector is null)
                {
                    writer ??= _open();
                    SnapshotStore? snapshots = _snapshotsPath is not null && Directory.Exists(_snapshotsPath) ? new SnapshotStore(_snapshotsPath) : null;
                    projector = new Projector(_node.Journal, writer, Options, snapshots) { Written = batch => Projected?.Invoke(batch) };
                    Interlocked.Exchange(ref _projected, projector.ProjectedSequence);
                    _running = true;
                }
                long rowsBefore = projector.RowsProjected;
                int done = projector.CatchUp(maxBatches: Options.MaxBatchesPerWrite, stop);
                Interlocked.Add(ref _rows, projector.RowsProjected - rowsBefore);
                Interlocked.Exchange(ref _projected, projector.ProjectedSequence);
                ReleaseWaiters();
                double seconds = Stopwatch.GetElapsedTime(sampleAt).TotalSeconds;
                if (seconds >= 1)
                {
                    long rows = RowsProjected;
                    Volatile.Write(ref _rowsPerSecond, (rows - sampleRows) / seconds);
                    sampleRows = rows;
                    sampleAt = Stopwatch.GetTimestamp();
                }
                // Caught up (a short catch-up): let batches gather for a moment, so a stream of small batches becomes a
                // few larger transactions and the projector takes less CPU from the engine; a waiting query cuts it short.
                if (done < Options.MaxBatchesPerWrite) _wake.WaitOne(IdlePollMs);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // The replica may be ahead of what was stored: drop it and rebuild from the stored position.
                _running = false;
                projector = null;
                Interlocked.Increment(ref _failures);
                _lastError = e.Message;
                try { writer?.Dispose(); } catch (System.Data.Common.DbException) { }
                writer = null;
                if (stop.WaitHandle.WaitOne(RetryDelay)) break;
            }
        }
        _running = false;
        writer?.Dispose();
    }

    private void ReleaseWaiters()
    {
        long projected = ProjectedSequence;
        lock (_waiters)
        {
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Sequence > projected) continue;
                _waiters[i].Done.TrySetResult();
                _waiters.RemoveAt(i);
            }
        }
    }

    /// <summary>Stops the projector (between writes; what was committed stays) and closes every connection.</summary>
    public void Dispose()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _wake.Set();
        _thread.Join();
        while (_readers.TryTake(out SqlReadModel? r)) r.Dispose();
        _stop.Dispose();
        _wake.Dispose();
    }
}
