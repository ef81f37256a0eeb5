using System.CommandLine;
using System.Diagnostics;
using Corridor.Core.Engine;
using Corridor.Storage.Journal;

namespace Corridor.Cli.Commands;

/// <summary><c>corridor journal ...</c>: offline inspection of a journal.</summary>
public static class JournalCommand
{
    public static Command Create()
    {
        var dirArg = new Argument<string>("dir") { Description = "Data directory (or its journal/ folder).", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => DataDirectory.DefaultPath };
        var journalOptions = new JournalChoice.Options();
        var verify = new Command("verify", "Check every batch's checksums and hash chain without changing any file or row, then replay the journal from the start to a state hash.")
        {
            dirArg,
        };
        journalOptions.AddTo(verify);
        verify.SetAction(parse =>
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
            JournalVerifyResult check = FileJournal.Verify(dir.JournalPath);
            Console.WriteLine($"journal   {dir.JournalPath}");
            Console.WriteLine($"batches   {check.Batches} (sequence {check.FirstSequence}..{check.LastSequence}), {check.Bytes:N0} bytes");
            Console.WriteLine($"chain     {check.LastHashHex}");
            if (check.Problem is not null)
            {
                Console.WriteLine($"problem   {check.Problem}");
                if (!check.ProblemIsTornTail) return 1;
            }
            var engine = new Engine();
            long replayed = 0;
            using (var journal = FileJournal.OpenReadOnly(dir.JournalPath))
            {
                foreach (JournalBatch batch in journal.Read(0))
                {
                    engine.Apply(batch.Sequence, batch.TimestampNs, batch.Body, null);
                    replayed++;
                }
            }
            Console.WriteLine($"replayed  {replayed} batches: {engine.Ledger.AccountCount} accounts, {engine.Ledger.TransferCount} transfers in {clock.Elapsed.TotalSeconds:F2} s");
            Console.WriteLine($"state     {engine.StateHashHex()}");
            Console.WriteLine(check.Problem is null ? "ok" : "ok (a torn tail will be truncated on next start: it was never acknowledged)");
            return 0;
        });
        return new Command("journal", "Inspect and verify a node's journal.") { verify };
    }

    /// <summary>Verifies a PostgreSQL journal: header chain at open, every body's SHA-256 while replaying.</summary>
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
