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
        Engine engine;
        long snapshotSequence = 0;
        UInt128 restoredHash = 0;
        // One pass over the snapshot: restored while its checksum is computed, kept only if the checksum matches.
        if (snapshots is not null && snapshots.TryRestoreLatest(content => (Engine.ReadSnapshot(content, out UInt128 h), h), out long sequence, out var restored))
        {
            (engine, restoredHash) = restored;
            if (engine.Sequence != sequence)
                throw new JournalCorruptException($"snapshot file says batch {sequence} but holds state of batch {engine.Sequence}");
            snapshotSequence = sequence;
        }
        else
        {
            engine = new Engine(options.AccountCapacity, options.TransferCapacity);
        }
        return CatchUp(journal, snapshots, engine, snapshotSequence, clock, restoredHash, out recovery, out replayedEvents);
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
            for (int offset = 0; offset < batch.Body.Length;) replayedEvents += CommandBatch.Read(batch.Body, ref offset).Count;
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
