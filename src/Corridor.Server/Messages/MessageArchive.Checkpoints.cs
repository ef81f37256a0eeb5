using Microsoft.Data.Sqlite;

namespace Corridor.Server.Messages;

/// <summary>
/// The archive's write-ahead log: copied into the file by a checkpointer thread of its own, and started over by the writer
/// once it has grown past <see cref="RestartFrames"/> (SQLite starts it over only after a checkpoint copied all of it, which
/// a passive checkpoint beside a writer that never pauses never does).
/// </summary>
public sealed partial class MessageArchive
{
    /// <summary>
    /// Set by the checkpointer once its passes have copied all but a short tail of a long log: the writer copies that tail
    /// itself between two commits (no frame can be appended meanwhile, so the checkpoint is complete), and its next commit
    /// starts the log over. Done by the writer, not by the checkpointer holding it off with a RESTART checkpoint: a writer
    /// waiting on a lock polls for it in sleeps of 1–25 ms, which gave requests waiting on the archive a p99 of 37–57 ms
    /// against 22–33 ms with the log growing; the writer's own pass took 7–8 ms, once per 256 MiB of log (≈ 5 s of
    /// one-transaction pacs.008s at full load).
    /// </summary>
    private volatile bool _finishCheckpoint;

    private SqliteCommand? _finish; // the writer's own checkpoint, used under _gate

    private void FinishCheckpoint()
    {
        _finishCheckpoint = false;
        try
        {
            lock (_gate)
            {
                if (_finish is null)
                {
                    _finish = _connection.CreateCommand();
                    _finish.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                }
                (bool busy, int log, int copied) = Checkpoint(_finish);
                if (!busy && copied == log) Interlocked.Increment(ref _restarts);
            }
        }
        catch (SqliteException) { } // a failing disk: the log grows until a later checkpoint gets through; the next commit says so
    }

    /// <summary>How often the checkpointer copies the write-ahead log into the archive's file.</summary>
    public static readonly TimeSpan CheckpointInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Frames (pages of 4 KiB) the write-ahead log may hold before the checkpointer has it start over (≈ 256 MiB). SQLite
    /// starts the log over only once a checkpoint has copied all of it; under steady writes a passive checkpoint never
    /// does (the writer appends while it copies), so the log grew for as long as messages kept coming (491 MB after 13 s
    /// of one-transaction pacs.008s at ≈ 7,000 a second), and every frame went to a new block of the file.
    /// </summary>
    public const int RestartFrames = 65_536;

    /// <summary>Bytes of one frame of the log: a 24-byte header and a 4096-byte page.</summary>
    private const int WalFrameBytes = 4096 + 24;

    /// <summary>A passive pass that found no more than this many new frames leaves a tail short enough for the writer to copy between two commits.</summary>
    private const int CatchUpFrames = 256;

    /// <summary>Most passive passes before the writer is asked to copy the tail anyway.</summary>
    private const int MaxCatchUpPasses = 8;

    private Thread? _checkpointer;
    private readonly ManualResetEventSlim _stopping = new(false);

    /// <summary>Times the log was fully copied by the writer's own checkpoint, so that its next commit started it over.</summary>
    public int Restarts => Volatile.Read(ref _restarts);
    private int _restarts;

    /// <summary>
    /// Copies committed pages from the write-ahead log into the file (PRAGMA wal_checkpoint(PASSIVE): it never waits for the writer,
    /// which goes on appending meanwhile), every <see cref="CheckpointInterval"/> and at the end. Once the log holds
    /// <see cref="RestartFrames"/> or more, passive passes follow one another until one finds only a short tail, and the
    /// writer is asked to copy that tail between two commits (<see cref="FinishCheckpoint"/>), after which its next commit
    /// starts the log over from its beginning, reusing its file.
    /// </summary>
    private void CheckpointLoop(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using (SqliteCommand timeout = connection.CreateCommand())
        {
            timeout.CommandText = "PRAGMA busy_timeout = 1000";
            timeout.ExecuteNonQuery();
        }
        using SqliteCommand passive = connection.CreateCommand();
        passive.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
        bool stop = false;
        while (!stop)
        {
            stop = _stopping.Wait(_checkpointInterval);
            if (_finishCheckpoint) continue; // the writer has not copied the last tail yet: no pass may hold the checkpoint's lock then
            try
            {
                (_, int log, _) = Checkpoint(passive);
                Volatile.Write(ref _logFrames, log);
                if (log < _restartFrames) continue;
                for (int pass = 0; pass < MaxCatchUpPasses; pass++)
                {
                    (_, int next, _) = Checkpoint(passive);
                    bool caughtUp = next - log <= CatchUpFrames;
                    log = next;
                    if (caughtUp) break;
                }
                _finishCheckpoint = true;
            }
            catch (SqliteException) { } // busy or failing disk: the log only grows until a later checkpoint gets through
        }
    }

    /// <summary>Runs a checkpoint: whether it could not finish (a writer or reader held it off), the frames in the log and those copied.</summary>
    private static (bool Busy, int LogFrames, int Copied) Checkpoint(SqliteCommand checkpoint)
    {
        using SqliteDataReader r = checkpoint.ExecuteReader();
        return r.Read() ? (r.GetInt32(0) != 0, r.GetInt32(1), r.GetInt32(2)) : (true, 0, 0);
    }

    /// <summary>Frames the write-ahead log held at the checkpointer's last pass (0 before the first).</summary>
    public int LogFrames => Volatile.Read(ref _logFrames);
    private int _logFrames;
}
