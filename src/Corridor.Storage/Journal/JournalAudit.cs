using Corridor.Core.Engine;

namespace Corridor.Storage.Journal;

/// <summary>What an audit of a data directory proved, or the first thing that did not hold.</summary>
public sealed record JournalAuditReport(
    JournalVerifyResult Chain,
    long BatchesReplayed,
    int Accounts,
    int Transfers,
    string StateHash,
    long? SnapshotSequence,
    string? SnapshotProblem,
    string? AnchorProblem,
    int OperatorAuditEntries = 0,
    string OperatorAuditHead = "",
    long? OperatorAuditBrokenAt = null,
    IReadOnlyList<string>? SnapshotsDamaged = null)
{
    /// <summary>Snapshot files that do not verify ("path: why"); a node would skip them at start-up.</summary>
    public IReadOnlyList<string> DamagedSnapshots => SnapshotsDamaged ?? [];

    /// <summary>
    /// The chain is intact (a torn, never-acknowledged tail is tolerated), the replay reproduced every snapshot, the head
    /// matches its anchor, every snapshot file verifies (a damaged one fails the audit even though a node would start from an
    /// older one), and the operator audit log the replay rebuilt (who did what, when) recomputes its hash chain.
    /// </summary>
    public bool Passed => Chain.IsRecoverable && SnapshotProblem is null && AnchorProblem is null && OperatorAuditBrokenAt is null && DamagedSnapshots.Count == 0;
}

/// <summary>
/// Proves a node's history is unedited: every batch's checksum and SHA-256 chain link (read-only), a
/// replay of the whole journal from the first batch to a state hash, agreement of the newest snapshot
/// with the state the replay had at the snapshot's batch, and optionally that the chain head equals a
/// hash recorded elsewhere (an anchor: a re-hashed rewrite of history changes the head).
/// </summary>
public static class JournalAudit
{
    public static JournalAuditReport Run(string journalDirectory, string? snapshotsDirectory, string? expectedHeadHex, Action<long, long>? progress = null)
    {
        JournalVerifyResult chain = FileJournal.Verify(journalDirectory);
        string? anchorProblem = null;
        if (expectedHeadHex is not null && !string.Equals(expectedHeadHex, chain.LastHashHex, StringComparison.OrdinalIgnoreCase))
            anchorProblem = $"chain head is {chain.LastHashHex}, the anchor says {expectedHeadHex}: history was rewritten or the anchor is from another node";
        if (!chain.IsRecoverable)
            return new JournalAuditReport(chain, 0, 0, 0, "", null, null, anchorProblem);

        Engine? snapshot = null;
        long snapshotSequence = 0;
        string? snapshotProblem = null;
        IReadOnlyList<string> damaged = [];
        if (snapshotsDirectory is not null && Directory.Exists(snapshotsDirectory)) damaged = new SnapshotStore(snapshotsDirectory).VerifyAll();
        if (snapshotsDirectory is not null && Directory.Exists(snapshotsDirectory)
            && new SnapshotStore(snapshotsDirectory).TryOpenLatest(out snapshotSequence, out Stream? content))
        {
            try { using (content) snapshot = Engine.ReadSnapshot(content); }
            catch (InvalidDataException e) { snapshotProblem = $"snapshot at batch {snapshotSequence} does not load: {e.Message}"; }
        }

        var engine = new Engine();
        long replayed = 0;
        using (FileJournal journal = FileJournal.OpenReadOnly(journalDirectory))
        {
            foreach (JournalBatch batch in journal.Read(0))
            {
                engine.Apply(batch.Sequence, batch.TimestampNs, batch.Body, null);
                replayed++;
                progress?.Invoke(batch.Sequence, chain.LastSequence);
                if (snapshot is not null && batch.Sequence == snapshotSequence && engine.StateHashHex() != snapshot.StateHashHex())
                    snapshotProblem = $"snapshot at batch {snapshotSequence} has state {snapshot.StateHashHex()}, the journal replays to {engine.StateHashHex()}: one of them was edited";
            }
        }
        if (snapshot is not null && snapshotSequence > engine.Sequence)
            snapshotProblem = $"snapshot at batch {snapshotSequence} is ahead of the journal (ends at {engine.Sequence}): journal data is missing";
        int broken = engine.Compliance.VerifyAuditChain();
        return new JournalAuditReport(chain, replayed, engine.Ledger.AccountCount, engine.Ledger.TransferCount, engine.StateHashHex(),
            snapshot is null ? null : snapshotSequence, snapshotProblem, anchorProblem,
            engine.Compliance.AuditLog.Count, engine.Compliance.AuditHead, broken < 0 ? null : broken + 1, damaged);
    }
}
