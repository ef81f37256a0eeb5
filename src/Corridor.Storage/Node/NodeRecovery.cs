using System.Diagnostics;
using Corridor.Core.Engine;
using Corridor.Storage.Journal;

namespace Corridor.Storage.Node;

/// <summary>
/// Start-up recovery of a node's state: the newest valid snapshot, then every journal batch after it. One function,
/// used by <see cref="Node.Start"/> and by the deterministic simulator, so what the simulator checks is what runs.
/// </summary>
public static class NodeRecovery
{
    /// <summary>
    /// Rebuilds the engine from <paramref name="snapshots"/> and <paramref name="journal"/>; throws
    /// <see cref="JournalCorruptException"/> when they disagree (a snapshot beyond the journal, a replay that stops short).
    /// <paramref name="replayedEvents"/>: commands' items replayed from the journal (they count towards the next snapshot).
    /// </summary>
    public static Engine Recover(NodeOptions options, IJournal journal, SnapshotStore? snapshots, out RecoveryInfo recovery, out long replayedEvents)
    {
        var clock = Stopwatch.StartNew();
        Engine engine = Restore(options, snapshots, out long snapshotSequence, out UInt128 restoredHash);
        return CatchUp(journal, snapshots, engine, snapshotSequence, clock, restoredHash, out recovery, out replayedEvents);
    }

    /// <summary>
    /// As <see cref="Recover(NodeOptions, IJournal, SnapshotStore?, out RecoveryInfo, out long)"/>, opening the journal with
    /// <paramref name="openJournal"/> on a thread of its own while the snapshot is restored: both read gigabytes on a large
    /// node (the journal's scan checks every batch's header and the chain). Returns the journal it opened, which the caller
    /// owns; on failure the journal is closed, and a journal that would not open is the error reported.
    /// </summary>
    public static Engine Recover(NodeOptions options, Func<IJournal> openJournal, SnapshotStore? snapshots, out IJournal journal, out RecoveryInfo recovery,
        out long replayedEvents)
    {
        var clock = Stopwatch.StartNew();
        Task<IJournal> opening = Task.Factory.StartNew(openJournal, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Engine engine;
        long snapshotSequence;
        UInt128 restoredHash;
        try { engine = Restore(options, snapshots, out snapshotSequence, out restoredHash); }
        catch
        {
            opening.GetAwaiter().GetResult().Dispose(); // a journal that would not open throws its own error from here
            throw;
        }
        journal = opening.GetAwaiter().GetResult();
        try { return CatchUp(journal, snapshots, engine, snapshotSequence, clock, restoredHash, out recovery, out replayedEvents); }
        catch
        {
            journal.Dispose();
            throw;
        }
    }

    /// <summary>The newest valid snapshot's engine (one pass: restored while its checksum is computed, kept only if it matches), or a new engine.</summary>
    private static Engine Restore(NodeOptions options, SnapshotStore? snapshots, out long snapshotSequence, out UInt128 restoredHash)
    {
        snapshotSequence = 0;
        restoredHash = 0;
        if (snapshots is null || !snapshots.TryRestoreLatest(content => (Engine.ReadSnapshot(content, out UInt128 h), h), out long sequence, out var restored))
            return new Engine(options.AccountCapacity, options.TransferCapacity);
        (Engine engine, restoredHash) = restored;
        if (engine.Sequence != sequence)
            throw new JournalCorruptException($"snapshot file says batch {sequence} but holds state of batch {engine.Sequence}");
        snapshotSequence = sequence;
        return engine;
    }

    /// <summary>
    /// Replays the journal's batches after <paramref name="engine"/>'s sequence into it (a restored snapshot, or a standby's replica
    /// that followed the active node); throws <see cref="JournalCorruptException"/> when the engine is past the journal or the replay stops short.
    /// </summary>
    public static Engine CatchUp(IJournal journal, SnapshotStore? snapshots, Engine engine, long snapshotSequence, Stopwatch clock, UInt128 restoredHash,
        out RecoveryInfo recovery, out long replayedEvents)
    {
        if (journal.LastSequence < engine.Sequence)
            throw new JournalCorruptException(
                $"snapshot is at batch {engine.Sequence} but the journal ends at batch {journal.LastSequence}: journal data is missing; refusing to start");

        long replayed = 0;
        replayedEvents = 0;
        foreach (JournalBatch batch in journal.Read(engine.Sequence))
        {
            engine.Apply(batch.Sequence, batch.TimestampNs, batch.Body, null);
            replayed++;
            replayedEvents += CommandBatch.ItemCount(batch.Body);
        }
        if (engine.Sequence != journal.LastSequence)
            throw new JournalCorruptException($"replay stopped at batch {engine.Sequence}, journal ends at {journal.LastSequence}");
        // The snapshot reader already hashed the restored state: hash it again only if batches were replayed on top.
        string stateHash = replayed == 0 && snapshotSequence > 0 ? restoredHash.ToString("x32") : engine.StateHashHex();
        recovery = new RecoveryInfo(snapshotSequence, replayed, engine.Sequence, clock.Elapsed, stateHash)
        {
            SnapshotsRejected = snapshots?.LastRejected ?? [],
            IdTable = snapshotSequence > 0 ? snapshots?.LastIdTable : null,
            JournalNotes = journal is FileJournal file ? file.RecoveryReport.Notes : [],
            JournalTruncatedBytes = journal is FileJournal f ? f.RecoveryReport.TruncatedBytes : 0,
        };
        return engine;
    }
}
