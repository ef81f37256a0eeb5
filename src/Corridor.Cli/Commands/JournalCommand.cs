using System.CommandLine;
using System.Diagnostics;
using Corridor.Core.Engine;
using Corridor.Storage.Journal;

namespace Corridor.Cli.Commands;

/// <summary><c>corridor journal verify</c> and <c>corridor audit verify</c>: offline proof that history is intact.</summary>
public static class JournalCommand
{
    public static Command Create()
    {
        var verify = VerifyCommand("verify", "Check every batch's checksums and hash chain without changing any file, replay the journal from the start to a state hash, and check the newest snapshot against it.");
        return new Command("journal", "Inspect and verify a node's journal.") { verify };
    }

    public static Command CreateAudit()
    {
        var verify = VerifyCommand("verify", "Prove the audit trail is unbroken: hash chain, replay to a state hash, snapshot agreement, and (with --expect-head) the chain head against a hash recorded elsewhere. Exit 0 only if all hold.");
        return new Command("audit", "The tamper-evident audit trail: every accepted instruction, hash-chained.") { verify };
    }

    private static Command VerifyCommand(string name, string description)
    {
        var dirArg = new Argument<string>("dir") { Description = "Data directory (or its journal/ folder).", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => DataDirectory.DefaultPath };
        var expectHead = new Option<string?>("--expect-head") { Description = "Chain head hash (hex) recorded outside the node, e.g. from a previous audit or the operator's log." };
        var journalOptions = new JournalChoice.Options();
        var command = new Command(name, description) { dirArg, expectHead };
        journalOptions.AddTo(command);
        command.SetAction(parse =>
        {
            JournalChoice choice = journalOptions.Get(parse);
            if (choice.Validate() is { } invalid) { Console.Error.WriteLine($"corridor: {invalid}"); return 2; }
            if (choice.IsPostgres) return VerifyPostgres(choice);
            DataDirectory dir = DataDirectory.Resolve(parse.GetValue(dirArg)!);
            if (!Directory.Exists(dir.JournalPath))
            {
                Console.Error.WriteLine($"corridor: no journal at {dir.JournalPath}");
                return 2;
            }
            var clock = Stopwatch.StartNew();
            JournalAuditReport r = JournalAudit.Run(dir.JournalPath, dir.SnapshotsPath, parse.GetValue(expectHead));
            JournalVerifyResult c = r.Chain;
            Console.WriteLine($"journal   {dir.JournalPath}");
            Console.WriteLine($"batches   {c.Batches} (sequence {c.FirstSequence}..{c.LastSequence}) in {c.Segments} segments, {c.Bytes:N0} bytes");
            Console.WriteLine($"chain     head {c.LastHashHex}");
            if (c.Problem is not null) Console.WriteLine($"problem   {c.Problem}");
            if (c.CommitNote is not null) Console.WriteLine($"commit    {c.CommitNote}");
            if (!c.IsRecoverable) { Console.WriteLine("FAILED: the journal is corrupt or was edited"); return 1; }
            Console.WriteLine($"replayed  {r.BatchesReplayed} batches: {r.Accounts} accounts, {r.Transfers} transfers in {clock.Elapsed.TotalSeconds:F2} s");
            Console.WriteLine($"state     {r.StateHash}");
            Console.WriteLine($"audit log {r.OperatorAuditEntries} operator actions, head {r.OperatorAuditHead}: "
                + (r.OperatorAuditBrokenAt is { } at ? $"BROKEN at entry {at}" : "hash chain intact"));
            Console.WriteLine(r.SnapshotSequence is { } s ? $"snapshot  batch {s}: {(r.SnapshotProblem is null ? "agrees with the replay" : r.SnapshotProblem)}" : "snapshot  none");
            foreach (string damaged in r.DamagedSnapshots) Console.WriteLine($"snapshot  DAMAGED (a node skips it at start-up): {damaged}");
            if (r.AnchorProblem is not null) Console.WriteLine($"anchor    {r.AnchorProblem}");
            else if (parse.GetValue(expectHead) is not null) Console.WriteLine("anchor    head matches");
            if (!r.Passed) { Console.WriteLine("FAILED"); return 1; }
            Console.WriteLine(c.Problem is null ? "ok" : "ok (a torn tail will be truncated on next start: it was never acknowledged)");
            return 0;
        });
        return command;
    }

    /// <summary>The PostgreSQL journal: every stored hash and body checked while replaying to a state hash.</summary>
    private static int VerifyPostgres(JournalChoice choice)
    {
        var clock = Stopwatch.StartNew();
        var engine = new Engine();
        long replayed = 0;
        try
        {
            using IJournal journal = choice.OpenReadOnly("");
            Console.WriteLine($"journal   {choice.Describe()}");
            Console.WriteLine($"batches   {journal.LastSequence} (sequence 1..{journal.LastSequence})");
            Console.WriteLine($"chain     {Convert.ToHexStringLower(journal.LastHash)}");
            foreach (JournalBatch batch in journal.Read(0))
            {
                engine.Apply(batch.Sequence, batch.TimestampNs, batch.Body, null);
                replayed++;
            }
        }
        catch (JournalCorruptException e)
        {
            Console.WriteLine($"problem   {e.Message}");
            return 1;
        }
        Console.WriteLine($"replayed  {replayed} batches: {engine.Ledger.AccountCount} accounts, {engine.Ledger.TransferCount} transfers in {clock.Elapsed.TotalSeconds:F2} s");
        Console.WriteLine($"state     {engine.StateHashHex()}");
        Console.WriteLine("ok");
        return 0;
    }
}
