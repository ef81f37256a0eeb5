using Corridor.Core.Engine;
using Corridor.Storage.Journal;
using Npgsql;

namespace Corridor.Storage.Postgres;

/// <summary>
/// A standby node: follows a PostgreSQL journal that another node writes, applying every committed batch to an engine
/// replica of its own (the engine is deterministic, so the replica is the active node's state at that batch), and takes
/// the journal's lease once the active node's lapses (<see cref="PostgresLease"/>): then it catches up to the last
/// committed batch and becomes the active node (<see cref="RunUntilActive"/>). It snapshots its replica as a node does (every
/// <see cref="Node.NodeOptions.SnapshotEveryEvents"/> events, and once caught up after a start that spent
/// <see cref="Node.NodeOptions.StandbySnapshotAfterReplaySeconds"/> or more replaying), so that its own next start is short. Not thread-safe: one thread follows;
/// <see cref="Sequence"/> and <see cref="Lease"/> may be read from any thread.
/// </summary>
public sealed class PostgresStandby : IDisposable
{
    public const int DefaultFollowEveryMs = 100;

    private readonly string _connectionString;
    private readonly PostgresJournalOptions _options;
    private readonly Node.NodeOptions _nodeOptions;
    private readonly SnapshotStore? _snapshots;
    private readonly PostgresJournal _reader;
    private readonly Engine _replica;
    private long _sequence;
    private long _verifiedThrough;
    private byte[]? _verifiedHash;
    private volatile LeaseState? _lease;
    private bool _handedOver;
    private readonly Node.SnapshotTaker? _taker; // null without a snapshot store
    private volatile Exception? _snapshotFailure;

    /// <summary>Opens the journal read-only and rebuilds the replica from the newest snapshot and the batches after it.</summary>
    public PostgresStandby(string connectionString, PostgresJournalOptions options, Node.NodeOptions nodeOptions, SnapshotStore? snapshots)
    {
        _connectionString = connectionString;
        _options = options;
        _nodeOptions = nodeOptions;
        _snapshots = snapshots;
        _reader = PostgresJournal.OpenReadOnly(connectionString, options);
        _replica = new Engine(nodeOptions.AccountCapacity, nodeOptions.TransferCapacity);
        if (snapshots is not null && snapshots.TryOpenLatest(out long sequence, out Stream? content))
        {
            using (content)
            {
                if (sequence <= _reader.LastSequence)
                {
                    _replica = Engine.ReadSnapshot(content);
                    if (_replica.Sequence != sequence) throw new JournalCorruptException($"snapshot file says batch {sequence} but holds state of batch {_replica.Sequence}");
                }
            }
        }
        StartedFromSnapshot = _replica.Sequence;
        _taker = snapshots is null ? null : new Node.SnapshotTaker(nodeOptions, snapshots) { AtLowestPriority = true };
        _taker?.WhenWriteFails(e => _snapshotFailure = e);
        long replayStart = System.Diagnostics.Stopwatch.GetTimestamp();
        int replayed = Follow();
        // A long replay at start is written down once caught up: the next start of this node restores it instead.
        if (_taker is not null && nodeOptions.StandbySnapshotAfterReplaySeconds > 0
            && System.Diagnostics.Stopwatch.GetElapsedTime(replayStart).TotalSeconds >= nodeOptions.StandbySnapshotAfterReplaySeconds)
        {
            _taker.Soon();
            _taker.StartIfDue(_replica);
        }
        ReplayedAtStart = replayed;
    }

    /// <summary>Batches the replica applied when the standby started (after its snapshot, if any).</summary>
    public int ReplayedAtStart { get; }

    /// <summary>The snapshot of the replica being written (completed when none): a test's or a stopping process's wait.</summary>
    public Task SnapshotWriting => _taker?.Writing ?? Task.CompletedTask;

    /// <summary>Batch of the snapshot the replica started from (0: from the first batch).</summary>
    public long StartedFromSnapshot { get; }

    /// <summary>The last batch applied to the replica.</summary>
    public long Sequence => Volatile.Read(ref _sequence);

    /// <summary>The lease as last read (who is active, where); null before the first read or when no node ever took it.</summary>
    public LeaseState? Lease => _lease;

    /// <summary>How often the journal and the lease are polled.</summary>
    public int FollowEveryMs { get; init; } = DefaultFollowEveryMs;

    /// <summary>Applies the batches committed since the last call to the replica; returns how many.</summary>
    public int Follow()
    {
        if (_handedOver) throw new InvalidOperationException("the replica was handed over to the active node");
        if (_snapshotFailure is { } failure) throw new Node.NodeStoppedException(failure); // as a node stops on a snapshot it could not write
        _reader.Refresh();
        int applied = 0;
        foreach (JournalBatch batch in _reader.Read(_replica.Sequence))
        {
            _replica.Apply(batch.Sequence, batch.TimestampNs, batch.Body, null);
            _verifiedThrough = batch.Sequence;
            _verifiedHash = batch.Hash;
            _taker?.Count(CommandBatch.ItemCount(batch.Body));
            applied++;
        }
        Volatile.Write(ref _sequence, _replica.Sequence);
        // Snapshots every SnapshotEveryEvents events, as the active node takes them: a standby killed after following for
        // long restores one instead of replaying everything since it started.
        _taker?.StartIfDue(_replica);
        return applied;
    }

    /// <summary>
    /// Follows the journal until the lease is free or lapsed, takes it (a new epoch, fencing the former holder), catches the
    /// replica up to the last committed batch and returns the node, now active and owning the journal and the replica.
    /// Blocks: run it on a thread of its own. A lost race for the lease goes back to following.
    /// </summary>
    public Node.Node RunUntilActive(CancellationToken cancel)
    {
        NpgsqlConnection? connection = null;
        try
        {
            while (true)
            {
                cancel.ThrowIfCancellationRequested();
                try
                {
                    Follow();
                    if (connection is null)
                    {
                        connection = new NpgsqlConnection(_connectionString);
                        connection.Open();
                    }
                    LeaseState? lease = PostgresLease.Read(connection, _options.Table);
                    _lease = lease;
                    if (lease is null || lease.Expired)
                    {
                        PostgresJournal journal;
                        try { journal = PostgresJournal.Open(_connectionString, _options, _verifiedThrough, _verifiedHash); }
                        catch (JournalLeaseHeldException e) { _lease = e.Lease; journal = null!; }
                        if (journal is not null)
                        {
                            try
                            {
                                // From here a write this standby started that fails is the node's to hear of (it stops).
                                _taker?.WhenWriteFails(null);
                                if (_snapshotFailure is { } failure) throw new Node.NodeStoppedException(failure);
                                _handedOver = true;
                                Node.Node node = Node.Node.Start(_nodeOptions, journal, _snapshots, _replica, _taker);
                                Volatile.Write(ref _sequence, node.Recovery.Sequence);
                                return node;
                            }
                            catch
                            {
                                journal.Dispose();
                                throw;
                            }
                        }
                    }
                }
                catch (NpgsqlException)
                {
                    connection?.Dispose(); // the database is unreachable (restarting, failing over): keep trying
                    connection = null;
                }
                cancel.WaitHandle.WaitOne(FollowEveryMs);
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    public void Dispose()
    {
        // A snapshot being written finishes (the replica is the node's once handed over, and so is the write).
        if (!_handedOver) SnapshotWriting.GetAwaiter().GetResult(); // a failed write is reported by the next follow, not here
        _reader.Dispose();
    }
}
